package dev.tresor.mailets.support;

import java.time.Clock;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.AuditLog;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.PgpFingerprint;
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
        append(AuditEvent.of(clock.instant(), tenant, operation).withKey(key), counterpart, messageId);
    }

    /** An OpenPGP key's use, by the fingerprint of its primary key. */
    public void record(TenantId tenant, AuditEvent.Operation operation, PgpFingerprint key, Optional<EmailAddress> counterpart,
                       Optional<String> messageId) {
        append(AuditEvent.of(clock.instant(), tenant, operation).withKey(key), counterpart, messageId);
    }

    private void append(AuditEvent keyUse, Optional<EmailAddress> counterpart, Optional<String> messageId) {
        AuditEvent event = keyUse;
        event = counterpart.map(event::withCounterpart).orElse(event);
        event = messageId.map(event::withMessageId).orElse(event);
        log.append(event);
    }

    /** A use of a password rather than a key (PdfWrap): no fingerprint, the kind of password in the detail. */
    public void recordPassword(TenantId tenant, AuditEvent.Operation operation, EmailAddress counterpart, Optional<String> messageId,
                               String detail) {
        AuditEvent event = AuditEvent.of(clock.instant(), tenant, operation).withCounterpart(counterpart).withDetail(detail);
        log.append(messageId.map(event::withMessageId).orElse(event));
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
