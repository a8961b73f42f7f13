package dev.tresor.smime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1SequenceParser;
import org.bouncycastle.asn1.ASN1StreamParser;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;

import dev.tresor.mime.DecodedContent;
import dev.tresor.mime.MimeEntity;

/**
 * What S/MIME layer a message is, read from its top-level Content-Type (RFC 8551, 3.2) and, for
 * {@code application/pkcs7-mime}, from the CMS content type inside, whatever its {@code smime-type} parameter claims.
 * Only the outermost layer counts: what an encrypted message contains is unknown until it is decrypted.
 */
public enum SmimeType {
    /** {@code multipart/signed} with a PKCS#7 signature part. */
    SIGNED_DETACHED,
    /** {@code application/pkcs7-mime; smime-type=signed-data}. */
    SIGNED_OPAQUE,
    /** {@code application/pkcs7-mime; smime-type=enveloped-data}: EnvelopedData (RFC 5652). */
    ENVELOPED,
    /** {@code application/pkcs7-mime; smime-type=authEnveloped-data}: AuthEnvelopedData (RFC 5083). */
    AUTH_ENVELOPED,
    /** Any other S/MIME type (compressed-data, certs-only) or a pkcs7-mime body that is not CMS at all. */
    OTHER_SMIME,
    NONE;

    public boolean isSigned() {
        return this == SIGNED_DETACHED || this == SIGNED_OPAQUE;
    }

    public boolean isEncrypted() {
        return this == ENVELOPED || this == AUTH_ENVELOPED;
    }

    /**
     * Encrypted, or an {@code application/pkcs7-mime} body that is neither signed nor an envelope (garbage, plain
     * text, broken base64, another CMS type): what looks encrypted to a mail client, which DecryptSmime must open or
     * mark as failed, never let pass without a verdict.
     */
    public boolean claimsEncryption() {
        return isEncrypted() || this == OTHER_SMIME;
    }

    public static SmimeType of(MimeMessage message) throws MessagingException {
        ContentType type = MimeEntity.of(message).contentType();
        if (type.match("multipart/signed")) {
            String protocol = lower(type.getParameter("protocol"));
            return protocol.equals("application/pkcs7-signature") || protocol.equals("application/x-pkcs7-signature")
                ? SIGNED_DETACHED : NONE;
        }
        if (type.match("application/pkcs7-mime") || type.match("application/x-pkcs7-mime")) {
            // the CMS content decides, not the smime-type label: a plain body labelled enveloped-data must never pass
            // as encrypted
            return fromCmsContentType(message);
        }
        return NONE;
    }

    private static SmimeType fromCmsContentType(MimeMessage message) throws MessagingException {
        try (InputStream body = DecodedContent.decode(message.getRawInputStream(), encoding(message))) {
            ASN1SequenceParser contentInfo = (ASN1SequenceParser) new ASN1StreamParser(body).readObject();
            ASN1ObjectIdentifier contentType = (ASN1ObjectIdentifier) contentInfo.readObject();
            if (CMSObjectIdentifiers.signedData.equals(contentType)) {
                return SIGNED_OPAQUE;
            }
            if (CMSObjectIdentifiers.envelopedData.equals(contentType)) {
                return ENVELOPED;
            }
            if (CMSObjectIdentifiers.authEnvelopedData.equals(contentType)) {
                return AUTH_ENVELOPED;
            }
            return OTHER_SMIME;
        } catch (IOException | RuntimeException e) {
            return OTHER_SMIME;
        }
    }

    private static String encoding(MimeMessage message) throws MessagingException {
        String encoding = message.getEncoding();
        return encoding == null ? "7bit" : encoding;
    }

    private static String lower(String value) {
        return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    }
}
