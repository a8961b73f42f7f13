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

    /**
     * What a parser's failure says about the mail, for a reason an admin reads (and a verdict header carries): the root
     * cause's message, never an exception's class name; where Bouncy Castle failed inside (a null, an index out of
     * bounds, a cast that does not hold) or said nothing, what that means for the mail.
     */
    static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root.getMessage() == null || root instanceof NullPointerException || root instanceof IndexOutOfBoundsException
                || root instanceof ClassCastException || root instanceof ArithmeticException
                || root instanceof NegativeArraySizeException || root instanceof ArrayStoreException) {
            return "the CMS structure is not in the form S/MIME requires";
        }
        return root.getMessage().replaceFirst(":\\s*null$", "");
    }
}
