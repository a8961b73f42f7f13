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

    /**
     * What a parser's failure says about the input, for a reason an admin reads. Bouncy Castle reports some packets it
     * does not expect by failing inside (a null, an index out of bounds, a cast that does not hold), and wraps others
     * without a message or name a value they could not make ("... : null"): those say nothing about the mail and are
     * replaced by what they mean for it.
     */
    static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root.getMessage() == null || root instanceof NullPointerException || root instanceof IndexOutOfBoundsException
                || root instanceof ClassCastException || root instanceof ArithmeticException
                || root instanceof NegativeArraySizeException || root instanceof ArrayStoreException) {
            return "the packets are not in the form OpenPGP requires";
        }
        // "unexpected packet in stream: null": the parser naming a packet it could not make
        return root.getMessage().replaceFirst(":\\s*null$", "");
    }
}
