package dev.tresor.keys.repository;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.List;
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
 */
final class StoredPrivateKeyVault implements PrivateKeyVault {

    private final PrivateKeyStorage storage;
    private final StoredCertificateVault certificates;
    private final KeyProtection protection;
    private final Clock clock;

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
            .map(blob -> new KeyPairEntry(entry, decode(entry, protection.unprotect(tenant, ProtectedKey.fromBytes(blob),
                context(entry.fingerprint())))));
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
}
