package dev.tresor.smime;

/**
 * S/MIME work that could not be done, with a reason a mail admin can act on ("no certificate for bob@partner.example",
 * "corrupt CMS structure: ..."). Mailets route the mail to their failure processor with this message.
 */
public class SmimeException extends Exception {
    private static final long serialVersionUID = 1L;

    public SmimeException(String message) {
        super(message);
    }

    public SmimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
