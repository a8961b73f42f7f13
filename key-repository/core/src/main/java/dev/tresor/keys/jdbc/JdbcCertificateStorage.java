package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.JdbcDatabase.requireLimit;
import static dev.tresor.keys.jdbc.JdbcDatabase.tenantList;
import static dev.tresor.keys.jdbc.Statements.executeInsertIfAbsentBatch;
import static dev.tresor.keys.jdbc.Statements.inTransaction;
import static dev.tresor.keys.jdbc.Statements.prepare;
import static dev.tresor.keys.jdbc.Statements.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.CertificateStorage;
import dev.tresor.keys.spi.StorageChange;

/**
 * Certificates in table {@code tresor_certificates}, their addresses in {@code tresor_certificate_addresses}.
 */
final class JdbcCertificateStorage implements CertificateStorage {
    private static final String SELECT_CERTIFICATES = CertificateRows.SELECT_JOINED
        + "FROM tresor_certificates c " + CertificateRows.ADDRESSES_JOIN;
    private static final String SELECT_CERTIFICATES_BY_ADDRESS = CertificateRows.SELECT_JOINED
        + "FROM tresor_certificate_addresses hit "
        + "JOIN tresor_certificates c ON c.tenant = hit.tenant AND c.fingerprint = hit.fingerprint "
        + CertificateRows.ADDRESSES_JOIN
        + "WHERE hit.address = ? AND hit.tenant IN ";
    // An ORDER BY names every column of the index that should serve it, the tenant too although it is fixed: H2
    // only reads an index in order when the ORDER BY starts with the index's first column.
    private static final String SELECT_CERTIFICATES_PAGE = CertificateRows.SELECT_JOINED
        + "FROM (SELECT * FROM tresor_certificates WHERE tenant = ? AND fingerprint > ? "
        + "ORDER BY tenant, fingerprint FETCH FIRST ? ROWS ONLY) c " + CertificateRows.ADDRESSES_JOIN;
    private static final String SELECT_EXPIRING_WITH_PRIVATE_KEY = CertificateRows.SELECT_JOINED
        + "FROM (SELECT c.* FROM tresor_certificates c "
        + "JOIN tresor_private_keys k ON k.tenant = c.tenant AND k.fingerprint = c.fingerprint "
        + "WHERE c.not_after < ? ORDER BY c.not_after, c.tenant, c.fingerprint FETCH FIRST ? ROWS ONLY) c "
        + CertificateRows.ADDRESSES_JOIN;
    private static final Comparator<CertificateRecord> BY_TENANT_AND_FINGERPRINT =
        Comparator.comparing(CertificateRecord::tenant).thenComparing(CertificateRecord::fingerprint);
    private static final Comparator<CertificateRecord> BY_EXPIRY =
        Comparator.comparing(CertificateRecord::notAfter).thenComparing(BY_TENANT_AND_FINGERPRINT);
    private static final String INSERT_ADDRESS = "INSERT INTO tresor_certificate_addresses (tenant, fingerprint, address) "
        + "VALUES (?, ?, ?)";

    private final JdbcDatabase database;
    private final String insertCertificate;

    JdbcCertificateStorage(JdbcDatabase database) {
        this.database = database;
        this.insertCertificate = database.dialect().insertIfAbsent("tresor_certificates", CertificateRows.COLUMNS,
            CertificateRows.KEY);
    }

    @Override
    public boolean insertCertificate(CertificateRecord certificate) {
        return insertCertificates(List.of(certificate)) == 1;
    }

    /**
     * In one transaction and two batched statements: the way to import thousands. Certificates the tenant already
     * holds (or that appear twice in the list) are skipped.
     *
     * @throws UnknownTenantException naming a tenant of the list that does not exist; nothing is inserted then
     */
    @Override
    public int insertCertificates(List<CertificateRecord> certificates) {
        if (certificates.isEmpty()) {
            return 0;
        }
        try (Connection connection = database.connection()) {
            return inTransaction(connection, () -> insertCertificates(connection, certificates));
        } catch (SQLException e) {
            if (database.dialect().isMissingReference(e)) {
                throw certificates.stream()
                    .map(CertificateRecord::tenant)
                    .filter(tenant -> !database.tenantExists(tenant))
                    .findFirst()
                    .map(UnknownTenantException::new)
                    .orElseThrow(() -> new JdbcStorageException("insert certificates", e));
            }
            throw new JdbcStorageException("insert certificates", e);
        }
    }

    private int insertCertificates(Connection connection, List<CertificateRecord> certificates) throws SQLException {
        int[] counts;
        try (PreparedStatement statement = connection.prepareStatement(insertCertificate)) {
            for (CertificateRecord certificate : certificates) {
                CertificateRows.bind(statement, certificate);
                statement.addBatch();
            }
            counts = executeInsertIfAbsentBatch(statement, certificates.size());
        }
        List<CertificateRecord> inserted = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                inserted.add(certificates.get(i));
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_ADDRESS)) {
            for (CertificateRecord certificate : inserted) {
                CertificateRows.addAddresses(statement, certificate);
            }
            statement.executeBatch();
        }
        if (database.dialect().announcesChanges()) {
            for (TenantId tenant : inserted.stream().map(CertificateRecord::tenant).collect(Collectors.toCollection(TreeSet::new))) {
                database.dialect().announce(connection, StorageChange.tenant(tenant));
            }
        }
        return inserted.size();
    }

    @Override
    public Optional<CertificateRecord> certificate(TenantId tenant, Fingerprint fingerprint) {
        return certificates("read certificate " + fingerprint + " of " + tenant, BY_TENANT_AND_FINGERPRINT,
            SELECT_CERTIFICATES + "WHERE c.tenant = ? AND c.fingerprint = ?", tenant.asString(), fingerprint.asString())
            .stream()
            .findFirst();
    }

    /** One query whatever the number of tenants: the address index finds the rows, the join adds the rest. */
    @Override
    public List<CertificateRecord> certificatesByAddress(Collection<TenantId> tenants, String address) {
        if (tenants.isEmpty()) {
            return List.of();
        }
        List<Object> parameters = new ArrayList<>(List.of(address));
        return certificates("look up certificates for " + address, BY_TENANT_AND_FINGERPRINT,
            SELECT_CERTIFICATES_BY_ADDRESS + tenantList(tenants, parameters), parameters.toArray());
    }

    @Override
    public List<CertificateRecord> certificatesByIssuerAndSerial(TenantId tenant, String issuer, String serialNumber) {
        return certificates("look up certificates by issuer and serial number", BY_TENANT_AND_FINGERPRINT,
            SELECT_CERTIFICATES + "WHERE c.tenant = ? AND c.serial_number = ? AND c.issuer = ?",
            tenant.asString(), serialNumber, issuer);
    }

    @Override
    public List<CertificateRecord> certificatesBySubjectKeyIdentifier(TenantId tenant, String subjectKeyIdentifier) {
        return certificates("look up certificates by subject key identifier", BY_TENANT_AND_FINGERPRINT,
            SELECT_CERTIFICATES + "WHERE c.tenant = ? AND c.subject_key_identifier = ?",
            tenant.asString(), subjectKeyIdentifier);
    }

    @Override
    public List<CertificateRecord> certificates(TenantId tenant, Optional<Fingerprint> after, int limit) {
        return certificates("list certificates of " + tenant, BY_TENANT_AND_FINGERPRINT, SELECT_CERTIFICATES_PAGE,
            tenant.asString(), after.map(Fingerprint::asString).orElse(""), requireLimit(limit));
    }

    @Override
    public boolean updateCertificateStatus(TenantId tenant, Fingerprint fingerprint, KeyStatus status) {
        return database.change("update the status of certificate " + fingerprint + " of " + tenant, null,
            connection -> update(connection, "UPDATE tresor_certificates SET status = ? WHERE tenant = ? AND fingerprint = ?",
                status.name(), tenant.asString(), fingerprint.asString()) > 0,
            Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    @Override
    public List<CertificateRecord> certificatesWithPrivateKeyExpiringBefore(Instant before, int limit) {
        return certificates("list expiring certificates", BY_EXPIRY, SELECT_EXPIRING_WITH_PRIVATE_KEY, before,
            requireLimit(limit));
    }

    private List<CertificateRecord> certificates(String operation, Comparator<CertificateRecord> order, String sql,
                                                 Object... parameters) {
        return database.run(operation, connection -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters);
                 ResultSet rows = statement.executeQuery()) {
                return CertificateRows.read(rows, order);
            }
        });
    }
}
