package dev.tresor.keys.jdbc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.spi.CertificateRecord;

/**
 * A {@link CertificateRecord} as rows: one of {@code tresor_certificates} plus one of
 * {@code tresor_certificate_addresses} per address. Queries read certificates and all their addresses in one go by
 * joining the two ({@link #SELECT_JOINED}), one result row per address.
 *
 * <p>The chain is kept in the certificate's row as one blob: each issuer's DER preceded by its length as a 4-byte
 * big-endian integer, nearest issuer first; an empty chain is an empty blob.
 */
final class CertificateRows {
    static final List<String> COLUMNS = List.of("tenant", "fingerprint", "der", "chain", "issuer", "serial_number",
        "subject_key_identifier", "not_before", "not_after", "can_encrypt", "can_sign", "origin", "status", "added_at");
    static final List<String> KEY = List.of("tenant", "fingerprint");
    static final List<String> ADDRESS_COLUMNS = List.of("tenant", "fingerprint", "address");

    /** Certificates {@code c} with their addresses {@code a}; the caller adds FROM and WHERE. */
    static final String SELECT_JOINED = "SELECT c.tenant, c.fingerprint, c.der, c.chain, c.issuer, c.serial_number, "
        + "c.subject_key_identifier, c.not_before, c.not_after, c.can_encrypt, c.can_sign, c.origin, c.status, "
        + "c.added_at, a.address ";
    static final String ADDRESSES_JOIN = "LEFT JOIN tresor_certificate_addresses a "
        + "ON a.tenant = c.tenant AND a.fingerprint = c.fingerprint ";

    private CertificateRows() {
    }

    /** Binds {@code certificate} to a statement whose parameters are {@link #COLUMNS}, in order. */
    static void bind(PreparedStatement statement, CertificateRecord certificate) throws SQLException {
        statement.setString(1, certificate.tenant().asString());
        statement.setString(2, certificate.fingerprint().asString());
        statement.setBytes(3, certificate.der());
        statement.setBytes(4, encodeChain(certificate.chain()));
        statement.setString(5, certificate.issuer());
        statement.setString(6, certificate.serialNumber());
        statement.setString(7, certificate.subjectKeyIdentifier().orElse(null));
        Timestamps.set(statement, 8, certificate.notBefore());
        Timestamps.set(statement, 9, certificate.notAfter());
        statement.setBoolean(10, certificate.canEncrypt());
        statement.setBoolean(11, certificate.canSign());
        statement.setString(12, certificate.origin().name());
        statement.setString(13, certificate.status().name());
        Timestamps.set(statement, 14, certificate.addedAt());
    }

    /** Adds one batch entry per address to a statement whose parameters are {@link #ADDRESS_COLUMNS}. */
    static void addAddresses(PreparedStatement statement, CertificateRecord certificate) throws SQLException {
        for (String address : certificate.addresses()) {
            statement.setString(1, certificate.tenant().asString());
            statement.setString(2, certificate.fingerprint().asString());
            statement.setString(3, address);
            statement.addBatch();
        }
    }

    /**
     * Reads the rows of a {@link #SELECT_JOINED} query into certificates, in {@code order}. Rows are grouped here, not
     * by an ORDER BY: H2 costs a sort as if it sorted the whole table and picks an index for its order rather than
     * the selective one.
     */
    static List<CertificateRecord> read(ResultSet rows, Comparator<CertificateRecord> order) throws SQLException {
        Map<String, WithoutAddresses> certificates = new LinkedHashMap<>();
        Map<String, Set<String>> addresses = new HashMap<>();
        while (rows.next()) {
            String key = rows.getString("tenant") + ' ' + rows.getString("fingerprint");
            if (!certificates.containsKey(key)) {
                certificates.put(key, readCertificate(rows));
                addresses.put(key, new HashSet<>());
            }
            String address = rows.getString("address");
            if (address != null) {
                addresses.get(key).add(address);
            }
        }
        return certificates.entrySet().stream()
            .map(entry -> entry.getValue().with(addresses.get(entry.getKey())))
            .sorted(order)
            .collect(Collectors.toUnmodifiableList());
    }

    @FunctionalInterface
    private interface WithoutAddresses {
        CertificateRecord with(Set<String> addresses);
    }

    private static WithoutAddresses readCertificate(ResultSet row) throws SQLException {
        TenantId tenant = TenantId.of(row.getString("tenant"));
        Fingerprint fingerprint = Fingerprint.of(row.getString("fingerprint"));
        byte[] der = row.getBytes("der");
        List<byte[]> chain = decodeChain(row.getBytes("chain"));
        String issuer = row.getString("issuer");
        String serialNumber = row.getString("serial_number");
        Optional<String> subjectKeyIdentifier = Optional.ofNullable(row.getString("subject_key_identifier"));
        Instant notBefore = Timestamps.get(row, "not_before");
        Instant notAfter = Timestamps.get(row, "not_after");
        boolean canEncrypt = row.getBoolean("can_encrypt");
        boolean canSign = row.getBoolean("can_sign");
        Origin origin = Origin.valueOf(row.getString("origin"));
        KeyStatus status = KeyStatus.valueOf(row.getString("status"));
        Instant addedAt = Timestamps.get(row, "added_at");
        return addresses -> new CertificateRecord(tenant, fingerprint, der, chain, addresses, issuer, serialNumber,
            subjectKeyIdentifier, notBefore, notAfter, canEncrypt, canSign, origin, status, addedAt);
    }

    static byte[] encodeChain(List<byte[]> chain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] issuer : chain) {
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(issuer.length).array());
            out.writeBytes(issuer);
        }
        return out.toByteArray();
    }

    static List<byte[]> decodeChain(byte[] encoded) {
        List<byte[]> chain = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(encoded);
        while (in.hasRemaining()) {
            byte[] issuer = new byte[in.getInt()];
            in.get(issuer);
            chain.add(issuer);
        }
        return chain;
    }
}
