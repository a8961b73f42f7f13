package dev.tresor.keys.repository;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.bouncycastle.openpgp.PGPPrivateKey;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.PgpKeyVault;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.io.KeyMaterialException;
import dev.tresor.keys.io.PgpComponentKey;
import dev.tresor.keys.io.PgpKeys;
import dev.tresor.keys.io.PgpPublicKeyInfo;
import dev.tresor.keys.io.PgpSecretKeyInfo;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.ProtectedKey;
import dev.tresor.keys.spi.PgpKeyRecord;
import dev.tresor.keys.spi.PgpKeyStorage;
import dev.tresor.keys.spi.TenantStorage;

/**
 * OpenPGP keys over the storage SPI. Public key rings are stored as binary packets and parsed again on each read, so
 * that what a ring says (revocations, expiry, subkeys) is always judged by the same code.
 *
 * <p>Secret key rings are stored as {@link PgpSecretKeyInfo#withoutPassphrase binary packets without passphrase
 * protection}, encrypted by {@link KeyProtection} with the tenant and {@code "pgp-secret:" + fingerprint} as context,
 * so that a blob copied to another tenant's or key's row cannot be decrypted. Signing and decrypting unlock them with
 * an empty passphrase: the admin's passphrase is checked at import and never kept.
 */
final class StoredPgpKeyVault implements PgpKeyVault {
    private static final char[] NO_PASSPHRASE = new char[0];
    /** Newest first: latest creation of the key, then latest import, then fingerprint for a stable order. */
    private static final Comparator<PgpKeyEntry> NEWEST_FIRST = Comparator.comparing(PgpKeyEntry::creationTime)
        .thenComparing(PgpKeyEntry::addedAt)
        .thenComparing(PgpKeyEntry::fingerprint)
        .reversed();

    private static final int PARSED_CACHE_SIZE = 4096;
    private static final int UNLOCKED_CACHE_SIZE = 1024;

    private final PgpKeyStorage storage;
    private final TenantStorage tenants;
    private final KeyProtection protection;
    private final Clock clock;
    /**
     * Parsed public key rings by their exact bytes. Parsing checks every self-signature again (for a Curve25519 key
     * several times the work of the signature a mail needs); the same bytes always give the same facts, and a ring
     * that changes (a merge, a revocation) has other bytes, so what a ring says is still judged by the same code.
     */
    private final Map<RingBytes, PgpPublicKeyInfo> parsed = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<RingBytes, PgpPublicKeyInfo> eldest) {
            return size() > PARSED_CACHE_SIZE;
        }
    };

    /**
     * Unlocked secret keys by tenant and sealed blob, as {@link KeyProtection} keeps unwrapped tenant keys: unsealing,
     * parsing and unlocking a ring, and then deriving an Ed25519 public key again, cost more than the signature a
     * mail needs. A key is only found here through its sealed blob, which is read from storage on every use, so a
     * deleted key is gone at once and a re-imported one (other bytes) is unlocked anew.
     */
    private final Map<UnlockedKey, Map<Long, PGPPrivateKey>> unlocked = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<UnlockedKey, Map<Long, PGPPrivateKey>> eldest) {
            return size() > UNLOCKED_CACHE_SIZE;
        }
    };

    StoredPgpKeyVault(PgpKeyStorage storage, TenantStorage tenants, KeyProtection protection, Clock clock) {
        this.storage = storage;
        this.tenants = tenants;
        this.protection = protection;
        this.clock = clock;
    }

    @Override
    public PgpKeyEntry addPublicKey(TenantId tenant, byte[] armoredOrBinary, Origin origin) {
        requireTenant(tenant);
        PgpPublicKeyInfo key = single(read(() -> PgpKeys.readPublicKeys(armoredOrBinary)));
        return store(tenant, key, origin);
    }

    @Override
    public PgpKeyEntry addSecretKey(TenantId tenant, byte[] armoredOrBinary, char[] passphrase) {
        return addSecretKey(tenant, armoredOrBinary, passphrase, Origin.IMPORTED);
    }

    /** A key the tenant's CA made for one of its users ({@link Origin#ISSUED}): its secret key arrives unprotected. */
    PgpKeyEntry addIssuedSecretKey(TenantId tenant, byte[] keyRing) {
        return addSecretKey(tenant, keyRing, NO_PASSPHRASE, Origin.ISSUED);
    }

    /** The newest valid signing key of one key ring of the tenant's own vault, if it holds its secret key. */
    Optional<PgpPrivateKeyEntry> signingKey(TenantId tenant, PgpFingerprint fingerprint) {
        Instant now = clock.instant();
        return storage.pgpKey(tenant, fingerprint)
            .filter(PgpKeyRecord::hasSecretKey)
            .map(this::toEntry)
            .flatMap(entry -> newestSigningKey(tenant, entry, now));
    }

    private PgpKeyEntry addSecretKey(TenantId tenant, byte[] armoredOrBinary, char[] passphrase, Origin origin) {
        requireTenant(tenant);
        PgpSecretKeyInfo secretKey = single(read(() -> PgpKeys.readSecretKeys(armoredOrBinary, passphrase)));
        PgpFingerprint fingerprint = PgpFingerprint.of(secretKey.fingerprint());
        Optional<PgpSecretKeyInfo> stored = storedSecretKey(tenant, fingerprint);
        byte[] unprotected = read(() -> secretKey.withoutPassphrase(passphrase, stored));
        try {
            PgpSecretKeyInfo merged = single(read(() -> PgpKeys.readSecretKeys(unprotected, NO_PASSPHRASE)));
            store(tenant, merged.publicKeyInfo(), origin);
            ProtectedKey sealed = protection.protect(tenant, unprotected, context(fingerprint));
            storage.putPgpSecretKey(tenant, fingerprint, sealed.toBytes());
        } finally {
            Arrays.fill(unprotected, (byte) 0);
        }
        return get(tenant, fingerprint).orElseThrow();
    }

    private PgpKeyEntry store(TenantId tenant, PgpPublicKeyInfo key, Origin origin) {
        if (key.emailAddresses().isEmpty()) {
            throw new IllegalArgumentException("OpenPGP key " + key.fingerprint() + " has no valid user id with an"
                + " e-mail address " + key.userIds());
        }
        PgpFingerprint fingerprint = PgpFingerprint.of(key.fingerprint());
        Optional<PgpKeyRecord> existing = storage.pgpKey(tenant, fingerprint);
        if (existing.isEmpty()) {
            if (storage.insertPgpKey(toRecord(tenant, key, origin, KeyStatus.ACTIVE, clock.instant()))) {
                return get(tenant, fingerprint).orElseThrow();
            }
            // another node or thread added it in between: merge with theirs
            existing = storage.pgpKey(tenant, fingerprint);
        }
        PgpKeyRecord stored = existing.orElseThrow();
        if (origin == Origin.HARVESTED && stored.origin() != Origin.HARVESTED) {
            return toEntry(stored);
        }
        PgpPublicKeyInfo merged = read(() -> PgpKeys.merge(parse(stored), key));
        Origin keptOrigin = origin == Origin.HARVESTED ? stored.origin() : origin;
        storage.updatePgpKey(toRecord(tenant, merged, keptOrigin, stored.status(), stored.addedAt()));
        return get(tenant, fingerprint).orElseThrow();
    }

    @Override
    public Optional<PgpKeyEntry> get(TenantId tenant, PgpFingerprint fingerprint) {
        return storage.pgpKey(tenant, fingerprint).map(this::toEntry);
    }

    @Override
    public List<PgpKeyEntry> list(TenantId tenant, Optional<PgpFingerprint> after, int limit) {
        return storage.pgpKeys(tenant, after, limit).stream()
            .map(this::toEntry)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public boolean setStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status) {
        return storage.updatePgpKeyStatus(tenant, fingerprint, status);
    }

    @Override
    public List<PgpKeyEntry> encryptionKeys(TenantId tenant, EmailAddress recipient, SelectionPolicy policy) {
        Instant now = clock.instant();
        List<PgpKeyEntry> own = usable(List.of(tenant), recipient, now);
        List<PgpKeyEntry> chosen = own.isEmpty() ? usable(List.copyOf(tenants.grantorsOf(tenant)), recipient, now) : own;
        return policy == SelectionPolicy.NEWEST ? chosen.stream().limit(1).collect(Collectors.toUnmodifiableList()) : chosen;
    }

    private List<PgpKeyEntry> usable(List<TenantId> tenants, EmailAddress address, Instant now) {
        if (tenants.isEmpty()) {
            return List.of();
        }
        return storage.pgpKeysByAddress(tenants, address.asString()).stream()
            .map(this::toEntry)
            .filter(entry -> !entry.encryptionKeysAt(now).isEmpty())
            .sorted(NEWEST_FIRST)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public boolean hasSigningKey(TenantId tenant, EmailAddress sender) {
        Instant now = clock.instant();
        return storage.pgpKeysByAddress(List.of(tenant), sender.asString()).stream()
            .filter(PgpKeyRecord::hasSecretKey)
            .map(this::toEntry)
            .anyMatch(entry -> !entry.signingKeysAt(now).isEmpty());
    }

    @Override
    public Optional<PgpPrivateKeyEntry> signingKey(TenantId tenant, EmailAddress sender) {
        Instant now = clock.instant();
        return storage.pgpKeysByAddress(List.of(tenant), sender.asString()).stream()
            .filter(PgpKeyRecord::hasSecretKey)
            .map(this::toEntry)
            .filter(entry -> !entry.signingKeysAt(now).isEmpty())
            .sorted(NEWEST_FIRST)
            .map(entry -> newestSigningKey(tenant, entry, now))
            .flatMap(Optional::stream)
            .findFirst();
    }

    private Optional<PgpPrivateKeyEntry> newestSigningKey(TenantId tenant, PgpKeyEntry entry, Instant now) {
        Map<Long, PGPPrivateKey> privateKeys = unlock(tenant, entry);
        return entry.signingKeysAt(now).stream()
            .filter(component -> privateKeys.containsKey(component.keyId()))
            .max(Comparator.comparing(PgpComponentKey::creationTime))
            .map(component -> new PgpPrivateKeyEntry(entry, component, privateKeys.get(component.keyId())));
    }

    @Override
    public List<PgpPrivateKeyEntry> decryptionKeys(TenantId tenant, long keyId) {
        List<PgpPrivateKeyEntry> found = new ArrayList<>();
        List<PgpKeyEntry> entries = storage.pgpKeysByKeyId(tenant, keyId).stream()
            .filter(PgpKeyRecord::hasSecretKey)
            .map(this::toEntry)
            .sorted(NEWEST_FIRST)
            .collect(Collectors.toList());
        for (PgpKeyEntry entry : entries) {
            PGPPrivateKey privateKey = unlock(tenant, entry).get(keyId);
            component(entry, keyId)
                .filter(component -> privateKey != null)
                .ifPresent(component -> found.add(new PgpPrivateKeyEntry(entry, component, privateKey)));
        }
        return List.copyOf(found);
    }

    @Override
    public List<PgpPrivateKeyEntry> decryptionKeys(TenantId tenant, PgpFingerprint keyFingerprint) {
        return decryptionKeys(tenant, keyFingerprint.keyId()).stream()
            .filter(key -> key.component().fingerprint().equals(keyFingerprint.asString()))
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public List<PgpKeyEntry> keysWithKeyId(TenantId tenant, long keyId) {
        return storage.pgpKeysByKeyId(tenant, keyId).stream()
            .map(this::toEntry)
            .sorted(NEWEST_FIRST)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public Optional<byte[]> exportPublic(TenantId tenant, PgpFingerprint fingerprint) {
        return get(tenant, fingerprint).map(entry -> PgpKeys.armor(entry.key()));
    }

    private static Optional<PgpComponentKey> component(PgpKeyEntry entry, long keyId) {
        List<PgpComponentKey> all = new ArrayList<>();
        all.add(entry.key().primaryKey());
        all.addAll(entry.key().subkeys());
        return all.stream().filter(component -> component.keyId() == keyId).findFirst();
    }

    private Map<Long, PGPPrivateKey> unlock(TenantId tenant, PgpKeyEntry entry) {
        PgpFingerprint fingerprint = entry.fingerprint();
        return storage.pgpSecretKey(tenant, fingerprint).map(blob -> {
            UnlockedKey cacheKey = new UnlockedKey(tenant, blob);
            synchronized (unlocked) {
                Map<Long, PGPPrivateKey> cached = unlocked.get(cacheKey);
                if (cached != null) {
                    return cached;
                }
            }
            byte[] unprotected = protection.unprotect(tenant, ProtectedKey.fromBytes(blob), context(fingerprint));
            try {
                Map<Long, PGPPrivateKey> keys = read(() -> PgpKeys.unlockStoredSecretKey(unprotected));
                synchronized (unlocked) {
                    unlocked.put(cacheKey, keys);
                }
                return keys;
            } finally {
                Arrays.fill(unprotected, (byte) 0);
            }
        }).orElse(Map.of());
    }

    private Optional<PgpSecretKeyInfo> storedSecretKey(TenantId tenant, PgpFingerprint fingerprint) {
        return storage.pgpSecretKey(tenant, fingerprint).map(blob -> {
            byte[] unprotected = protection.unprotect(tenant, ProtectedKey.fromBytes(blob), context(fingerprint));
            try {
                return single(read(() -> PgpKeys.readSecretKeys(unprotected, NO_PASSPHRASE)));
            } finally {
                Arrays.fill(unprotected, (byte) 0);
            }
        });
    }

    private void requireTenant(TenantId tenant) {
        if (!tenants.tenantExists(tenant)) {
            throw new UnknownTenantException(tenant);
        }
    }

    private static PgpKeyRecord toRecord(TenantId tenant, PgpPublicKeyInfo key, Origin origin, KeyStatus status,
                                         Instant addedAt) {
        Set<Long> keyIds = new HashSet<>();
        keyIds.add(key.keyId());
        key.subkeys().forEach(subkey -> keyIds.add(subkey.keyId()));
        return new PgpKeyRecord(tenant, PgpFingerprint.of(key.fingerprint()), key.encoded(),
            key.emailAddresses().stream().map(EmailAddress::asString).collect(Collectors.toSet()),
            keyIds, origin, status, addedAt, false);
    }

    private PgpKeyEntry toEntry(PgpKeyRecord record) {
        PgpPublicKeyInfo key = parse(record);
        return new PgpKeyEntry(record.tenant(), key,
            record.addresses().stream().map(EmailAddress::of).collect(Collectors.toSet()),
            record.origin(), record.status(), record.addedAt(), record.hasSecretKey());
    }

    private PgpPublicKeyInfo parse(PgpKeyRecord record) {
        RingBytes ring = new RingBytes(record.keyRing());
        synchronized (parsed) {
            PgpPublicKeyInfo cached = parsed.get(ring);
            if (cached != null) {
                return cached;
            }
        }
        PgpPublicKeyInfo key = parseAgain(record);
        synchronized (parsed) {
            parsed.put(ring, key);
        }
        return key;
    }

    private static PgpPublicKeyInfo parseAgain(PgpKeyRecord record) {
        try {
            return single(PgpKeys.readPublicKeys(record.keyRing()));
        } catch (KeyMaterialException | IllegalArgumentException e) {
            throw new IllegalStateException("Stored OpenPGP key " + record.fingerprint() + " of " + record.tenant()
                + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static <T> T single(List<T> keys) {
        if (keys.size() != 1) {
            throw new IllegalArgumentException("The input holds " + keys.size() + " OpenPGP keys; import them one at a"
                + " time (gpg --armor --export FINGERPRINT)");
        }
        return keys.get(0);
    }

    @FunctionalInterface
    private interface Reading<T> {
        T read() throws KeyMaterialException;
    }

    /** Runs a read of key material, whose failure is the admin's input: an IllegalArgumentException saying what is wrong. */
    private static <T> T read(Reading<T> reading) {
        try {
            return reading.read();
        } catch (KeyMaterialException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A sealed secret key of a tenant as a map key: equal when the tenant and the sealed bytes are. */
    private static final class UnlockedKey {
        private final String tenant;
        private final RingBytes sealed;

        UnlockedKey(TenantId tenant, byte[] sealed) {
            this.tenant = tenant.asString();
            this.sealed = new RingBytes(sealed);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof UnlockedKey && tenant.equals(((UnlockedKey) other).tenant)
                && sealed.equals(((UnlockedKey) other).sealed);
        }

        @Override
        public int hashCode() {
            return 31 * tenant.hashCode() + sealed.hashCode();
        }
    }

    /** A key ring's bytes as a map key: equal when the bytes are. */
    private static final class RingBytes {
        private final byte[] bytes;
        private final int hash;

        RingBytes(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof RingBytes && Arrays.equals(bytes, ((RingBytes) other).bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static byte[] context(PgpFingerprint fingerprint) {
        return ("pgp-secret:" + fingerprint.asString()).getBytes(StandardCharsets.US_ASCII);
    }
}
