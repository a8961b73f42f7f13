package dev.tresor.keys;

import java.security.cert.X509Certificate;
import java.util.List;

/** The root certificates each tenant trusts to verify signatures. */
public interface TrustAnchorVault {

    /** @return false if the tenant trusted it already */
    boolean add(TenantId tenant, X509Certificate anchor);

    List<X509Certificate> list(TenantId tenant);

    boolean remove(TenantId tenant, Fingerprint fingerprint);
}
