package dev.tresor.smime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Store;

import dev.tresor.mime.DecodedContent;
import dev.tresor.mime.Base64Lines;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.Canonical;
import dev.tresor.mime.TwoParts;

/**
 * The CMS SignedData of a signed message and the entity it signs, read with as few copies as possible.
 *
 * <p>Detached ({@code multipart/signed}): the raw body is read once; the signed entity is the exact bytes between the
 * first and second boundary delimiter (RFC 1847: the CRLF before a delimiter belongs to the delimiter), digested in
 * place in bulk. Only when the message was stored with bare LF line ends is the entity converted to CRLF, which is the
 * form it was signed in (RFC 8551, 3.1.1). Opaque ({@code application/pkcs7-mime}): the body is decoded and the
 * encapsulated content is the signed entity.
 */
final class SignedMessage {
    /** The JDK's digests (SHA-2 with CPU intrinsics) for the content of opaque signatures. */
    private static final DigestCalculatorProvider DIGESTS = jdkDigests();

    private final SignerInformationStore signers;
    private final Store<X509CertificateHolder> certificates;
    private final MimeBodyPart content;
    private final Optional<ArrayContent> rawContent;
    private final byte[] signature;

    private SignedMessage(SignerInformationStore signers, Store<X509CertificateHolder> certificates, MimeBodyPart content,
                          Optional<ArrayContent> rawContent, byte[] signature) {
        this.signers = signers;
        this.certificates = certificates;
        this.content = content;
        this.rawContent = rawContent;
        this.signature = signature;
    }

    private static SignedMessage detached(CMSSignedData signedData, MimeBodyPart content, Optional<ArrayContent> rawContent,
                                          byte[] signature) {
        return new SignedMessage(signedData.getSignerInfos(), signedData.getCertificates(), content, rawContent, signature);
    }

    /**
     * The same detached signature over the entity converted to CRLF line ends, when the message was stored with bare
     * line ends; empty when it was not (or is opaque). Asked only after the signature failed over the bytes as they
     * are, so the common case, mail stored as it came over SMTP with CRLF, is never scanned for line ends.
     */
    Optional<SignedMessage> withCrlfLineEnds() throws SmimeException {
        if (rawContent.isEmpty()) {
            return Optional.empty();
        }
        ArrayContent raw = rawContent.get();
        if (Canonical.scan(raw.array(), raw.offset(), raw.length()).isCrlf()) {
            return Optional.empty();
        }
        ByteSink converted = new ByteSink(raw.length() + raw.length() / 16 + 16);
        Canonical.toCrlf(raw.array(), raw.offset(), raw.length(), converted);
        ArrayContent crlf = new ArrayContent(converted.array(), 0, converted.size());
        try {
            return Optional.of(detached(new CMSSignedData(crlf, signature), crlf.asBodyPart(), Optional.empty(), signature));
        } catch (CMSException | MessagingException e) {
            throw new SmimeException("the signed message cannot be read (malformed MIME or CMS)", e);
        }
    }

    /** The signers, their content digests computed (for an opaque signature, as its content was read). */
    SignerInformationStore signers() {
        return signers;
    }

    Store<X509CertificateHolder> certificates() {
        return certificates;
    }

    MimeBodyPart content() {
        return content;
    }

    /** @throws SmimeException with a reason for the verdict when the structure is broken */
    static SignedMessage read(MimeMessage message, SmimeType type) throws SmimeException {
        try {
            return type == SmimeType.SIGNED_DETACHED ? detached(message) : opaque(message);
        } catch (MessagingException | IOException e) {
            throw new SmimeException("the signed message cannot be read (malformed MIME or CMS)", e);
        } catch (CMSException e) {
            throw new SmimeException("the signature is damaged (truncated or not valid CMS)", e);
        }
    }

    private static SignedMessage detached(MimeMessage message) throws MessagingException, IOException, CMSException,
        SmimeException {
        TwoParts parts;
        try {
            parts = TwoParts.read(message);
        } catch (TwoParts.Malformed e) {
            throw new SmimeException(e.noBoundary() ? "malformed multipart/signed: no boundary parameter"
                : "malformed multipart/signed: expected two body parts between '--" + e.boundary() + "' delimiters");
        }
        if (parts.firstLength() < 0 || parts.secondLength() < 0) {
            throw new SmimeException("malformed multipart/signed: empty body part");
        }

        byte[] signature = decode(parts.secondPart());
        ArrayContent signed = new ArrayContent(parts.bytes(), parts.firstStart(), parts.firstLength());
        CMSSignedData signedData = new CMSSignedData(signed, signature);
        return detached(signedData, signed.asBodyPart(), Optional.of(signed), signature);
    }

    /**
     * Streams: the body is decoded and parsed as it is read, the encapsulated content digested on its way into its
     * own buffer, so a large opaque mail is held as its text and its content, not parsed whole.
     */
    private static SignedMessage opaque(MimeMessage message) throws MessagingException, IOException, CMSException,
        SmimeException {
        String encoding = message.getEncoding() == null ? "7bit" : message.getEncoding().trim().toLowerCase(Locale.ROOT);
        InputStream raw = message.getRawInputStream();
        try (InputStream body = encoding.equals("base64") ? Base64Lines.decoder(raw) : DecodedContent.decode(raw, encoding)) {
            CMSSignedDataParser parser = new CMSSignedDataParser(DIGESTS, body);
            CMSTypedStream encapsulated = parser.getSignedContent();
            if (encapsulated == null) {
                throw new SmimeException("the signed-data carries no content");
            }
            ByteSink content = new ByteSink(Math.max(0, message.getSize()) / 4 * 3 + 1024);
            try (InputStream in = encapsulated.getContentStream()) {
                content.readFrom(in);
            }
            Store<X509CertificateHolder> certificates = parser.getCertificates();
            SignerInformationStore signers = parser.getSignerInfos();
            return new SignedMessage(signers, certificates,
                new MimeBodyPart(new SharedByteArrayInputStream(content.array(), 0, content.size())), Optional.empty(), null);
        }
    }

    private static byte[] decode(MimeBodyPart part) throws MessagingException, IOException, SmimeException {
        if (!part.isMimeType("application/pkcs7-signature") && !part.isMimeType("application/x-pkcs7-signature")) {
            throw new SmimeException("malformed multipart/signed: the second part is " + part.getContentType()
                + ", not application/pkcs7-signature");
        }
        ByteSink decoded = new ByteSink(8192);
        try (InputStream in = DecodedContent.of(part)) {
            decoded.readFrom(in);
        }
        return decoded.toByteArray();
    }

    private static DigestCalculatorProvider jdkDigests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("The JDK offers no message digests", e);
        }
    }
}
