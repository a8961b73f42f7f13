package dev.tresor.keys;

import java.security.PrivateKey;
import java.util.Objects;

/**
 * A private key with the certificate it belongs to, as handed out for signing or decrypting. The key is decrypted
 * from the vault for this use: callers keep it no longer than the operation needs, never log or cache it.
 */
public final class KeyPairEntry {
    private final CertificateEntry certificate;
    private final PrivateKey privateKey;

    public KeyPairEntry(CertificateEntry certificate, PrivateKey privateKey) {
        this.certificate = Objects.requireNonNull(certificate);
        this.privateKey = Objects.requireNonNull(privateKey);
    }

    public CertificateEntry certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "KeyPairEntry[" + certificate + ", private key hidden]";
    }
}
