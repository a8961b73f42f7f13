package dev.tresor.smime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Set;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.InputStreamWithMAC;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientOperator;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipient;
import org.bouncycastle.operator.InputAEADDecryptor;

import dev.tresor.mime.ByteSink;

/**
 * Recipients that open AES-GCM AuthEnvelopedData (RFC 5083/5084) with the JDK's AES-GCM, which uses AES-NI and
 * carry-less multiplication. Bouncy Castle's own recipients look the content cipher's parameters up by OID, which
 * the JDK's provider does not know, so they work only with Bouncy Castle's pure-Java AES. Here Bouncy Castle still
 * unwraps the content key (RSA through the JDK, ECDH through Bouncy Castle); the parameters are read from their
 * ASN.1 and the content goes through the JDK's cipher.
 */
final class JdkGcmRecipients {
    private static final Set<ASN1ObjectIdentifier> GCM = Set.of(NISTObjectIdentifiers.id_aes128_GCM,
        NISTObjectIdentifiers.id_aes192_GCM, NISTObjectIdentifiers.id_aes256_GCM);
    /** RFC 5084 allows 12 to 16 octets; shorter tags are refused. */
    private static final int MINIMUM_TAG_OCTETS = 12;

    private JdkGcmRecipients() {
    }

    static Recipient forKey(PrivateKey key, Provider ciphers) {
        if (SmimeProviders.isEllipticCurve(key)) {
            JceKeyAgreeRecipient agreement = new KeyAgreement(key, ciphers);
            agreement.setProvider(SmimeProviders.BOUNCY_CASTLE);
            return agreement;
        }
        return new KeyTransport(key, ciphers);
    }

    private static final class KeyTransport extends JceKeyTransRecipient {
        private final Provider ciphers;

        KeyTransport(PrivateKey key, Provider ciphers) {
            super(key);
            this.ciphers = ciphers;
        }

        @Override
        public RecipientOperator getRecipientOperator(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier content,
                                                      byte[] encryptedKey) throws CMSException {
            return operator(extractSecretKey(keyEncryption, content, encryptedKey), content, ciphers);
        }
    }

    private static final class KeyAgreement extends JceKeyAgreeRecipient {
        private final Provider ciphers;

        KeyAgreement(PrivateKey key, Provider ciphers) {
            super(key);
            this.ciphers = ciphers;
        }

        @Override
        public RecipientOperator getRecipientOperator(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier content,
                                                      SubjectPublicKeyInfo senderKey, ASN1OctetString userKeyingMaterial,
                                                      byte[] encryptedKey) throws CMSException {
            return operator(extractSecretKey(keyEncryption, content, senderKey, userKeyingMaterial, encryptedKey), content, ciphers);
        }
    }

    private static RecipientOperator operator(Key key, AlgorithmIdentifier content, Provider ciphers) throws CMSException {
        if (!GCM.contains(content.getAlgorithm())) {
            throw new CMSException("unsupported content encryption " + content.getAlgorithm() + " in AuthEnvelopedData");
        }
        GCMParameters parameters = GCMParameters.getInstance(content.getParameters());
        if (parameters.getIcvLen() < MINIMUM_TAG_OCTETS) {
            throw new CMSException("AES-GCM tag of " + parameters.getIcvLen() + " octets is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", ciphers);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.getEncoded(), "AES"),
                new GCMParameterSpec(parameters.getIcvLen() * 8, parameters.getNonce()));
            return new RecipientOperator(new GcmDecryptor(content, cipher));
        } catch (GeneralSecurityException e) {
            throw new CMSException("cannot set up AES-GCM: " + e.getMessage(), e);
        }
    }

    private static final class GcmDecryptor implements InputAEADDecryptor {
        private final AlgorithmIdentifier algorithm;
        private final Cipher cipher;
        private InputStream ciphertext;

        GcmDecryptor(AlgorithmIdentifier algorithm, Cipher cipher) {
            this.algorithm = algorithm;
            this.cipher = cipher;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        /**
         * The plaintext, decrypted in one call when first read. The JDK's GCM releases nothing before the tag is
         * checked anyway, and a single call keeps to the code paths the JIT has compiled (a megabyte fed in pieces
         * through the buffering path ran about three times slower).
         */
        @Override
        public InputStream getInputStream(InputStream in) {
            ciphertext = in;
            return new InputStream() {
                private InputStream plaintext;

                @Override
                public int read() throws IOException {
                    return plaintext().read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    return plaintext().read(buffer, offset, length);
                }

                private InputStream plaintext() throws IOException {
                    if (plaintext == null) {
                        // the envelope is parsed whole, so its content usually tells its size: no growing copies
                        ByteSink sealed = new ByteSink(Math.max(64 * 1024, in.available() + 16));
                        sealed.readFrom(in);
                        try {
                            plaintext = new ByteArrayInputStream(cipher.doFinal(sealed.array(), 0, sealed.size()));
                        } catch (AEADBadTagException e) {
                            throw new IOException("AES-GCM tag mismatch: the content was altered", e);
                        } catch (GeneralSecurityException e) {
                            throw new IOException("AES-GCM decryption failed: " + e.getMessage(), e);
                        }
                    }
                    return plaintext;
                }
            };
        }

        @Override
        public OutputStream getAADStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    cipher.updateAAD(new byte[] {(byte) b});
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    cipher.updateAAD(bytes, offset, length);
                }
            };
        }

        @Override
        public byte[] getMAC() {
            return ciphertext instanceof InputStreamWithMAC ? ((InputStreamWithMAC) ciphertext).getMAC() : null;
        }
    }
}
