package dev.tresor.keys.webadmin;

import java.time.Instant;
import java.util.Optional;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;

/** One line of a tenant's audit log. */
public final class AuditEventResponse {
    private final AuditEvent event;

    AuditEventResponse(AuditEvent event) {
        this.event = event;
    }

    public Instant getTime() {
        return event.time();
    }

    /** {@code IMPORT}, {@code REVOKE}, {@code SIGN}, ... as {@link AuditEvent.Operation} names them. */
    public String getOperation() {
        return event.operation().name();
    }

    public Optional<String> getKey() {
        return event.key();
    }

    public Optional<String> getCounterpart() {
        return event.counterpart().map(EmailAddress::asString);
    }

    public Optional<String> getMessageId() {
        return event.messageId();
    }

    public Optional<String> getDetail() {
        return event.detail();
    }
}
