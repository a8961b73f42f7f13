package dev.tresor.mailets;

import java.time.Clock;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.AuditLog;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.TenantId;

/**
 * Writes one audit event per key use (DESIGN.md: time, tenant, operation, key fingerprint, counterpart address,
 * message id). A failure to write is not swallowed: the mailet treats it as a failure to protect the mail.
 */
public final class KeyUseAudit {
    private final AuditLog log;
    private final Clock clock;

    public KeyUseAudit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    public void record(TenantId tenant, AuditEvent.Operation operation, Fingerprint key, Optional<EmailAddress> counterpart,
                       Optional<String> messageId) {
        AuditEvent event = AuditEvent.of(clock.instant(), tenant, operation).withKey(key);
        event = counterpart.map(event::withCounterpart).orElse(event);
        event = messageId.map(event::withMessageId).orElse(event);
        log.append(event);
    }

    /** The Message-ID header, which audit events carry so an admin can find the mail. */
    public static Optional<String> messageId(MimeMessage message) {
        try {
            return Optional.ofNullable(message.getMessageID()).filter(id -> !id.isBlank());
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }
}
