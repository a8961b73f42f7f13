package dev.tresor.pgp;

/**
 * OpenPGP work that could not be done, with a reason a mail admin can act on ("no secret key for key id ...",
 * "encrypted without integrity protection"). Mailets route the mail or record the verdict with this message.
 */
public class PgpException extends Exception {
    private static final long serialVersionUID = 1L;

    public PgpException(String message) {
        super(message);
    }

    public PgpException(String message, Throwable cause) {
        super(message, cause);
    }
}
