package dev.tresor.pgp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;

import dev.tresor.mime.ByteSink;

/**
 * The content of an OpenPGP message once decrypted (or of a signed, unencrypted one): exactly one literal data packet,
 * optionally compressed once, optionally with one-pass signatures before it and signatures after it (RFC 9580, 10.3).
 * Anything else (a second literal packet, compression inside compression, unknown packets) is refused.
 *
 * <p>Decompression bombs: the bytes read out of a compressed packet are capped at a ratio of the compressed input and
 * at an absolute size, and reading stops with a reason at the first byte over either.
 */
public final class LiteralContent {
    private final ByteSink data;
    private final List<PGPSignature> signatures;

    private LiteralContent(ByteSink data, List<PGPSignature> signatures) {
        this.data = data;
        this.signatures = List.copyOf(signatures);
    }

    /** The literal data: the bytes that were encrypted or signed. Valid from 0 to {@link #length()}. */
    public byte[] array() {
        return data.array();
    }

    public int length() {
        return data.size();
    }

    /** The signatures over the literal data that came with it; empty when it was not signed. */
    public List<PGPSignature> signatures() {
        return signatures;
    }

    /**
     * @param inputSize the size of the packets as received, to which the ratio applies
     * @throws PgpException with the reason for a structure that is broken, unexpected or too large
     * @throws IOException when reading fails (for decrypted data: a wrong key or altered ciphertext, usually)
     */
    static LiteralContent read(InputStream packets, long inputSize, DecryptionLimits limits) throws PgpException, IOException {
        long cap = limits.capFor(inputSize);
        ByteSink data = null;
        List<PGPSignature> signatures = new ArrayList<>();
        JcaPGPObjectFactory factory = new JcaPGPObjectFactory(packets);
        boolean compressed = false;
        Object next;
        while ((next = nextObject(factory)) != null) {
            if (next instanceof PGPCompressedData) {
                if (compressed || data != null) {
                    throw new PgpException("unexpected compressed data packet (nested or after the content)");
                }
                compressed = true;
                factory = new JcaPGPObjectFactory(new Capped(decompressed((PGPCompressedData) next), cap, limits));
            } else if (next instanceof PGPLiteralData) {
                if (data != null) {
                    throw new PgpException("more than one literal data packet");
                }
                // without compression the content is a little smaller than its packets; with it, it grows as it needs
                data = new ByteSink((int) Math.min(Math.min(cap, inputSize) + 1024, Integer.MAX_VALUE - 16));
                try (InputStream literal = new Capped(((PGPLiteralData) next).getInputStream(), cap, limits)) {
                    data.readFrom(literal);
                }
            } else if (next instanceof PGPSignatureList) {
                ((PGPSignatureList) next).forEach(signatures::add);
            } else if (!(next instanceof PGPOnePassSignatureList) && !(next instanceof PGPMarker)) {
                throw new PgpException("unexpected OpenPGP packet " + next.getClass().getSimpleName() + " in the message");
            }
        }
        if (data == null) {
            throw new PgpException("the OpenPGP message holds no literal data");
        }
        return new LiteralContent(data, signatures);
    }

    private static Object nextObject(JcaPGPObjectFactory factory) throws IOException {
        return factory.nextObject();
    }

    private static InputStream decompressed(PGPCompressedData compressed) throws PgpException {
        try {
            return compressed.getDataStream();
        } catch (PGPException e) {
            throw new PgpException("the compressed data is damaged", e);
        }
    }

    /** Stops reading, with {@link TooLarge}, at the first byte past the cap. */
    private static final class Capped extends FilterInputStream {
        private final long cap;
        private final DecryptionLimits limits;
        private long count;

        Capped(InputStream in, long cap, DecryptionLimits limits) {
            super(in);
            this.cap = cap;
            this.limits = limits;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count(read);
            }
            return read;
        }

        private void count(int read) throws TooLarge {
            count += read;
            if (count > cap) {
                throw new TooLarge(cap, limits);
            }
        }
    }

    /** The content would exceed the decryption limits: a decompression bomb, or simply too large. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long cap, DecryptionLimits limits) {
            super("the content expands to more than " + cap + " bytes (limits: " + limits + "); refused as a possible"
                + " decompression bomb");
        }
    }
}
