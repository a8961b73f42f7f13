package dev.tresor.keys.repository;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.security.auth.x500.X500Principal;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Hex;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.io.CertificateFacts;
import dev.tresor.keys.spi.CertificateRecord;

/**
 * Turns certificates into storage records (facts computed once, at import) and records back into entries. Parsed
 * certificates and their issuers are kept in a bounded cache by tenant and fingerprint: neither ever changes once
 * stored, only the status does, and the status always comes from storage.
 */
final class CertificateRecords {
    private static final int PARSED_CACHE_SIZE = 10_000;

    /** Parsed certificate then its issuers, by tenant and fingerprint (the issuers stored may differ per tenant). */
    private final Map<String, List<X509Certificate>> parsed = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<X509Certificate>> eldest) {
            return size() > PARSED_CACHE_SIZE;
        }
    };

    CertificateRecord toRecord(TenantId tenant, List<X509Certificate> chain, Origin origin, Instant now) {
        X509Certificate certificate = chain.get(0);
        CertificateFacts facts = CertificateFacts.of(certificate);
        return new CertificateRecord(tenant,
            facts.fingerprint(),
            encoded(certificate),
            chain.subList(1, chain.size()).stream().map(CertificateRecords::encoded).collect(Collectors.toList()),
            facts.emailAddresses().stream().map(EmailAddress::asString).collect(Collectors.toSet()),
            issuer(certificate.getIssuerX500Principal()),
            certificate.getSerialNumber().toString(16),
            facts.subjectKeyIdentifier().map(Hex::encode),
            facts.notBefore(),
            facts.notAfter(),
            facts.canEncrypt(),
            facts.canSign(),
            origin,
            KeyStatus.ACTIVE,
            now);
    }

    CertificateEntry toEntry(CertificateRecord record) {
        List<X509Certificate> certificates = parsedChain(record);
        Set<EmailAddress> addresses = record.addresses().stream().map(EmailAddress::of).collect(Collectors.toSet());
        return new CertificateEntry(record.tenant(), record.fingerprint(), certificates.get(0),
            certificates.subList(1, certificates.size()), addresses,
            record.canEncrypt(), record.canSign(), record.origin(), record.status(), record.addedAt());
    }

    private List<X509Certificate> parsedChain(CertificateRecord record) {
        String key = record.tenant().asString() + " " + record.fingerprint().asString();
        synchronized (parsed) {
            List<X509Certificate> cached = parsed.get(key);
            if (cached != null) {
                return cached;
            }
        }
        List<X509Certificate> certificates = new ArrayList<>();
        certificates.add(parse(record.der()));
        for (byte[] issuer : record.chain()) {
            certificates.add(parse(issuer));
        }
        List<X509Certificate> chain = List.copyOf(certificates);
        synchronized (parsed) {
            parsed.put(key, chain);
        }
        return chain;
    }

    static String issuer(X500Principal issuer) {
        return issuer.getName(X500Principal.CANONICAL);
    }

    static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("Certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalStateException("Stored certificate cannot be parsed: " + e.getMessage(), e);
        }
    }
}
