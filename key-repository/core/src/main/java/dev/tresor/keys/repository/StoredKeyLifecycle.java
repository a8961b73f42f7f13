package dev.tresor.keys.repository;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.AuditEvent.Operation;
import dev.tresor.keys.AuditLog;
import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.ca.CaCertificates;
import dev.tresor.keys.ca.OcspResponder;
import dev.tresor.keys.ca.OcspStatus;
import dev.tresor.keys.ca.PgpKeyFactory;
import dev.tresor.keys.ca.RevokedSerial;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.CertificateIssuer;
import dev.tresor.keys.lifecycle.ExpiringKey;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyAlgorithm;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.KeyLifecycle;
import dev.tresor.keys.lifecycle.Renewal;
import dev.tresor.keys.lifecycle.RevocationReason;
import dev.tresor.keys.lifecycle.TenantCa;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.ProtectedKey;
import dev.tresor.keys.spi.LifecycleStorage;
import dev.tresor.keys.spi.LifecycleStorage.CaRow;
import dev.tresor.keys.spi.LifecycleStorage.CrlRow;
import dev.tresor.keys.spi.LifecycleStorage.IssuedRow;

/**
 * {@link KeyLifecycle} over the storage SPI. Issuance runs under {@link LifecycleStorage#withIssuanceLock}, and inside
 * it reads only the register of issued keys (never the lookup cache), so two nodes asking for the first key of one
 * sender at once get the same key. The register row is written after the certificate and its private key: a register
 * entry always has its key.
 */
final class StoredKeyLifecycle implements KeyLifecycle {
    private static final Logger LOGGER = LoggerFactory.getLogger(StoredKeyLifecycle.class);
    /** A tenant root lives long: replacing it means every partner must learn the new one. */
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** The Baseline Requirements: a CRL for subscriber certificates is valid for at most 10 days; we publish weekly. */
    static final Duration CRL_VALIDITY = Duration.ofDays(7);
    static final Duration OCSP_VALIDITY = Duration.ofDays(1);
    private static final int PAGE = 500;

    private final LifecycleStorage storage;
    private final StoredTenantDirectory tenants;
    private final StoredCertificateVault certificates;
    private final StoredPrivateKeyVault privateKeys;
    private final StoredPgpKeyVault pgpKeys;
    private final KeyProtection protection;
    private final AuditLog audit;
    private final Clock clock;

    StoredKeyLifecycle(LifecycleStorage storage, StoredTenantDirectory tenants, StoredCertificateVault certificates,
                       StoredPrivateKeyVault privateKeys, StoredPgpKeyVault pgpKeys, KeyProtection protection,
                       AuditLog audit, Clock clock) {
        this.storage = storage;
        this.tenants = tenants;
        this.certificates = certificates;
        this.privateKeys = privateKeys;
        this.pgpKeys = pgpKeys;
        this.protection = protection;
        this.audit = audit;
        this.clock = clock;
    }

    // ---- the CA ---------------------------------------------------------------------------------------------------

    @Override
    public TenantCa createCa(TenantId tenant, CaSettings settings, String actor) {
        requireTenant(tenant);
        refuseSecondCa(tenant);
        KeyPair keys = CaCertificates.newKeyPair(settings.keyAlgorithm().isRsa() ? KeyAlgorithm.RSA_3072 : KeyAlgorithm.EC_P384);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate certificate = CaCertificates.newCaCertificate(tenant.asString(), keys, now.minus(TenantCaIssuer.BACKDATE),
            now.plus(CA_VALIDITY));
        TenantCa ca = store(tenant, List.of(certificate), keys.getPrivate(), settings, true, now);
        record(tenant, Operation.CHANGE_CA, Optional.of(ca.fingerprint().asString()), Optional.empty(),
            "CA generated (" + certificate.getSubjectX500Principal().getName() + ") by " + actor + "; " + settings.asFields());
        return ca;
    }

    @Override
    public TenantCa importCa(TenantId tenant, List<X509Certificate> chain, PrivateKey key, CaSettings settings, String actor) {
        requireTenant(tenant);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("No CA certificate given");
        }
        X509Certificate certificate = chain.get(0);
        requireSigningCa(certificate, key);
        refuseSecondCa(tenant);
        TenantCa ca = store(tenant, chain, key, settings, false, clock.instant().truncatedTo(ChronoUnit.SECONDS));
        record(tenant, Operation.CHANGE_CA, Optional.of(ca.fingerprint().asString()), Optional.empty(),
            "CA imported (" + certificate.getSubjectX500Principal().getName() + ", issued by "
                + certificate.getIssuerX500Principal().getName() + ") by " + actor + "; " + settings.asFields());
        return ca;
    }

    @Override
    public Optional<TenantCa> ca(TenantId tenant) {
        return storage.ca(tenant).map(row -> toCa(tenant, row));
    }

    @Override
    public TenantCa changeSettings(TenantId tenant, CaSettings settings, String actor) {
        TenantCa ca = requireCa(tenant);
        if (!storage.updateCaSettings(tenant, settings.asText())) {
            throw new IllegalStateException("Tenant " + tenant.asString() + " has no CA");
        }
        record(tenant, Operation.CHANGE_CA, Optional.of(ca.fingerprint().asString()), Optional.empty(),
            "CA settings changed by " + actor + ": " + settings.asFields());
        return ca.withSettings(settings);
    }

    // ---- issuance --------------------------------------------------------------------------------------------------

    @Override
    public Optional<KeyPairEntry> smimeKey(TenantId tenant, EmailAddress sender) {
        Optional<KeyPairEntry> existing = privateKeys.signingKey(tenant, sender);
        if (existing.isPresent() || !issuesAutomatically(tenant, sender, KeyKind.SMIME)) {
            return existing;
        }
        IssuedKey key = issueIfNone(tenant, KeyKind.SMIME, sender, "first mail of the sender");
        return Optional.of(privateKeys.keyPair(tenant, Fingerprint.of(key.fingerprint()))
            .orElseThrow(() -> new IllegalStateException("The certificate issued to " + sender + " has no stored key")));
    }

    @Override
    public Optional<PgpPrivateKeyEntry> pgpKey(TenantId tenant, EmailAddress sender) {
        Optional<PgpPrivateKeyEntry> existing = pgpKeys.signingKey(tenant, sender);
        if (existing.isPresent() || !issuesAutomatically(tenant, sender, KeyKind.OPENPGP)) {
            return existing;
        }
        IssuedKey key = issueIfNone(tenant, KeyKind.OPENPGP, sender, "first mail of the sender");
        return Optional.of(pgpKeys.signingKey(tenant, PgpFingerprint.of(key.fingerprint()))
            .orElseThrow(() -> new IllegalStateException("The OpenPGP key issued to " + sender + " has no signing key")));
    }

    @Override
    public boolean issuesAutomatically(TenantId tenant, EmailAddress sender, KeyKind kind) {
        return ownsAddress(tenant, sender) && storage.ca(tenant)
            .map(row -> CaSettings.fromText(row.settings()).autoIssues(kind))
            .orElse(false);
    }

    @Override
    public IssuedKey issue(TenantId tenant, KeyKind kind, EmailAddress address, Optional<Integer> validityDays, String actor) {
        TenantCa ca = requireCa(tenant);
        if (!ownsAddress(tenant, address)) {
            throw new IllegalArgumentException(address + " is not in a domain of tenant " + tenant.asString()
                + " (" + String.join(", ", tenants.domains(tenant)) + ")");
        }
        int days = validityDays.orElse(ca.settings().validityDays());
        if (days < 1 || days > CaSettings.MAX_VALIDITY_DAYS) {
            throw new IllegalArgumentException("validityDays must be 1 to " + CaSettings.MAX_VALIDITY_DAYS + ", not " + days);
        }
        return storage.withIssuanceLock(tenant, kind.asString(), address.asString(), () -> {
            Instant renewFrom = clock.instant().plus(Duration.ofDays(ca.settings().renewBeforeDays()));
            Optional<IssuedRow> current = activeRow(tenant, kind, address);
            if (current.isPresent() && current.get().notAfter().isAfter(renewFrom)) {
                return toIssued(tenant, current.get());
            }
            IssuedKey issued = issueLocked(tenant, requireCa(tenant), kind, address, days, "ahead of time by " + actor);
            current.ifPresent(old -> supersede(tenant, old, issued, actor));
            return issued;
        });
    }

    @Override
    public List<IssuedKey> issued(TenantId tenant, Optional<EmailAddress> address) {
        return storage.issued(tenant, address.map(EmailAddress::asString)).stream()
            .map(row -> toIssued(tenant, row))
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public Optional<IssuedKey> issuedKey(TenantId tenant, KeyKind kind, String id) {
        return storage.issued(tenant, kind.asString(), normaliseId(kind, id)).map(row -> toIssued(tenant, row));
    }

    /** The address's active issued key, or one issued now: under the lock, so concurrent callers share one key. */
    private IssuedKey issueIfNone(TenantId tenant, KeyKind kind, EmailAddress address, String why) {
        return storage.withIssuanceLock(tenant, kind.asString(), address.asString(), () -> activeRow(tenant, kind, address)
            .map(row -> toIssued(tenant, row))
            .orElseGet(() -> {
                TenantCa ca = requireCa(tenant);
                return issueLocked(tenant, ca, kind, address, ca.settings().validityDays(), why);
            }));
    }

    private IssuedKey issueLocked(TenantId tenant, TenantCa ca, KeyKind kind, EmailAddress address, int validityDays, String why) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        IssuedRow row = kind == KeyKind.SMIME
            ? issueCertificate(tenant, ca, address, validityDays, now)
            : issuePgpKey(tenant, ca, address, validityDays, now);
        storage.addIssued(tenant, row);
        record(tenant, Operation.ISSUE, Optional.of(row.fingerprint()), Optional.of(address),
            kind.asString() + " " + row.id() + " issued, valid until " + row.notAfter() + ": " + why);
        LOGGER.info("Tenant {}: issued {} {} to {} ({}), valid until {}", tenant.asString(), kind.asString(), row.id(),
            address, why, row.notAfter());
        return toIssued(tenant, row);
    }

    private IssuedRow issueCertificate(TenantId tenant, TenantCa ca, EmailAddress address, int validityDays, Instant now) {
        KeyPair keys = CaCertificates.newKeyPair(ca.settings().keyAlgorithm());
        List<X509Certificate> chain;
        try {
            CertificateIssuer issuer = new TenantCaIssuer(ca, caKey(ca), clock);
            chain = issuer.issue(tenant, address, request(address, keys), Duration.ofDays(validityDays));
        } catch (CertificateIssuer.IssuanceException e) {
            throw new IllegalStateException("Cannot issue a certificate to " + address + ": " + e.getMessage(), e);
        }
        CertificateEntry entry = certificates.add(tenant, chain, Origin.ISSUED);
        privateKeys.add(tenant, entry.fingerprint(), keys.getPrivate());
        X509Certificate certificate = chain.get(0);
        return new IssuedRow(KeyKind.SMIME.asString(), serialId(certificate.getSerialNumber()), address.asString(),
            entry.fingerprint().asString(), now, certificate.getNotAfter().toInstant(), KeyStatus.ACTIVE.name(),
            Optional.empty(), Optional.empty(), Optional.empty());
    }

    private IssuedRow issuePgpKey(TenantId tenant, TenantCa ca, EmailAddress address, int validityDays, Instant now) {
        Instant expires = now.plus(Duration.ofDays(validityDays));
        byte[] keyRing = PgpKeyFactory.newSecretKeyRing(address, ca.settings().pgpVersion(), now, Optional.of(expires));
        try {
            PgpKeyEntry entry = pgpKeys.addIssuedSecretKey(tenant, keyRing);
            String fingerprint = entry.fingerprint().asString();
            return new IssuedRow(KeyKind.OPENPGP.asString(), fingerprint, address.asString(), fingerprint, now,
                entry.expiry().orElse(expires), KeyStatus.ACTIVE.name(), Optional.empty(), Optional.empty(), Optional.empty());
        } finally {
            Arrays.fill(keyRing, (byte) 0);
        }
    }

    /** A PKCS#10 request for the new key, signed with it: what any {@link CertificateIssuer} takes. */
    private static byte[] request(EmailAddress address, KeyPair keys) {
        try {
            String algorithm = keys.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + address.asString()), keys.getPublic())
                .build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()))
                .getEncoded();
        } catch (OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("Cannot make a certification request for " + address + ": " + e.getMessage(), e);
        }
    }

    // ---- renewal and expiry ---------------------------------------------------------------------------------------

    @Override
    public List<Renewal> renew(TenantId tenant, String actor) {
        Optional<TenantCa> ca = ca(tenant);
        if (ca.isEmpty()) {
            return List.of();
        }
        Instant due = clock.instant().plus(Duration.ofDays(ca.get().settings().renewBeforeDays()));
        List<Renewal> renewals = new ArrayList<>();
        for (IssuedRow row : storage.activeExpiringBefore(tenant, due)) {
            KeyKind kind = KeyKind.parse(row.kind());
            EmailAddress address = EmailAddress.of(row.address());
            try {
                storage.withIssuanceLock(tenant, row.kind(), row.address(), () -> {
                    storage.issued(tenant, row.kind(), row.id())
                        .filter(current -> current.status().equals(KeyStatus.ACTIVE.name()))
                        .ifPresent(current -> {
                            TenantCa now = requireCa(tenant);
                            IssuedKey replacement = issueLocked(tenant, now, kind, address, now.settings().validityDays(),
                                "renewal of " + current.id() + " (expires " + current.notAfter() + ") by " + actor);
                            renewals.add(new Renewal(supersede(tenant, current, replacement, actor), replacement));
                        });
                    return null;
                });
            } catch (RuntimeException e) {
                LOGGER.warn("Tenant {}: cannot renew {} {} of {} (expires {}); retried on the next run: {}",
                    tenant.asString(), row.kind(), row.id(), row.address(), row.notAfter(), e.getMessage());
            }
        }
        crl(tenant);
        return List.copyOf(renewals);
    }

    private IssuedKey supersede(TenantId tenant, IssuedRow old, IssuedKey replacement, String actor) {
        storage.markSuperseded(tenant, old.kind(), old.id(), replacement.id());
        if (old.kind().equals(KeyKind.SMIME.asString())) {
            certificates.setStatus(tenant, Fingerprint.of(old.fingerprint()), KeyStatus.SUPERSEDED);
        } else {
            pgpKeys.setStatus(tenant, PgpFingerprint.of(old.fingerprint()), KeyStatus.SUPERSEDED);
        }
        record(tenant, Operation.SUPERSEDE, Optional.of(old.fingerprint()), Optional.of(EmailAddress.of(old.address())),
            old.kind() + " " + old.id() + " superseded by " + replacement.id() + " (kept to decrypt) by " + actor);
        return storage.issued(tenant, old.kind(), old.id()).map(row -> toIssued(tenant, row)).orElseThrow();
    }

    @Override
    public List<TenantId> tenantsWithCa() {
        return storage.tenantsWithCa();
    }

    @Override
    public List<ExpiringKey> expiring(TenantId tenant, int withinDays) {
        Instant now = clock.instant();
        Instant limit = now.plus(Duration.ofDays(withinDays));
        List<ExpiringKey> expiring = new ArrayList<>();
        Optional<Fingerprint> after = Optional.empty();
        List<CertificateEntry> page;
        do {
            page = certificates.list(tenant, after, PAGE);
            for (CertificateEntry entry : page) {
                if (entry.status() == KeyStatus.ACTIVE && !entry.notAfter().isBefore(now) && !entry.notAfter().isAfter(limit)) {
                    expiring.add(new ExpiringKey(KeyKind.SMIME, entry.fingerprint().asString(),
                        List.copyOf(entry.addresses()), entry.origin(), privateKeys.has(tenant, entry.fingerprint()),
                        entry.notAfter()));
                }
            }
            after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).fingerprint());
        } while (page.size() == PAGE);
        Optional<PgpFingerprint> afterKey = Optional.empty();
        List<PgpKeyEntry> keys;
        do {
            keys = pgpKeys.list(tenant, afterKey, PAGE);
            for (PgpKeyEntry entry : keys) {
                entry.expiry()
                    .filter(expiry -> entry.status() == KeyStatus.ACTIVE && !entry.isRevoked())
                    .filter(expiry -> !expiry.isBefore(now) && !expiry.isAfter(limit))
                    .ifPresent(expiry -> expiring.add(new ExpiringKey(KeyKind.OPENPGP, entry.fingerprint().asString(),
                        List.copyOf(entry.addresses()), entry.origin(), entry.hasSecretKey(), expiry)));
            }
            afterKey = keys.isEmpty() ? afterKey : Optional.of(keys.get(keys.size() - 1).fingerprint());
        } while (keys.size() == PAGE);
        expiring.sort(Comparator.comparing(ExpiringKey::notAfter));
        return List.copyOf(expiring);
    }

    // ---- revocation -----------------------------------------------------------------------------------------------

    @Override
    public Optional<IssuedKey> revoke(TenantId tenant, KeyKind kind, String id, RevocationReason reason, String actor) {
        Optional<IssuedRow> row = storage.issued(tenant, kind.asString(), normaliseId(kind, id));
        if (row.isEmpty()) {
            return Optional.empty();
        }
        if (revokeRow(tenant, row.get(), reason, actor) && kind == KeyKind.SMIME) {
            publishCrl(tenant, requireCa(tenant), storage.crl(tenant));
        }
        return storage.issued(tenant, kind.asString(), row.get().id()).map(current -> toIssued(tenant, current));
    }

    @Override
    public List<IssuedKey> revokeAll(TenantId tenant, EmailAddress address, RevocationReason reason, String actor) {
        List<IssuedKey> revoked = new ArrayList<>();
        for (IssuedRow row : storage.issued(tenant, Optional.of(address.asString()))) {
            if (revokeRow(tenant, row, reason, actor)) {
                storage.issued(tenant, row.kind(), row.id()).ifPresent(current -> revoked.add(toIssued(tenant, current)));
            }
        }
        // one new CRL for all of the user's certificates, not one per certificate
        if (revoked.stream().anyMatch(key -> key.kind() == KeyKind.SMIME)) {
            publishCrl(tenant, requireCa(tenant), storage.crl(tenant));
        }
        return List.copyOf(revoked);
    }

    /** Marks the key revoked in the register and its vault, audited; the caller publishes the CRL. */
    private boolean revokeRow(TenantId tenant, IssuedRow row, RevocationReason reason, String actor) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (!storage.markRevoked(tenant, row.kind(), row.id(), now, reason.code())) {
            return false;
        }
        if (row.kind().equals(KeyKind.SMIME.asString())) {
            certificates.setStatus(tenant, Fingerprint.of(row.fingerprint()), KeyStatus.REVOKED);
        } else {
            pgpKeys.setStatus(tenant, PgpFingerprint.of(row.fingerprint()), KeyStatus.REVOKED);
        }
        record(tenant, Operation.REVOKE, Optional.of(row.fingerprint()), Optional.of(EmailAddress.of(row.address())),
            row.kind() + " " + row.id() + " revoked (" + reason.asString() + ") by " + actor);
        LOGGER.info("Tenant {}: revoked {} {} of {} ({}) by {}", tenant.asString(), row.kind(), row.id(), row.address(),
            reason.asString(), actor);
        return true;
    }

    @Override
    public Optional<byte[]> crl(TenantId tenant) {
        Optional<TenantCa> ca = ca(tenant);
        if (ca.isEmpty()) {
            return Optional.empty();
        }
        Optional<CrlRow> stored = storage.crl(tenant);
        Instant now = clock.instant();
        if (stored.isPresent() && fresh(stored.get(), now)) {
            return Optional.of(stored.get().crl());
        }
        return Optional.of(publishCrl(tenant, ca.get(), stored));
    }

    /** Fresh until half of its validity has passed: a partner's cached copy never runs out before the next one is up. */
    private static boolean fresh(CrlRow crl, Instant now) {
        Duration half = Duration.between(crl.thisUpdate(), crl.nextUpdate()).dividedBy(2);
        return now.isBefore(crl.thisUpdate().plus(half)) && !now.isBefore(crl.thisUpdate());
    }

    private byte[] publishCrl(TenantId tenant, TenantCa ca, Optional<CrlRow> previous) {
        Optional<CrlRow> last = previous;
        for (int attempt = 0; attempt < 5; attempt++) {
            long number = last.map(CrlRow::number).orElse(0L) + 1;
            Instant thisUpdate = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            Instant nextUpdate = thisUpdate.plus(CRL_VALIDITY);
            List<RevokedSerial> revoked = storage.revoked(tenant, KeyKind.SMIME.asString()).stream()
                .map(row -> new RevokedSerial(new BigInteger(row.id(), 16), row.revokedAt().orElseThrow(),
                    RevocationReason.ofCode(row.reasonCode().orElse(0))))
                .collect(Collectors.toList());
            byte[] crl = encoded(CaCertificates.newCrl(ca.certificate(), caKey(ca), revoked, BigInteger.valueOf(number),
                thisUpdate, nextUpdate));
            if (storage.putCrl(tenant, new CrlRow(number, crl, thisUpdate, nextUpdate))) {
                LOGGER.info("Tenant {}: CRL {} published with {} revoked certificate(s), next update {}", tenant.asString(),
                    number, revoked.size(), nextUpdate);
                return crl;
            }
            last = storage.crl(tenant); // another node published one in between: number after theirs
        }
        throw new IllegalStateException("Cannot publish the CRL of " + tenant.asString() + ": other nodes keep publishing");
    }

    @Override
    public Optional<byte[]> ocsp(TenantId tenant, byte[] request) {
        Optional<TenantCa> ca = ca(tenant);
        if (ca.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(OcspResponder.respond(ca.get().certificate(), caKey(ca.get()), request,
            serial -> storage.issued(tenant, KeyKind.SMIME.asString(), serialId(serial))
                .map(row -> row.revokedAt().isPresent()
                    ? OcspStatus.revoked(row.revokedAt().get(), RevocationReason.ofCode(row.reasonCode().orElse(0)))
                    : OcspStatus.good())
                .orElse(OcspStatus.unknown()),
            clock.instant(), OCSP_VALIDITY));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private TenantCa store(TenantId tenant, List<X509Certificate> chain, PrivateKey key, CaSettings settings,
                           boolean generated, Instant now) {
        Fingerprint fingerprint = Fingerprint.of(chain.get(0));
        ProtectedKey sealed = protection.protect(tenant, key.getEncoded(), caKeyContext(fingerprint));
        CaRow row = new CaRow(encoded(chain.get(0)), chain.subList(1, chain.size()).stream().map(StoredKeyLifecycle::encoded)
            .collect(Collectors.toList()), sealed.toBytes(), settings.asText(), generated, now);
        if (!storage.insertCa(tenant, row)) {
            throw new IllegalStateException("Tenant " + tenant.asString() + " has a CA already; a CA is never replaced silently");
        }
        return toCa(tenant, row);
    }

    /** The CA's private key, for one operation: the certificate is the one the caller read already. */
    private PrivateKey caKey(TenantCa ca) {
        TenantId tenant = ca.tenant();
        CaRow row = storage.ca(tenant).orElseThrow(() -> new IllegalStateException("Tenant " + tenant.asString() + " has no CA"));
        byte[] pkcs8 = protection.unprotect(tenant, ProtectedKey.fromBytes(row.protectedKey()), caKeyContext(ca.fingerprint()));
        try {
            return KeyFactory.getInstance(ca.certificate().getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The CA key of " + tenant.asString() + " cannot be decoded", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static byte[] caKeyContext(Fingerprint certificate) {
        return ("ca-key:" + certificate.asString()).getBytes(StandardCharsets.US_ASCII);
    }

    private static void requireSigningCa(X509Certificate certificate, PrivateKey key) {
        boolean[] usage = certificate.getKeyUsage();
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("Not a CA certificate (basicConstraints cA is not true): "
                + certificate.getSubjectX500Principal().getName());
        }
        if (usage == null || !usage[5] || !usage[6]) {
            throw new IllegalArgumentException("The CA certificate may not sign certificates and CRLs (keyUsage needs"
                + " keyCertSign and cRLSign): " + certificate.getSubjectX500Principal().getName());
        }
        try {
            certificate.checkValidity();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("The CA certificate is not valid now (" + certificate.getNotBefore() + " to "
                + certificate.getNotAfter() + ")");
        }
        if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())
            || !ProofOfPossession.matches(certificate.getPublicKey(), key)) {
            throw new IllegalArgumentException("The private key does not belong to the CA certificate");
        }
    }

    private void refuseSecondCa(TenantId tenant) {
        storage.ca(tenant).ifPresent(existing -> {
            throw new IllegalStateException("Tenant " + tenant.asString() + " has a CA already (since "
                + existing.createdAt() + "); a CA is never replaced silently");
        });
    }

    private TenantCa requireCa(TenantId tenant) {
        return ca(tenant).orElseThrow(() -> new IllegalStateException("Tenant " + tenant.asString() + " has no CA"));
    }

    private void requireTenant(TenantId tenant) {
        if (!tenants.exists(tenant)) {
            throw new UnknownTenantException(tenant);
        }
    }

    /** A tenant that does not exist has no CA, so nothing is ever issued for it: no need to ask (the mail path asks). */
    private boolean ownsAddress(TenantId tenant, EmailAddress address) {
        return tenants.tenantOf(address.domain()).equals(tenant);
    }

    private Optional<IssuedRow> activeRow(TenantId tenant, KeyKind kind, EmailAddress address) {
        return storage.issued(tenant, Optional.of(address.asString())).stream()
            .filter(row -> row.kind().equals(kind.asString()) && row.status().equals(KeyStatus.ACTIVE.name()))
            .max(Comparator.comparing(IssuedRow::issuedAt));
    }

    private TenantCa toCa(TenantId tenant, CaRow row) {
        return new TenantCa(tenant, certificate(row.certificate()),
            row.chain().stream().map(StoredKeyLifecycle::certificate).collect(Collectors.toList()), row.generated(),
            CaSettings.fromText(row.settings()), row.createdAt());
    }

    private static IssuedKey toIssued(TenantId tenant, IssuedRow row) {
        return new IssuedKey(tenant, KeyKind.parse(row.kind()), row.id(), EmailAddress.of(row.address()), row.fingerprint(),
            row.issuedAt(), row.notAfter(), KeyStatus.valueOf(row.status()), row.revokedAt(),
            row.reasonCode().filter(code -> row.revokedAt().isPresent()).map(RevocationReason::ofCode), row.renewedBy());
    }

    static String serialId(BigInteger serial) {
        return serial.toString(16);
    }

    private static String normaliseId(KeyKind kind, String id) {
        String trimmed = id.trim();
        return kind == KeyKind.SMIME ? trimmed.toLowerCase(Locale.ROOT).replaceFirst("^0+(?=.)", "") : trimmed.toUpperCase(Locale.ROOT);
    }

    private void record(TenantId tenant, Operation operation, Optional<String> key, Optional<EmailAddress> counterpart,
                        String detail) {
        AuditEvent event = AuditEvent.of(clock.instant(), tenant, operation).withDetail(detail);
        if (key.isPresent()) {
            event = event.withKey(key.get());
        }
        if (counterpart.isPresent()) {
            event = event.withCounterpart(counterpart.get());
        }
        audit.append(event);
    }

    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalStateException("A stored CA certificate cannot be read", e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("Cannot encode certificate", e);
        }
    }

    private static byte[] encoded(java.security.cert.X509CRL crl) {
        try {
            return crl.getEncoded();
        } catch (java.security.cert.CRLException e) {
            throw new IllegalStateException("Cannot encode CRL", e);
        }
    }
}
