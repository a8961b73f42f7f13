package dev.tresor.tls;

import java.io.IOException;

/** The server broke the SMTP protocol (an unreadable, oversized or out-of-place reply): never trusted, never retried on the same connection. */
public final class SmtpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    SmtpProtocolException(String message) {
        super(message);
    }
}
