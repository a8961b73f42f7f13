package dev.tresor.smime;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JceGenericKey;

/**
 * AES-256-CBC content encryption for an enveloped-data stream, as Bouncy Castle's {@code JceCMSContentEncryptorBuilder}
 * makes it (a fresh key and IV, the JDK's cipher, the IV as the algorithm's parameters, RFC 3565), with another
 * stream around the cipher. Bouncy Castle's stream calls {@code Cipher.update(byte[], int, int)}, which returns a new
 * array for every piece and trims it with a second copy: twice the size of the mail in garbage, 165 KB per 100 KB mail
 * in the relay benchmark (issue 17). This stream encrypts each piece into one buffer it keeps.
 */
final class CbcContentEncryptor implements OutputEncryptor {
    /**
     * The most plaintext given to the cipher at once, and so the size of the one buffer per envelope: small pieces are
     * what the JIT compiles the cipher's loop for (see {@code Chunked}), and 16 KiB is a small buffer. A smaller mail
     * gets a buffer of its size (at least {@link #SMALLEST_PIECE}).
     */
    private static final int PIECE = 16 * 1024;
    private static final int SMALLEST_PIECE = 1024;
    private static final int BLOCK = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private final AlgorithmIdentifier algorithm;
    private final Cipher cipher;
    private final int piece;

    private CbcContentEncryptor(SecretKey key, byte[] iv, int piece) throws GeneralSecurityException {
        this.key = key;
        this.piece = piece;
        this.algorithm = new AlgorithmIdentifier(CMSAlgorithm.AES256_CBC, new DEROctetString(iv));
        this.cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
    }

    /** A fresh key and IV, for content of about {@code contentSizeHint} bytes (it may be more or less). */
    static CbcContentEncryptor create(int contentSizeHint) throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256, RANDOM);
        byte[] iv = new byte[BLOCK];
        RANDOM.nextBytes(iv);
        int piece = Math.max(SMALLEST_PIECE, Math.min(PIECE, contentSizeHint + BLOCK));
        return new CbcContentEncryptor(generator.generateKey(), iv, piece);
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public OutputStream getOutputStream(OutputStream out) {
        return new EncryptingStream(out);
    }

    @Override
    public GenericKey getKey() {
        return new JceGenericKey(algorithm, key);
    }

    private final class EncryptingStream extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer = new byte[piece + BLOCK];
        private boolean closed;

        EncryptingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("Stream closed");
            }
            int end = offset + length;
            for (int start = offset; start < end; start += piece) {
                int taken = Math.min(piece, end - start);
                try {
                    out.write(buffer, 0, cipher.update(bytes, start, taken, buffer, 0));
                } catch (ShortBufferException e) {
                    throw new IllegalStateException("The cipher's buffer holds a piece and a block", e);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.write(buffer, 0, cipher.doFinal(buffer, 0));
            } catch (GeneralSecurityException e) {
                throw new IOException("Encryption failed: " + e.getMessage(), e);
            } finally {
                out.close();
            }
        }
    }
}
