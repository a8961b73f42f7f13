package dev.tresor.smime;

import java.io.IOException;
import java.net.URI;
import java.security.cert.X509CRL;

/** Gets the CRL published at a distribution point. The signature and freshness of the CRL are checked by the caller. */
public interface CrlFetcher {

    /**
     * @throws IOException when the CRL cannot be fetched or is not a CRL; the caller applies its {@link RevocationPolicy}
     */
    X509CRL fetch(URI distributionPoint) throws IOException;
}
