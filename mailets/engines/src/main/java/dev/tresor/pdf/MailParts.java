package dev.tresor.pdf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;
import javax.mail.internet.ParseException;

import dev.tresor.mime.DecodedContent;
import dev.tresor.mime.Base64Lines;

/**
 * A mail taken apart for the PDF: the text to show (plain or HTML; a multipart/alternative shows its HTML), the parts
 * an HTML body refers to by {@code cid:}, and everything else as attachments — nothing is left out. Nested messages
 * are attachments (.eml), not opened.
 */
final class MailParts {
    private static final int MAX_DEPTH = 32;
    private static final int MAX_PARTS = 2000;

    /** A text shown in the body. */
    static final class Text {
        final boolean html;
        final String content;
        final Map<String, Part> related;

        Text(boolean html, String content, Map<String, Part> related) {
            this.html = html;
            this.content = content;
            this.related = related;
        }
    }

    /** A part to embed as a file. */
    static final class Attachment {
        final Part part;
        final String name;
        final String mimeType;

        Attachment(Part part, String name, String mimeType) {
            this.part = part;
            this.name = name;
            this.mimeType = mimeType;
        }
    }

    final List<Text> texts = new ArrayList<>();
    final List<Attachment> attachments = new ArrayList<>();
    private int parts;

    private MailParts() {
    }

    static MailParts of(MimeMessage message) throws PdfWrapException {
        MailParts result = new MailParts();
        try {
            result.walk(message, 0, Map.of());
        } catch (MessagingException | IOException e) {
            throw new PdfWrapException("Malformed MIME structure: the mail's parts cannot be read", e);
        }
        return result;
    }

    private void walk(Part part, int depth, Map<String, Part> related) throws MessagingException, IOException, PdfWrapException {
        if (depth > MAX_DEPTH) {
            throw new PdfWrapException("MIME parts nested deeper than " + MAX_DEPTH + " levels");
        }
        if (++parts > MAX_PARTS) {
            throw new PdfWrapException("more than " + MAX_PARTS + " MIME parts");
        }
        ContentType type = contentType(part);
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        if (base.startsWith("multipart/")) {
            Object content = part.getContent();
            if (!(content instanceof Multipart)) {
                throw new PdfWrapException("a " + base + " part without a readable multipart body");
            }
            Multipart multipart = (Multipart) content;
            if (multipart.getCount() == 0) {
                return;
            }
            if (base.equals("multipart/alternative")) {
                walk(preferred(multipart), depth + 1, related);
            } else if (base.equals("multipart/related")) {
                walkRelated(multipart, type, depth);
            } else {
                for (int i = 0; i < multipart.getCount(); i++) {
                    walk(multipart.getBodyPart(i), depth + 1, related);
                }
            }
        } else if (isShownText(part, base)) {
            texts.add(new Text(base.equals("text/html"), text(part, type), related));
        } else {
            attachments.add(new Attachment(part, name(part, base), base));
        }
    }

    /** The richest alternative we can show: HTML (or a container holding it), else the last one. */
    private static BodyPart preferred(Multipart alternatives) throws MessagingException {
        BodyPart chosen = null;
        for (int i = 0; i < alternatives.getCount(); i++) {
            BodyPart candidate = alternatives.getBodyPart(i);
            String base = contentType(candidate).getBaseType().toLowerCase(Locale.ROOT);
            if (base.equals("text/plain") && chosen == null) {
                chosen = candidate;
            } else if (base.equals("text/html") || base.equals("multipart/related") || base.equals("multipart/mixed")) {
                chosen = candidate;
            }
        }
        return chosen != null ? chosen : alternatives.getBodyPart(alternatives.getCount() - 1);
    }

    private void walkRelated(Multipart multipart, ContentType type, int depth) throws MessagingException, IOException, PdfWrapException {
        String start = type.getParameter("start");
        int root = 0;
        Map<String, Part> byId = new LinkedHashMap<>();
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            Optional<String> id = contentId(part);
            if (start != null && id.isPresent() && id.get().equals(normaliseId(start))) {
                root = i;
            }
            id.ifPresent(value -> byId.put(value, part));
        }
        Map<String, Part> related = new LinkedHashMap<>(byId);
        related.remove(contentId(multipart.getBodyPart(root)).orElse(""));
        int textsBefore = texts.size();
        walk(multipart.getBodyPart(root), depth + 1, related);
        boolean shownAsHtml = texts.size() > textsBefore && texts.get(texts.size() - 1).html;
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (i != root && !(shownAsHtml && contentId(part).isPresent())) {
                walk(part, depth + 1, Map.of());
            }
        }
    }

    private static boolean isShownText(Part part, String base) throws MessagingException {
        if (!base.equals("text/plain") && !base.equals("text/html")) {
            return false;
        }
        // a named text part is a file the sender attached (notes.txt, page.html): embedded as it is, not shown
        String disposition = part.getDisposition();
        return (disposition == null || disposition.equalsIgnoreCase(Part.INLINE)) && rawFileName(part) == null;
    }

    static ContentType contentType(Part part) throws MessagingException {
        String[] values = part.getHeader("Content-Type");
        if (values == null || values.length == 0) {
            return new ContentType("text", "plain", null);
        }
        try {
            return new ContentType(values[0]);
        } catch (ParseException e) {
            // an unreadable type is kept as an opaque attachment rather than guessed at
            return new ContentType("application", "octet-stream", null);
        }
    }

    /** The decoded text; an unknown or missing charset falls back to UTF-8, undecodable bytes become U+FFFD. */
    private static String text(Part part, ContentType type) throws MessagingException, IOException {
        byte[] bytes = bytes(part);
        Charset charset = StandardCharsets.UTF_8;
        String declared = type.getParameter("charset");
        if (declared != null) {
            try {
                charset = Charset.forName(MimeUtility.javaCharset(declared.trim()));
            } catch (RuntimeException e) {
                charset = StandardCharsets.UTF_8;
            }
        }
        if (charset.equals(StandardCharsets.US_ASCII)) {
            charset = StandardCharsets.UTF_8;
        }
        return new String(bytes, charset);
    }

    /**
     * The part's content without its transfer encoding. Base64, the usual one for attachments, is decoded by our own
     * decoder, several times faster than javax.mail's.
     */
    static InputStream decoded(Part part) throws MessagingException, IOException {
        if (part instanceof MimeBodyPart) {
            MimeBodyPart body = (MimeBodyPart) part;
            String encoding = body.getEncoding();
            if (encoding != null && encoding.trim().equalsIgnoreCase("base64")) {
                return Base64Lines.decoder(body.getRawInputStream());
            }
        }
        return DecodedContent.of(part);
    }

    /** The decoded content, copied to its end (a base64 stream may stop short of it for readAllBytes). */
    static byte[] bytes(Part part) throws MessagingException, IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream in = decoded(part)) {
            in.transferTo(out);
        }
        return out.toByteArray();
    }

    /** A related part the HTML did not show, kept as an attachment so that nothing of the mail is lost. */
    void addUnshown(Part part) throws MessagingException {
        String base = contentType(part).getBaseType().toLowerCase(Locale.ROOT);
        attachments.add(new Attachment(part, name(part, base), base));
    }

    static Optional<String> contentId(Part part) throws MessagingException {
        String[] values = part.getHeader("Content-ID");
        if (values == null || values.length == 0 || values[0].isBlank()) {
            return Optional.empty();
        }
        return Optional.of(normaliseId(values[0]));
    }

    static String normaliseId(String id) {
        String value = id.trim();
        if (value.startsWith("<") && value.endsWith(">")) {
            value = value.substring(1, value.length() - 1);
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static String rawFileName(Part part) throws MessagingException {
        try {
            return part.getFileName();
        } catch (MessagingException e) {
            return null;
        }
    }

    private String name(Part part, String base) throws MessagingException {
        String name = rawFileName(part);
        if (name != null && name.contains("=?")) {
            try {
                name = MimeUtility.decodeText(name);
            } catch (UnsupportedEncodingException e) {
                // keep the encoded form: still a name the sender will recognise
            }
        }
        if (name != null) {
            name = name.replaceAll("[\\p{Cntrl}]", "").replaceAll(".*[/\\\\]", "").trim();
        }
        if (name == null || name.isEmpty()) {
            name = "attachment-" + (attachments.size() + 1) + extension(base);
        } else if (base.equals("message/rfc822") && !name.toLowerCase(Locale.ROOT).endsWith(".eml")) {
            name = name + ".eml";
        }
        return name;
    }

    private static String extension(String base) {
        switch (base) {
            case "message/rfc822":
                return ".eml";
            case "text/plain":
                return ".txt";
            case "text/html":
                return ".html";
            case "application/pdf":
                return ".pdf";
            case "image/png":
                return ".png";
            case "image/jpeg":
                return ".jpg";
            case "image/gif":
                return ".gif";
            case "application/pkcs7-signature":
            case "application/x-pkcs7-signature":
                return ".p7s";
            case "application/pkcs7-mime":
            case "application/x-pkcs7-mime":
                return ".p7m";
            default:
                return ".bin";
        }
    }
}
