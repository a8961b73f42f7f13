package dev.tresor.pdf;

/**
 * A mail that cannot be turned into a protected PDF: malformed MIME, an unreadable part, a font or storage problem.
 * The message says what, for the admin who finds the mail in quarantine.
 */
public final class PdfWrapException extends Exception {
    private static final long serialVersionUID = 1L;

    public PdfWrapException(String message) {
        super(message);
    }

    public PdfWrapException(String message, Throwable cause) {
        super(message, cause);
    }
}
