package dev.tresor.keys.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.spi.PgpKeyRecord;

/**
 * A {@link PgpKeyRecord} as rows: one of {@code tresor_pgp_keys}, one of {@code tresor_pgp_key_addresses} per address
 * and one of {@code tresor_pgp_key_ids} per key id. Queries read a key with all its addresses and key ids in one go
 * by joining them ({@link #SELECT_JOINED}): one result row per address and key id, a handful for a real key.
 */
final class PgpKeyRows {
    static final List<String> COLUMNS = List.of("tenant", "fingerprint", "key_ring", "origin", "status", "added_at");
    static final List<String> KEY = List.of("tenant", "fingerprint");
    static final String INSERT_ADDRESS = "INSERT INTO tresor_pgp_key_addresses (tenant, fingerprint, address) VALUES (?, ?, ?)";
    static final String INSERT_KEY_ID = "INSERT INTO tresor_pgp_key_ids (tenant, fingerprint, key_id) VALUES (?, ?, ?)";
    static final String UPDATE = "UPDATE tresor_pgp_keys SET key_ring = ?, origin = ?, status = ?, added_at = ? "
        + "WHERE tenant = ? AND fingerprint = ?";

    /** Keys {@code k} with their secret key {@code s}, addresses {@code a} and key ids {@code i}; the caller adds FROM. */
    static final String SELECT_JOINED = "SELECT k.tenant, k.fingerprint, k.key_ring, k.origin, k.status, k.added_at, "
        + "s.fingerprint AS secret_key, a.address, i.key_id ";
    static final String DETAILS_JOIN = "LEFT JOIN tresor_pgp_secret_keys s ON s.tenant = k.tenant AND s.fingerprint = k.fingerprint "
        + "LEFT JOIN tresor_pgp_key_addresses a ON a.tenant = k.tenant AND a.fingerprint = k.fingerprint "
        + "LEFT JOIN tresor_pgp_key_ids i ON i.tenant = k.tenant AND i.fingerprint = k.fingerprint ";

    static final Comparator<PgpKeyRecord> BY_TENANT_AND_FINGERPRINT =
        Comparator.comparing(PgpKeyRecord::tenant).thenComparing(PgpKeyRecord::fingerprint);

    private PgpKeyRows() {
    }

    /** The parameters of an insert of {@link #COLUMNS}, in order. */
    static Object[] values(PgpKeyRecord key) {
        return new Object[] {key.tenant().asString(), key.fingerprint().asString(), key.keyRing(), key.origin().name(),
            key.status().name(), key.addedAt()};
    }

    /** The parameters of {@link #UPDATE}, in order. */
    static Object[] updateValues(PgpKeyRecord key) {
        return new Object[] {key.keyRing(), key.origin().name(), key.status().name(), key.addedAt(),
            key.tenant().asString(), key.fingerprint().asString()};
    }

    static void insertDetails(Connection connection, PgpKeyRecord key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_ADDRESS)) {
            for (String address : key.addresses()) {
                statement.setString(1, key.tenant().asString());
                statement.setString(2, key.fingerprint().asString());
                statement.setString(3, address);
                statement.addBatch();
            }
            statement.executeBatch();
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_KEY_ID)) {
            for (long keyId : key.keyIds()) {
                statement.setString(1, key.tenant().asString());
                statement.setString(2, key.fingerprint().asString());
                statement.setLong(3, keyId);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Reads the rows of a {@link #SELECT_JOINED} query into keys, in {@code order}. */
    static List<PgpKeyRecord> read(ResultSet rows, Comparator<PgpKeyRecord> order) throws SQLException {
        Map<String, PgpKeyRecord> keys = new LinkedHashMap<>();
        Map<String, Set<String>> addresses = new HashMap<>();
        Map<String, Set<Long>> keyIds = new HashMap<>();
        while (rows.next()) {
            String id = rows.getString("tenant") + ' ' + rows.getString("fingerprint");
            if (!keys.containsKey(id)) {
                keys.put(id, readKey(rows));
                addresses.put(id, new HashSet<>());
                keyIds.put(id, new HashSet<>());
            }
            String address = rows.getString("address");
            if (address != null) {
                addresses.get(id).add(address);
            }
            long keyId = rows.getLong("key_id");
            if (!rows.wasNull()) {
                keyIds.get(id).add(keyId);
            }
        }
        return keys.entrySet().stream()
            .map(entry -> with(entry.getValue(), addresses.get(entry.getKey()), keyIds.get(entry.getKey())))
            .sorted(order)
            .collect(Collectors.toUnmodifiableList());
    }

    private static PgpKeyRecord readKey(ResultSet row) throws SQLException {
        TenantId tenant = TenantId.of(row.getString("tenant"));
        PgpFingerprint fingerprint = PgpFingerprint.of(row.getString("fingerprint"));
        byte[] keyRing = row.getBytes("key_ring");
        Origin origin = Origin.valueOf(row.getString("origin"));
        KeyStatus status = KeyStatus.valueOf(row.getString("status"));
        Instant addedAt = Timestamps.get(row, "added_at");
        boolean hasSecretKey = row.getString("secret_key") != null;
        return new PgpKeyRecord(tenant, fingerprint, keyRing, Set.of(), Set.of(), origin, status, addedAt, hasSecretKey);
    }

    private static PgpKeyRecord with(PgpKeyRecord key, Set<String> addresses, Set<Long> keyIds) {
        return new PgpKeyRecord(key.tenant(), key.fingerprint(), key.keyRing(), addresses, keyIds, key.origin(),
            key.status(), key.addedAt(), key.hasSecretKey());
    }
}
