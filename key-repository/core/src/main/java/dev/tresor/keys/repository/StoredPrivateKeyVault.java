package dev.tresor.keys.repository;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.PrivateKeyVault;
import dev.tresor.keys.RecipientId;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.ProtectedKey;
import dev.tresor.keys.spi.PrivateKeyStorage;

/**
 * Private keys as PKCS#8, encrypted by {@link KeyProtection} with the tenant and the certificate fingerprint as
 * context, so that a stored key copied to another tenant's or certificate's row cannot be decrypted.
 *
 * <p>A key decrypted once is kept, decoded, for as long as the stored key it came from is unchanged: every lookup still
 * reads the stored (encrypted) key, and only when it is byte for byte the one decrypted before is the decoded key used
 * again. A key removed or replaced in storage is therefore never used after its removal, exactly as without the
 * cache. Why: decrypting and decoding the key again for every mail was measured as the largest per-mail cost of
 * SignSmime after the signature itself (relay benchmark, issue 17), and a fresh key object also costs the JDK's RSA
 * its blinding parameters (a modular inverse per signature instead of a squaring). What it does not change: the
 * tenant keys that decrypt these keys are kept in memory already ({@link KeyProtection}), and a signing mailet holds
 * the decoded key while it signs; no key leaves the process, and the least recently used beyond
 * {@value #DECODED_KEYS} are let go.
 */
final class StoredPrivateKeyVault implements PrivateKeyVault {
    static final int DECODED_KEYS = 1000;

    private final PrivateKeyStorage storage;
    private final StoredCertificateVault certificates;
    private final KeyProtection protection;
    private final Clock clock;
    private final DecodedKeys decoded = new DecodedKeys(DECODED_KEYS);

    StoredPrivateKeyVault(PrivateKeyStorage storage, StoredCertificateVault certificates, KeyProtection protection, Clock clock) {
        this.storage = storage;
        this.certificates = certificates;
        this.protection = protection;
        this.clock = clock;
    }

    @Override
    public void add(TenantId tenant, Fingerprint certificate, PrivateKey privateKey) {
        CertificateEntry entry = certificates.get(tenant, certificate)
            .orElseThrow(() -> new IllegalArgumentException("Tenant '" + tenant + "' holds no certificate " + certificate));
        requireMatch(entry, privateKey);
        ProtectedKey sealed = protection.protect(tenant, privateKey.getEncoded(), context(certificate));
        storage.putPrivateKey(tenant, certificate, sealed.toBytes());
    }

    @Override
    public boolean has(TenantId tenant, Fingerprint certificate) {
        return storage.privateKey(tenant, certificate).isPresent();
    }

    @Override
    public boolean hasSigningKey(TenantId tenant, EmailAddress sender) {
        return certificates.usable(List.of(tenant), sender, clock.instant(), CertificateEntry::canSign).stream()
            .anyMatch(entry -> has(tenant, entry.fingerprint()));
    }

    @Override
    public Optional<KeyPairEntry> signingKey(TenantId tenant, EmailAddress sender) {
        return certificates.usable(List.of(tenant), sender, clock.instant(), CertificateEntry::canSign).stream()
            .map(entry -> withPrivateKey(tenant, entry))
            .flatMap(Optional::stream)
            .findFirst();
    }

    @Override
    public List<KeyPairEntry> decryptionKeys(TenantId tenant, RecipientId recipientId) {
        return certificates.find(tenant, recipientId).stream()
            .sorted(StoredCertificateVault.NEWEST_FIRST)
            .map(entry -> withPrivateKey(tenant, entry))
            .flatMap(Optional::stream)
            .collect(Collectors.toUnmodifiableList());
    }

    /** The certificate with this fingerprint and its private key, whatever its status, if the tenant holds both. */
    Optional<KeyPairEntry> keyPair(TenantId tenant, Fingerprint certificate) {
        return certificates.get(tenant, certificate).flatMap(entry -> withPrivateKey(tenant, entry));
    }

    private Optional<KeyPairEntry> withPrivateKey(TenantId tenant, CertificateEntry entry) {
        return storage.privateKey(tenant, entry.fingerprint())
            .map(blob -> new KeyPairEntry(entry, privateKey(tenant, entry, blob)));
    }

    private PrivateKey privateKey(TenantId tenant, CertificateEntry entry, byte[] blob) {
        PrivateKey known = decoded.get(tenant, entry.fingerprint(), blob);
        if (known != null) {
            return known;
        }
        byte[] pkcs8 = protection.unprotect(tenant, ProtectedKey.fromBytes(blob), context(entry.fingerprint()));
        PrivateKey key = decode(entry, pkcs8);
        decoded.put(tenant, entry.fingerprint(), blob, key);
        return key;
    }

    private static PrivateKey decode(CertificateEntry entry, byte[] pkcs8) {
        try {
            String algorithm = entry.certificate().getPublicKey().getAlgorithm();
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Stored private key of " + entry.fingerprint() + " cannot be decoded", e);
        }
    }

    private static void requireMatch(CertificateEntry entry, PrivateKey privateKey) {
        PublicKey publicKey = entry.certificate().getPublicKey();
        if (!publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("The " + privateKey.getAlgorithm() + " private key does not belong to the "
                + publicKey.getAlgorithm() + " certificate " + entry.fingerprint());
        }
        if (!ProofOfPossession.matches(publicKey, privateKey)) {
            throw new IllegalArgumentException("The private key does not belong to certificate " + entry.fingerprint());
        }
    }

    private static byte[] context(Fingerprint certificate) {
        return ("private-key:" + certificate.asString()).getBytes(StandardCharsets.US_ASCII);
    }

    /** Decoded private keys with the stored key each came from, least recently used let go first. */
    private static final class DecodedKeys {
        private final Map<String, Decoded> keys;

        DecodedKeys(int capacity) {
            this.keys = new LinkedHashMap<String, Decoded>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Decoded> eldest) {
                    return size() > capacity;
                }
            };
        }

        /** The key decoded from exactly this stored key, or null. */
        synchronized PrivateKey get(TenantId tenant, Fingerprint certificate, byte[] blob) {
            Decoded known = keys.get(cacheKey(tenant, certificate));
            return known != null && Arrays.equals(known.blob, blob) ? known.key : null;
        }

        synchronized void put(TenantId tenant, Fingerprint certificate, byte[] blob, PrivateKey key) {
            keys.put(cacheKey(tenant, certificate), new Decoded(blob.clone(), key));
        }

        // Tenant ids never contain a space, so this key is unambiguous.
        private static String cacheKey(TenantId tenant, Fingerprint certificate) {
            return tenant.asString() + ' ' + certificate.asString();
        }
    }

    private static final class Decoded {
        final byte[] blob;
        final PrivateKey key;

        Decoded(byte[] blob, PrivateKey key) {
            this.blob = blob;
            this.key = key;
        }
    }
}
