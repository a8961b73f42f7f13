package dev.tresor.mailets.support;

/**
 * A mail's error message as James's JPA mail repositories can keep it: their column {@code JAMES_MAIL_STORE.ERROR_MESSAGE}
 * is {@code VARCHAR(200)}, and storing a mail with a longer one fails. In the error processor that failure is a loop
 * (the spooler requeues the mail, the Bounce before ToRepository goes out again each time) that ends with the mail
 * lost; in a quarantine, the mail that had to be held is not. Tresor's full reasons stay in {@code tresor.failure.reason}
 * and the log, so only the copy in the error message is shortened.
 */
public final class StoredErrorMessage {
    /** The longest error message a {@code jpa://} repository stores. */
    public static final int MAX_LENGTH = 200;
    private static final String CUT = "...";

    private StoredErrorMessage() {
    }

    /** The message as it is if it fits, else its beginning and "...". Null stays null. */
    public static String fit(String message) {
        if (message == null || message.length() <= MAX_LENGTH) {
            return message;
        }
        return message.substring(0, MAX_LENGTH - CUT.length()) + CUT;
    }

    /** {@code head + tail}, the head shortened (with "...") so that the whole fits and the tail, e.g. a reference, stays whole. */
    public static String fit(String head, String tail) {
        if (head.length() + tail.length() <= MAX_LENGTH) {
            return head + tail;
        }
        int room = MAX_LENGTH - tail.length() - CUT.length();
        if (room <= 0) {
            return fit(tail);
        }
        return head.substring(0, room) + CUT + tail;
    }
}
