package dev.tresor.keys.webadmin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.io.PgpComponentKey;

/** An OpenPGP key of a tenant's vault as WebAdmin shows it: facts about it, never key material. */
public final class PgpKeyResponse {
    private final PgpKeyEntry entry;

    private PgpKeyResponse(PgpKeyEntry entry) {
        this.entry = entry;
    }

    static PgpKeyResponse of(PgpKeyEntry entry) {
        return new PgpKeyResponse(entry);
    }

    static List<PgpKeyResponse> of(List<PgpKeyEntry> entries) {
        return entries.stream()
            .map(PgpKeyResponse::of)
            .collect(Collectors.toUnmodifiableList());
    }

    /** Of the primary key, upper-case hex as gpg prints it. */
    public String getFingerprint() {
        return entry.fingerprint().asString();
    }

    /** The tenant whose vault holds it: another tenant's only in a lookup through federation. */
    public String getTenant() {
        return entry.tenant().asString();
    }

    /** The primary key's id, then its subkeys', 16 upper-case hex digits each, as gpg prints them. */
    public List<String> getKeyIds() {
        List<PgpComponentKey> keys = new ArrayList<>();
        keys.add(entry.key().primaryKey());
        keys.addAll(entry.key().subkeys());
        return keys.stream()
            .map(PgpComponentKey::keyIdHex)
            .collect(Collectors.toUnmodifiableList());
    }

    public List<String> getAddresses() {
        return entry.addresses().stream()
            .map(EmailAddress::asString)
            .sorted()
            .collect(Collectors.toUnmodifiableList());
    }

    public List<String> getUserIds() {
        return entry.userIds();
    }

    public Instant getCreation() {
        return entry.creationTime();
    }

    public Optional<Instant> getExpiry() {
        return entry.expiry();
    }

    /** Whether its holder revoked it; independent of {@link #getStatus()}, the administrator's. */
    public boolean isRevoked() {
        return entry.isRevoked();
    }

    public String getStatus() {
        return entry.status().name().toLowerCase(Locale.ROOT);
    }

    public String getOrigin() {
        return entry.origin().name().toLowerCase(Locale.ROOT);
    }

    public boolean isHasSecretKey() {
        return entry.hasSecretKey();
    }

    public Instant getAddedAt() {
        return entry.addedAt();
    }
}
