package dev.tresor.keys.webadmin;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.RevocationReason;

/**
 * A key a tenant CA issued, as WebAdmin shows it: {@code id} is the certificate's serial number (hex) or the OpenPGP
 * fingerprint, {@code fingerprint} the key as the vaults and the audit log name it.
 */
public final class IssuedKeyResponse {
    private final IssuedKey key;

    IssuedKeyResponse(IssuedKey key) {
        this.key = key;
    }

    static List<IssuedKeyResponse> of(List<IssuedKey> keys) {
        return keys.stream().map(IssuedKeyResponse::new).collect(Collectors.toUnmodifiableList());
    }

    public String getKind() {
        return key.kind().asString();
    }

    public String getId() {
        return key.id();
    }

    public String getAddress() {
        return key.address().asString();
    }

    public String getFingerprint() {
        return key.fingerprint();
    }

    public Instant getIssuedAt() {
        return key.issuedAt();
    }

    public Instant getNotAfter() {
        return key.notAfter();
    }

    public String getStatus() {
        return key.status().name().toLowerCase(Locale.ROOT);
    }

    public Optional<Instant> getRevokedAt() {
        return key.revokedAt();
    }

    public Optional<String> getRevocationReason() {
        return key.revocationReason().map(RevocationReason::asString);
    }

    public Optional<String> getRenewedBy() {
        return key.renewedBy();
    }
}
