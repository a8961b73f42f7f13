package dev.tresor.keys.webadmin;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.PrivateKeyVault;

/** A certificate of a tenant's vault as WebAdmin shows it: facts about it, never key material. */
public final class CertificateResponse {
    private final CertificateEntry entry;
    private final boolean hasPrivateKey;

    private CertificateResponse(CertificateEntry entry, boolean hasPrivateKey) {
        this.entry = entry;
        this.hasPrivateKey = hasPrivateKey;
    }

    static CertificateResponse of(CertificateEntry entry, PrivateKeyVault privateKeys) {
        return new CertificateResponse(entry, privateKeys.has(entry.tenant(), entry.fingerprint()));
    }

    static List<CertificateResponse> of(List<CertificateEntry> entries, PrivateKeyVault privateKeys) {
        return entries.stream()
            .map(entry -> of(entry, privateKeys))
            .collect(Collectors.toUnmodifiableList());
    }

    public String getFingerprint() {
        return entry.fingerprint().asString();
    }

    /** The tenant whose vault holds it: another tenant's only in a lookup through federation. */
    public String getTenant() {
        return entry.tenant().asString();
    }

    public String getSubject() {
        return certificate().getSubjectX500Principal().getName();
    }

    public String getIssuer() {
        return certificate().getIssuerX500Principal().getName();
    }

    /** Lower-case hex, as {@code openssl x509 -serial} shows it (but without leading zeros). */
    public String getSerial() {
        return certificate().getSerialNumber().toString(16);
    }

    public List<String> getAddresses() {
        return entry.addresses().stream()
            .map(EmailAddress::asString)
            .sorted()
            .collect(Collectors.toUnmodifiableList());
    }

    public Instant getNotBefore() {
        return entry.notBefore();
    }

    public Instant getNotAfter() {
        return entry.notAfter();
    }

    public boolean isCanEncrypt() {
        return entry.canEncrypt();
    }

    public boolean isCanSign() {
        return entry.canSign();
    }

    public String getStatus() {
        return entry.status().name().toLowerCase(Locale.ROOT);
    }

    public String getOrigin() {
        return entry.origin().name().toLowerCase(Locale.ROOT);
    }

    public boolean isHasPrivateKey() {
        return hasPrivateKey;
    }

    public Instant getAddedAt() {
        return entry.addedAt();
    }

    private X509Certificate certificate() {
        return entry.certificate();
    }
}
