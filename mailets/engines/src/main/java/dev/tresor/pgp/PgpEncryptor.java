package dev.tresor.pgp;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;

import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.mime.Boundaries;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.MimeEntity;

/**
 * Encrypts a message as PGP/MIME (RFC 3156, 4) to a set of recipient keys at once: every recipient of the mail, and any
 * extra key such as the sender's own or an escrow key, opens the same message.
 *
 * <p>The encrypted entity is the message's {@code Content-*} headers and raw body (text, HTML, attachments, inline
 * images as they are); every other header stays outside. AES-256 with integrity protection: SEIPD v1 with its
 * modification detection code (read by every OpenPGP implementation) for v4 keys, SEIPD v2 with AES-OCB (RFC 9580)
 * when every recipient key is a v6 key. No compression: mail content is usually compressed already, and compression
 * before encryption leaks length information. Optionally signed inside (sign, then encrypt: a one-pass signature, the
 * literal data, the signature), as {@code gpg --sign --encrypt} does.
 *
 * <p>The result: the outer headers, {@code multipart/encrypted; protocol="application/pgp-encrypted"}, a first part
 * {@code application/pgp-encrypted} saying {@code Version: 1}, a second part {@code application/octet-stream} with the
 * ASCII-armored OpenPGP message. One streaming pass: raw body, AES (the JDK's), packets, armor into the new message.
 */
public final class PgpEncryptor {
    /** Packet buffer: partial body lengths of 64 KiB, and the cipher fed in pieces of that size. */
    private static final int BUFFER = 64 * 1024;
    /** SEIPD v2 chunk size octet: chunks of 2^(10+6) = 64 KiB. */
    private static final int AEAD_CHUNK_SIZE = 10;

    private final Clock clock;

    public PgpEncryptor(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param recipients encryption-capable public keys (subkeys, usually), at least one
     * @param signer when present, the message is signed with it before it is encrypted
     * @throws PgpException when a key cannot be used or the message is malformed
     */
    public MimeMessage encrypt(MimeMessage message, List<PGPPublicKey> recipients, Optional<PgpPrivateKeyEntry> signer)
        throws PgpException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("No recipient key");
        }
        for (PGPPublicKey key : recipients) {
            if (!key.isEncryptionKey()) {
                throw new PgpException("OpenPGP key " + PgpKeyNames.describe(key) + " cannot encrypt");
            }
        }
        boolean aead = recipients.stream().allMatch(key -> key.getVersion() == 6);
        try {
            MimeEntity entity = MimeEntity.of(message);
            String boundary = Boundaries.random("Encrypted");
            ByteSink out = new ByteSink((int) Math.min(Integer.MAX_VALUE - 16, entity.bodySizeHint() * 1.4 + 16 * 1024));
            entity.writeEnvelopeHeaders(out);
            out.ascii("MIME-Version: 1.0").crlf()
                .ascii("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";").crlf()
                .ascii("\tboundary=\"" + boundary + "\"").crlf()
                .crlf()
                .ascii("This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)").crlf()
                .ascii("--" + boundary).crlf()
                .ascii("Content-Type: application/pgp-encrypted").crlf()
                .ascii("Content-Description: PGP/MIME version identification").crlf()
                .crlf()
                .ascii("Version: 1").crlf()
                .crlf()
                .ascii("--" + boundary).crlf()
                .ascii("Content-Type: application/octet-stream; name=\"encrypted.asc\"").crlf()
                .ascii("Content-Description: OpenPGP encrypted message").crlf()
                .ascii("Content-Disposition: inline; filename=\"encrypted.asc\"").crlf()
                .crlf();
            try (OutputStream armor = Armor.writer(out, Armor.MESSAGE, !aead)) {
                writeEncrypted(entity, recipients, signer, aead, armor);
            }
            out.crlf().ascii("--" + boundary + "--").crlf();
            return out.toMessage();
        } catch (MessagingException | IOException e) {
            throw new PgpException("the message cannot be read (malformed MIME or transfer encoding)", e);
        }
    }

    private void writeEncrypted(MimeEntity entity, List<PGPPublicKey> recipients, Optional<PgpPrivateKeyEntry> signer,
                                boolean aead, OutputStream armor) throws PgpException, IOException, MessagingException {
        Date now = Date.from(clock.instant());
        PGPSignatureGenerator signature = signer.isPresent() ? Signatures.generator(signer.get(), HashAlgorithmTags.SHA256, now) : null;
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(dataEncryptor(aead));
        for (PGPPublicKey key : recipients) {
            generator.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(key).setProvider(PgpProviders.CURVES_WITH_JDK_DIGESTS));
        }
        try (OutputStream encrypted = generator.open(armor, new byte[BUFFER])) {
            if (signature != null) {
                signature.generateOnePassVersion(false).encode(encrypted);
            }
            PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
            try (OutputStream content = literal.open(encrypted, PGPLiteralData.BINARY, "", now, new byte[BUFFER])) {
                entity.writeEntity(signature == null ? content : new SignedContent(content, signature));
            }
            if (signature != null) {
                signature.generate().encode(encrypted);
            }
        } catch (PGPException e) {
            throw new PgpException("Encryption failed: " + e.getMessage(), e);
        }
    }

    /** The literal content, also fed to the signature of a sign-then-encrypt message. */
    private static final class SignedContent extends OutputStream {
        private final OutputStream content;
        private final PGPSignatureGenerator signature;

        SignedContent(OutputStream content, PGPSignatureGenerator signature) {
            this.content = content;
            this.signature = signature;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            content.write(bytes, offset, length);
            signature.update(bytes, offset, length);
        }
    }

    private static JcePGPDataEncryptorBuilder dataEncryptor(boolean aead) {
        JcePGPDataEncryptorBuilder builder = new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256);
        if (aead) {
            // the JDK has no AES-OCB
            builder.setWithAEAD(AEADAlgorithmTags.OCB, AEAD_CHUNK_SIZE);
            builder.setUseV6AEAD();
            return builder.setProvider(PgpProviders.BOUNCY_CASTLE);
        }
        return builder.setWithIntegrityPacket(true).setProvider(PgpProviders.JDK_CIPHERS);
    }
}
