package dev.tresor.keys.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.AuditLog;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.spi.AuditRecord;
import dev.tresor.keys.spi.AuditStorage;

final class StoredAuditLog implements AuditLog {
    private final AuditStorage storage;

    StoredAuditLog(AuditStorage storage) {
        this.storage = storage;
    }

    @Override
    public void append(AuditEvent event) {
        storage.appendAudit(new AuditRecord(0, event.time(), event.tenant(), event.operation().name(),
            event.key(),
            event.counterpart().map(EmailAddress::asString),
            event.messageId(),
            event.detail()));
    }

    @Override
    public List<AuditEvent> query(TenantId tenant, Instant from, Instant to, int limit) {
        return storage.audit(tenant, from, to, limit).stream()
            .map(StoredAuditLog::toEvent)
            .collect(Collectors.toUnmodifiableList());
    }

    private static AuditEvent toEvent(AuditRecord record) {
        AuditEvent event = AuditEvent.of(record.time(), record.tenant(), AuditEvent.Operation.valueOf(record.operation()));
        event = with(event, record.keyFingerprint(), AuditEvent::withKey);
        event = with(event, record.counterpart().map(EmailAddress::of), AuditEvent::withCounterpart);
        event = with(event, record.messageId(), AuditEvent::withMessageId);
        return with(event, record.detail(), AuditEvent::withDetail);
    }

    private static <T> AuditEvent with(AuditEvent event, Optional<T> value, java.util.function.BiFunction<AuditEvent, T, AuditEvent> setter) {
        return value.map(present -> setter.apply(event, present)).orElse(event);
    }
}
