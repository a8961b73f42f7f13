package dev.tresor.keys.repository;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TrustAnchorVault;
import dev.tresor.keys.spi.TrustAnchorStorage;

final class StoredTrustAnchorVault implements TrustAnchorVault {
    private final TrustAnchorStorage storage;
    private final Clock clock;

    StoredTrustAnchorVault(TrustAnchorStorage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    public boolean add(TenantId tenant, X509Certificate anchor) {
        byte[] der = CertificateRecords.encoded(anchor);
        return storage.insertTrustAnchor(tenant, Fingerprint.sha256(der), der, clock.instant());
    }

    @Override
    public List<X509Certificate> list(TenantId tenant) {
        return storage.trustAnchors(tenant).stream()
            .map(CertificateRecords::parse)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public boolean remove(TenantId tenant, Fingerprint fingerprint) {
        return storage.deleteTrustAnchor(tenant, fingerprint);
    }
}
