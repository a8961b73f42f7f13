package dev.tresor.it.corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSCompressedDataGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.ZlibCompressor;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** CMS and OpenPGP packets for the corpus, made with Bouncy Castle; honest ones, so that they can be broken on purpose. */
final class CorpusCrypto {
    private static final SecureRandom RANDOM = new SecureRandom();

    private CorpusCrypto() {
    }

    /** A DER ContentInfo holding EnvelopedData (AES-256-CBC, RSA key transport) of the content for the certificate. */
    static byte[] envelope(byte[] content, X509Certificate recipient) {
        try {
            CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient));
            return generator.generate(new CMSProcessableByteArray(content),
                new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).build()).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot envelope", e);
        }
    }

    /** A DER ContentInfo holding SignedData over the content (encapsulated or detached), with the signer's certificate. */
    static byte[] sign(byte[] content, CorpusIdentities.Smime signer, boolean encapsulate) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.privateKey()), signer.certificate()));
            generator.addCertificates(new JcaCertStore(List.of(signer.certificate())));
            return generator.generate(new CMSProcessableByteArray(content), encapsulate).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sign", e);
        }
    }

    /** A DER ContentInfo holding CompressedData (zlib) of {@code size} zero bytes: a few hundred kilobytes. */
    static byte[] compressedZeros(long size) {
        try {
            return new CMSCompressedDataGenerator().generate(new Zeros(size), new ZlibCompressor()).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot compress", e);
        }
    }

    /** Base64 in lines of 76 characters, each ending in CRLF. */
    static String base64(byte[] bytes) {
        return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(bytes) + "\r\n";
    }

    /** An OpenPGP message for the key: optionally compressed, optionally without integrity protection (no MDC). */
    static byte[] pgpEncrypt(byte[] plaintext, PGPPublicKey recipient, boolean integrityProtected, boolean compressed) {
        return pgpEncryptPackets(literal(plaintext, compressed), recipient, integrityProtected);
    }

    /** Encrypts already made OpenPGP packets (the content of the encrypted data packet) for the key. */
    static byte[] pgpEncryptPackets(byte[] packets, PGPPublicKey recipient, boolean integrityProtected) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // Bouncy Castle's lightweight ciphers: the JDK has no OpenPGP CFB, which data without MDC needs
            PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                    .setWithIntegrityPacket(integrityProtected).setSecureRandom(RANDOM));
            generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient));
            try (OutputStream encrypted = generator.open(out, new byte[1 << 16])) {
                encrypted.write(packets);
            }
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot encrypt with OpenPGP", e);
        }
    }

    /** A literal data packet, optionally inside a ZLIB compressed data packet. */
    static byte[] literal(byte[] plaintext, boolean compressed) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PGPCompressedDataGenerator compressor = new PGPCompressedDataGenerator(
                compressed ? CompressionAlgorithmTags.ZLIB : CompressionAlgorithmTags.UNCOMPRESSED);
            OutputStream target = compressed ? compressor.open(out) : out;
            try (OutputStream literal = new PGPLiteralDataGenerator().open(target, PGPLiteralData.BINARY, "", plaintext.length, new Date())) {
                literal.write(plaintext);
            }
            if (compressed) {
                compressor.close();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A ZLIB compressed data packet holding a literal data packet of {@code size} zero bytes. */
    static byte[] compressedZeroLiteral(long size) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PGPCompressedDataGenerator compressor = new PGPCompressedDataGenerator(CompressionAlgorithmTags.ZLIB);
            try (OutputStream literal = new PGPLiteralDataGenerator().open(compressor.open(out), PGPLiteralData.BINARY, "", size, new Date())) {
                byte[] zeros = new byte[1 << 20];
                for (long written = 0; written < size; written += zeros.length) {
                    literal.write(zeros, 0, (int) Math.min(zeros.length, size - written));
                }
            }
            compressor.close();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The packets wrapped in {@code depth} stored (uncompressed) compressed data packets, one inside the other. */
    static byte[] nestedCompressedPackets(byte[] packets, int depth) {
        try {
            byte[] current = packets;
            for (int i = 0; i < depth; i++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(current.length + 16);
                PGPCompressedDataGenerator wrapper = new PGPCompressedDataGenerator(CompressionAlgorithmTags.UNCOMPRESSED);
                try (OutputStream inner = wrapper.open(out)) {
                    inner.write(current);
                }
                current = out.toByteArray();
            }
            return current;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A detached OpenPGP signature (binary document, SHA-256) over the bytes, made with the key's primary key. */
    static byte[] pgpDetachedSignature(byte[] signed, CorpusIdentities.Pgp signer) {
        try {
            PGPSecretKey secret = signer.secretRing().getSecretKey();
            PGPPrivateKey key = secret.extractPrivateKey(
                new JcePBESecretKeyDecryptorBuilder().build(CorpusIdentities.PASSWORD.toCharArray()));
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                new JcaPGPContentSignerBuilder(secret.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                secret.getPublicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, key);
            generator.update(signed);
            return generator.generate().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sign with OpenPGP", e);
        }
    }

    /** ASCII armor (BEGIN PGP MESSAGE or SIGNATURE, chosen by the first packet) with CRLF line ends. */
    static String armor(byte[] packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            armored.write(packets);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new String(out.toByteArray(), StandardCharsets.US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n");
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** CMS content of {@code size} zero bytes, written as it is read (never in memory). */
    private static final class Zeros implements CMSTypedData {
        private final long size;

        Zeros(long size) {
            this.size = size;
        }

        @Override
        public ASN1ObjectIdentifier getContentType() {
            return CMSObjectIdentifiers.data;
        }

        @Override
        public void write(OutputStream out) throws IOException {
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < size; written += zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, size - written));
            }
        }

        @Override
        public Object getContent() {
            return null;
        }
    }
}
