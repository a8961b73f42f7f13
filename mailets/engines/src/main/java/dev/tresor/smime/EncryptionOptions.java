package dev.tresor.smime;

import java.util.Objects;

/**
 * How {@link SmimeEncryptor} encrypts. Defaults: AES-256-CBC EnvelopedData (every S/MIME client reads it) and RSA
 * PKCS#1 v1.5 key transport (likewise); AES-256-GCM AuthEnvelopedData (RFC 5083/5084) and RSA-OAEP (RFC 8017, SHA-256)
 * on request. EC recipients always get ECDH (RFC 5753: ephemeral-static, X9.63 KDF with SHA-256, AES-256 key wrap).
 */
public final class EncryptionOptions {
    public enum ContentCipher {
        AES256_CBC("enveloped-data"),
        AES256_GCM("authEnveloped-data");

        private final String smimeType;

        ContentCipher(String smimeType) {
            this.smimeType = smimeType;
        }

        /** The {@code smime-type} parameter of the {@code application/pkcs7-mime} content type. */
        public String smimeType() {
            return smimeType;
        }
    }

    public enum KeyTransport {
        RSA_PKCS1, RSA_OAEP
    }

    public static final EncryptionOptions DEFAULT = new EncryptionOptions(ContentCipher.AES256_CBC, KeyTransport.RSA_PKCS1);

    private final ContentCipher contentCipher;
    private final KeyTransport keyTransport;

    public EncryptionOptions(ContentCipher contentCipher, KeyTransport keyTransport) {
        this.contentCipher = Objects.requireNonNull(contentCipher);
        this.keyTransport = Objects.requireNonNull(keyTransport);
    }

    public ContentCipher contentCipher() {
        return contentCipher;
    }

    public KeyTransport keyTransport() {
        return keyTransport;
    }

    public EncryptionOptions withContentCipher(ContentCipher cipher) {
        return new EncryptionOptions(cipher, keyTransport);
    }

    public EncryptionOptions withKeyTransport(KeyTransport transport) {
        return new EncryptionOptions(contentCipher, transport);
    }

    @Override
    public String toString() {
        return "EncryptionOptions[" + contentCipher + ", " + keyTransport + "]";
    }
}
