package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.JdbcDatabase.requireLimit;
import static dev.tresor.keys.jdbc.Statements.inTransaction;
import static dev.tresor.keys.jdbc.Statements.prepare;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.AuditRecord;
import dev.tresor.keys.spi.AuditStorage;

/**
 * The audit log in table {@code tresor_audit}. Appending announces nothing: no node caches it.
 */
final class JdbcAuditStorage implements AuditStorage {
    private static final String INSERT_AUDIT = "INSERT INTO tresor_audit "
        + "(occurred_at, tenant, operation, key_fingerprint, counterpart, message_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_AUDIT = "SELECT id, occurred_at, tenant, operation, key_fingerprint, counterpart, "
        + "message_id, detail FROM tresor_audit WHERE tenant = ? AND occurred_at >= ? AND occurred_at < ? "
        + "ORDER BY tenant DESC, occurred_at DESC, id DESC FETCH FIRST ? ROWS ONLY";

    private final JdbcDatabase database;

    JdbcAuditStorage(JdbcDatabase database) {
        this.database = database;
    }

    @Override
    public void appendAudit(AuditRecord record) {
        database.write("append to the audit log of " + record.tenant(), () -> new UnknownTenantException(record.tenant()),
            connection -> Statements.update(connection, INSERT_AUDIT, parameters(record)));
    }

    /**
     * One JDBC batch in one transaction: a single round trip on PostgreSQL (the driver sends the batch at once) and one
     * commit, hence one log flush, on both. A record of an unknown tenant rolls back the whole batch.
     */
    @Override
    public void appendAudits(List<AuditRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        database.write("append " + records.size() + " records to the audit log", () -> unknownTenantOf(records),
            connection -> inTransaction(connection, () -> {
                try (PreparedStatement statement = connection.prepareStatement(INSERT_AUDIT)) {
                    for (AuditRecord record : records) {
                        Statements.bind(statement, parameters(record));
                        statement.addBatch();
                    }
                    return statement.executeBatch().length;
                }
            }));
    }

    /** Which tenant of a failed batch is missing: the first that the database does not know. */
    private RuntimeException unknownTenantOf(List<AuditRecord> records) {
        return records.stream()
            .map(AuditRecord::tenant)
            .distinct()
            .filter(tenant -> !database.tenantExists(tenant))
            .findFirst()
            .<RuntimeException>map(UnknownTenantException::new)
            .orElseGet(() -> new JdbcStorageException("append " + records.size() + " records to the audit log",
                new SQLException("a record refers to a missing row")));
    }

    private static Object[] parameters(AuditRecord record) {
        return new Object[] {record.time().truncatedTo(ChronoUnit.MICROS), record.tenant().asString(), record.operation(),
            record.keyFingerprint(), record.counterpart(), record.messageId(), record.detail()};
    }

    @Override
    public List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit) {
        return database.run("read the audit log of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection, SELECT_AUDIT, tenant.asString(), from, to,
                requireLimit(limit)); ResultSet rows = statement.executeQuery()) {
                List<AuditRecord> records = new ArrayList<>();
                while (rows.next()) {
                    records.add(new AuditRecord(rows.getLong("id"), Timestamps.get(rows, "occurred_at"), tenant,
                        rows.getString("operation"), Optional.ofNullable(rows.getString("key_fingerprint")),
                        Optional.ofNullable(rows.getString("counterpart")),
                        Optional.ofNullable(rows.getString("message_id")), Optional.ofNullable(rows.getString("detail"))));
                }
                return List.copyOf(records);
            }
        });
    }
}
