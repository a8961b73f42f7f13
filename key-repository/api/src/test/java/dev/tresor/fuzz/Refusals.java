package dev.tresor.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

/**
 * The contract every fuzz test holds a parser of outside input to, for the inputs it refuses: the refusal is the
 * parser's documented, typed exception (the caller passes only those through), and its message is one an admin can read.
 * Anything else that escapes (a {@code NullPointerException}, an index out of bounds, a {@code ClassCastException}, a
 * {@code StackOverflowError}, an {@code OutOfMemoryError}) fails the fuzz test by itself, and Jazzer reports a hang.
 */
public final class Refusals {
    /** What a message shows when it passes on a parser's internal failure instead of saying what is wrong. */
    private static final Pattern INTERNAL = Pattern.compile(
        "(^|: )null$|^null"
            + "|\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z][A-Za-z0-9]*(Exception|Error)\\b" // a qualified class name
            + "|(^|: )[A-Z][A-Za-z]*(Exception|Error)$" // a bare class name for a message
            + "|\\bat [a-z]+\\.[a-z]+\\.|\\bIndex -?\\d+ out of bounds");

    private Refusals() {
    }

    /** Asserts that the message of a refusal says what is wrong, not how a parser failed inside. */
    public static void assertClear(Exception refusal) {
        assertThat(refusal.getMessage()).as("message of %s", refusal).isNotBlank();
        assertClear(refusal.getMessage());
    }

    /** As {@link #assertClear(Exception)}, for the reason a verdict gives (written into a header and the log). */
    public static void assertClear(String reason) {
        assertThat(reason).isNotBlank();
        // what a message quotes of the input ('...', or <...> as javax.mail does) is the input's, whatever it holds
        String own = reason.replaceAll("'[^']*'", "''").replaceAll("<[^>]*>", "<>");
        assertThat(INTERNAL.matcher(own).find()).as("'%s' names an internal failure", reason).isFalse();
    }
}
