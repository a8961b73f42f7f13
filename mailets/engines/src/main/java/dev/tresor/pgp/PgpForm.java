package dev.tresor.pgp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.ParseException;

import dev.tresor.mime.DecodedContent;
import dev.tresor.mime.ByteSink;

/**
 * How a message is protected with OpenPGP, judged from its top level only: a message is encrypted or signed as a whole,
 * or not at all. An armored block inside one part of a larger message is content, never decrypted or verified in
 * place (EFAIL: decrypted text must never be merged with parts an attacker could have added).
 */
public enum PgpForm {
    NONE,
    /** RFC 3156 {@code multipart/encrypted; protocol="application/pgp-encrypted"}. */
    ENCRYPTED_MIME,
    /** A single text body that is one armored {@code PGP MESSAGE} holding encrypted data. */
    ENCRYPTED_INLINE,
    /** RFC 3156 {@code multipart/signed; protocol="application/pgp-signature"}. */
    SIGNED_MIME,
    /** A single text body that is one armored {@code PGP MESSAGE} holding signed, unencrypted data. */
    SIGNED_INLINE;

    /** Armored text is looked for only this far into a text body; beyond it the body is not an inline PGP message. */
    private static final int INLINE_PREFIX = 1024;

    public boolean isEncrypted() {
        return this == ENCRYPTED_MIME || this == ENCRYPTED_INLINE;
    }

    public boolean isSigned() {
        return this == SIGNED_MIME || this == SIGNED_INLINE;
    }

    /**
     * Whether the message is encrypted with OpenPGP as a whole beyond doubt, for a gateway deciding that it need not
     * encrypt it again: PGP/MIME, or a single text body whose armored block is whole, decodes, and starts with an
     * encryption packet (a packet header, bit 7 set). Unlike
     * {@link #of}, which counts broken armor as an attempt at encryption (so that the decryptor says why it fails), a
     * text that merely starts with an armor header line is not taken as protected: it would otherwise leave in clear.
     */
    public static boolean isCertainlyEncrypted(MimeMessage message) throws MessagingException {
        PgpForm form = of(message);
        if (form != ENCRYPTED_INLINE) {
            return form == ENCRYPTED_MIME;
        }
        try {
            byte[] body = inlineBody(message);
            ByteSink packets = Armor.read(body, 0, body.length, Armor.MESSAGE);
            return packets.size() > 0 && (packets.array()[0] & 0x80) != 0 && isEncryptionPacket(packets.array()[0]);
        } catch (IOException | PgpException e) {
            return false;
        }
    }

    public static PgpForm of(MimeMessage message) throws MessagingException {
        ContentType type = contentType(message);
        String protocol = lower(type.getParameter("protocol"));
        if (type.match("multipart/encrypted") && "application/pgp-encrypted".equals(protocol)) {
            return ENCRYPTED_MIME;
        }
        if (type.match("multipart/signed") && "application/pgp-signature".equals(protocol)) {
            return SIGNED_MIME;
        }
        if (type.match("text/plain")) {
            return inline(message);
        }
        return NONE;
    }

    private static PgpForm inline(MimeMessage message) throws MessagingException {
        byte[] prefix = new byte[INLINE_PREFIX];
        int read;
        try (InputStream body = DecodedContent.ofRawBody(message)) {
            read = body.readNBytes(prefix, 0, prefix.length);
        } catch (IOException e) {
            return NONE;
        }
        if (!Armor.startsWith(prefix, 0, read, Armor.MESSAGE)) {
            return NONE;
        }
        try {
            byte[] body = inlineBody(message);
            java.util.OptionalInt first = Armor.firstByte(body, 0, body.length, Armor.MESSAGE);
            // broken armor is still an attempt at an encrypted message: the decryptor reports why it fails
            return first.isEmpty() || isEncryptionPacket((byte) first.getAsInt()) ? ENCRYPTED_INLINE : SIGNED_INLINE;
        } catch (IOException e) {
            return ENCRYPTED_INLINE;
        }
    }

    /** The decoded text body of a single-part message. */
    static byte[] inlineBody(MimeMessage message) throws MessagingException, IOException {
        ByteSink body = new ByteSink(Math.max(0, message.getSize()) + 64);
        try (InputStream in = DecodedContent.ofRawBody(message)) {
            body.readFrom(in);
        }
        return body.toByteArray();
    }

    /** Session key packets (public-key or symmetric), encrypted data (SED, SEIPD) or a marker before them. */
    private static boolean isEncryptionPacket(byte first) {
        int tag = (first & 0x40) != 0 ? first & 0x3F : (first >> 2) & 0x0F;
        return tag == 1 || tag == 3 || tag == 9 || tag == 10 || tag == 18 || tag == 20;
    }

    private static ContentType contentType(MimeMessage message) throws MessagingException {
        String value = message.getHeader("Content-Type", null);
        if (value == null) {
            return new ContentType("text", "plain", null);
        }
        try {
            return new ContentType(value);
        } catch (ParseException e) {
            return new ContentType("application", "octet-stream", null);
        }
    }

    private static String lower(String value) {
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }
}
