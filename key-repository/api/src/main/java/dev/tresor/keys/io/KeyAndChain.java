package dev.tresor.keys.io;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A private key with its certificate chain, end-entity certificate first, under a name (a PKCS#12 alias). Immutable. */
public final class KeyAndChain {
    private final String alias;
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;

    /**
     * @param chain the key's certificate, then its issuers nearest first; not empty
     */
    public KeyAndChain(String alias, PrivateKey privateKey, List<X509Certificate> chain) {
        this.alias = Objects.requireNonNull(alias, "alias");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.chain = List.copyOf(chain);
        if (alias.isBlank()) {
            throw new IllegalArgumentException("A key needs a non-blank alias");
        }
        if (this.chain.isEmpty()) {
            throw new IllegalArgumentException("Key '" + alias + "' needs at least its own certificate");
        }
    }

    public String alias() {
        return alias;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** End-entity certificate first, then its issuers. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The key's own (end-entity) certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Names the entry without any key material. */
    @Override
    public String toString() {
        return "KeyAndChain[" + alias + ", " + privateKey.getAlgorithm() + ", "
            + certificate().getSubjectX500Principal().getName() + ", chain of " + chain.size() + "]";
    }
}
