package dev.tresor.pgp;

import java.io.IOException;
import java.time.Clock;
import java.util.Date;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSignatureGenerator;

import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.mime.Boundaries;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.MimeEntity;
import dev.tresor.mime.Pieces;

/**
 * Signs a message as PGP/MIME (RFC 3156, 5): {@code multipart/signed; micalg=pgp-sha256;
 * protocol="application/pgp-signature"}, the first part the message's {@code Content-*} headers and body in canonical
 * 7-bit CRLF form, the second a detached, ASCII-armored binary-document signature over exactly those bytes.
 *
 * <p>SHA-256, SHA-384 or SHA-512, never SHA-1. The entity is digested in bulk (the JDK's SHA-2; RSA with the JDK, EdDSA
 * and ECDSA with Bouncy Castle), and the new message is made of its own text and the original body's bytes, which are
 * not copied when they are canonical already.
 */
public final class PgpSigner {
    /** The hash algorithms offered; Bouncy Castle's tags. */
    public enum Hash {
        SHA256(HashAlgorithmTags.SHA256), SHA384(HashAlgorithmTags.SHA384), SHA512(HashAlgorithmTags.SHA512);

        private final int tag;

        Hash(int tag) {
            this.tag = tag;
        }

        int tag() {
            return tag;
        }
    }

    private final Hash hash;
    private final Clock clock;

    public PgpSigner(Hash hash, Clock clock) {
        this.hash = hash;
        this.clock = clock;
    }

    /** Whether the message is already signed with OpenPGP, as a whole (it is then left as it is). */
    public static boolean isSigned(MimeMessage message) throws MessagingException {
        return PgpForm.of(message).isSigned();
    }

    /** @throws PgpException when the key cannot sign or the message is malformed */
    public MimeMessage sign(MimeMessage message, PgpPrivateKeyEntry signer) throws PgpException {
        if (!signer.component().canSign()) {
            throw new PgpException("OpenPGP key " + signer.component().fingerprint() + " cannot sign");
        }
        try {
            MimeEntity entity = MimeEntity.of(message);
            String boundary = Boundaries.random("Signed");
            ByteSink head = new ByteSink(8 * 1024);
            entity.writeEnvelopeHeaders(head);
            head.ascii("MIME-Version: 1.0").crlf()
                .ascii("Content-Type: multipart/signed; micalg=" + Signatures.micalg(hash.tag())
                    + "; protocol=\"application/pgp-signature\";").crlf()
                .ascii("\tboundary=\"" + boundary + "\"").crlf()
                .crlf()
                .ascii("This is an OpenPGP/MIME signed message (RFC 4880 and 3156)").crlf()
                .ascii("--" + boundary).crlf();
            // the signed entity is not copied: the new message refers to the original body where it is canonical
            MimeEntity.Signable signable = entity.signable();

            PGPSignatureGenerator generator = Signatures.generator(signer, hash.tag(), Date.from(clock.instant()));
            signable.writeTo(new SignatureUpdater(generator));
            byte[] signature = generator.generate().getEncoded();

            ByteSink tail = new ByteSink(2 * 1024);
            tail.crlf().ascii("--" + boundary).crlf()
                .ascii("Content-Type: application/pgp-signature; name=\"signature.asc\"").crlf()
                .ascii("Content-Description: OpenPGP digital signature").crlf()
                .ascii("Content-Disposition: attachment; filename=\"signature.asc\"").crlf()
                .crlf();
            Armor.write(tail, Armor.SIGNATURE, signature);
            tail.crlf().ascii("--" + boundary + "--").crlf();
            Pieces pieces = new Pieces().add(head);
            signable.addTo(pieces);
            return pieces.add(tail).toMessage();
        } catch (MessagingException | IOException e) {
            throw new PgpException("the message cannot be read (malformed MIME or transfer encoding)", e);
        } catch (PGPException e) {
            throw new PgpException("Signing failed with OpenPGP key " + signer.component().fingerprint() + ": " + e.getMessage(), e);
        }
    }

    /** Lets the signable entity feed a signature generator. */
    private static final class SignatureUpdater extends java.io.OutputStream {
        private final PGPSignatureGenerator generator;

        SignatureUpdater(PGPSignatureGenerator generator) {
            this.generator = generator;
        }

        @Override
        public void write(int b) {
            generator.update((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            generator.update(bytes, offset, length);
        }
    }
}
