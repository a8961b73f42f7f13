package dev.tresor.smime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;
import javax.mail.util.SharedByteArrayInputStream;

import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSTypedData;

import dev.tresor.mime.ByteSink;
import dev.tresor.mime.Canonical;
import dev.tresor.mime.MimeEntity;

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
    private final CMSSignedData signedData;
    private final MimeBodyPart content;
    private final Optional<ArrayContent> rawContent;
    private final byte[] signature;

    private SignedMessage(CMSSignedData signedData, MimeBodyPart content, Optional<ArrayContent> rawContent, byte[] signature) {
        this.signedData = signedData;
        this.content = content;
        this.rawContent = rawContent;
        this.signature = signature;
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
            return Optional.of(new SignedMessage(new CMSSignedData(crlf, signature), crlf.asBodyPart(), Optional.empty(), signature));
        } catch (CMSException | MessagingException e) {
            throw new SmimeException("the signed message cannot be read: " + e.getMessage(), e);
        }
    }

    CMSSignedData signedData() {
        return signedData;
    }

    MimeBodyPart content() {
        return content;
    }

    /** @throws SmimeException with a reason for the verdict when the structure is broken */
    static SignedMessage read(MimeMessage message, SmimeType type) throws SmimeException {
        try {
            return type == SmimeType.SIGNED_DETACHED ? detached(message) : opaque(message);
        } catch (MessagingException | IOException e) {
            throw new SmimeException("the signed message cannot be read: " + e.getMessage(), e);
        } catch (CMSException e) {
            throw new SmimeException("corrupt CMS signature: " + e.getMessage(), e);
        }
    }

    private static SignedMessage detached(MimeMessage message) throws MessagingException, IOException, CMSException,
        SmimeException {
        String boundary = MimeEntity.of(message).contentType().getParameter("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw new SmimeException("malformed multipart/signed: no boundary parameter");
        }
        ByteSink body = new ByteSink(Math.max(0, message.getSize()) + 1024);
        try (InputStream raw = message.getRawInputStream()) {
            body.readFrom(raw);
        }
        Delimiters delimiters = new Delimiters(body.array(), body.size(), ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        int first = delimiters.next(0);
        int second = first < 0 ? -1 : delimiters.next(delimiters.lineEnd(first));
        int last = second < 0 ? -1 : delimiters.next(delimiters.lineEnd(second));
        if (last < 0) {
            throw new SmimeException("malformed multipart/signed: expected two body parts between '--" + boundary + "' delimiters");
        }
        int contentStart = delimiters.lineEnd(first);
        int contentLength = delimiters.lineBreakBefore(second) - contentStart;
        int signatureStart = delimiters.lineEnd(second);
        int signatureLength = delimiters.lineBreakBefore(last) - signatureStart;
        if (contentLength < 0 || signatureLength < 0) {
            throw new SmimeException("malformed multipart/signed: empty body part");
        }

        byte[] signature = decode(new MimeBodyPart(new SharedByteArrayInputStream(body.array(), signatureStart, signatureLength)));
        ArrayContent signed = new ArrayContent(body.array(), contentStart, contentLength);
        CMSSignedData signedData = new CMSSignedData(signed, signature);
        return new SignedMessage(signedData, signed.asBodyPart(), Optional.of(signed), signature);
    }

    private static SignedMessage opaque(MimeMessage message) throws MessagingException, IOException, CMSException,
        SmimeException {
        String encoding = message.getEncoding() == null ? "7bit" : message.getEncoding();
        ByteSink decoded = new ByteSink(Math.max(0, message.getSize()) + 1024);
        try (InputStream body = MimeUtility.decode(message.getRawInputStream(), encoding)) {
            decoded.readFrom(body);
        }
        CMSSignedData signedData = new CMSSignedData(decoded.toByteArray());
        CMSTypedData encapsulated = signedData.getSignedContent();
        if (encapsulated == null || !(encapsulated.getContent() instanceof byte[])) {
            throw new SmimeException("the signed-data carries no content");
        }
        byte[] content = (byte[]) encapsulated.getContent();
        return new SignedMessage(signedData, new MimeBodyPart(new SharedByteArrayInputStream(content)), Optional.empty(), null);
    }

    private static byte[] decode(MimeBodyPart part) throws MessagingException, IOException, SmimeException {
        if (!part.isMimeType("application/pkcs7-signature") && !part.isMimeType("application/x-pkcs7-signature")) {
            throw new SmimeException("malformed multipart/signed: the second part is " + part.getContentType()
                + ", not application/pkcs7-signature");
        }
        ByteSink decoded = new ByteSink(8192);
        try (InputStream in = part.getInputStream()) {
            decoded.readFrom(in);
        }
        return decoded.toByteArray();
    }

    /** Finds boundary delimiter lines (RFC 2046, 5.1.1) in a raw multipart body, CRLF or bare LF. */
    private static final class Delimiters {
        private final byte[] bytes;
        private final int size;
        private final byte[] delimiter;

        Delimiters(byte[] bytes, int size, byte[] delimiter) {
            this.bytes = bytes;
            this.size = size;
            this.delimiter = delimiter;
        }

        /** The start of the next line at or after {@code from} that is a delimiter (or close delimiter), or -1. */
        int next(int from) {
            int position = from;
            while (position >= 0 && position + delimiter.length <= size) {
                if ((position == 0 || bytes[position - 1] == '\n') && startsWithDelimiter(position)) {
                    return position;
                }
                position = indexOfLf(position) + 1;
                if (position == 0) {
                    return -1;
                }
            }
            return -1;
        }

        private boolean startsWithDelimiter(int position) {
            for (int i = 0; i < delimiter.length; i++) {
                if (bytes[position + i] != delimiter[i]) {
                    return false;
                }
            }
            // what follows must be "--", white space or the line end, not more boundary characters
            int after = position + delimiter.length;
            return after == size || bytes[after] == '-' || bytes[after] == '\r' || bytes[after] == '\n'
                || bytes[after] == ' ' || bytes[after] == '\t';
        }

        private int indexOfLf(int from) {
            return Canonical.indexOfLineFeed(bytes, from, size);
        }

        /** The position after the line break that ends the line starting at {@code lineStart}. */
        int lineEnd(int lineStart) {
            int lf = indexOfLf(lineStart);
            return lf < 0 ? size : lf + 1;
        }

        /** The position of the line break (CRLF or LF) just before the line starting at {@code lineStart}. */
        int lineBreakBefore(int lineStart) {
            int end = lineStart - 1;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
            return end;
        }
    }
}
