package dev.tresor.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.AddressException;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimePart;
import javax.mail.internet.MimePartDataSource;
import javax.mail.internet.MimeUtility;
import javax.mail.internet.ParameterList;
import javax.mail.internet.ParseException;

/**
 * Protected headers: the header fields a sending client copied into the cryptographic payload (the part under the
 * encryption or signature), put back on the message once that payload has been opened, so that the recipient sees the
 * real Subject instead of the {@code ...} placeholder outside.
 *
 * <p>Two forms are read, never written:
 * <ul>
 *   <li>RFC 9788: the payload's {@code Content-Type} has {@code hp="cipher"} (encrypted) or {@code hp="clear"}
 *       (signed only); its main text parts may begin with a legacy display element, marked
 *       {@code hp-legacy-display="1"}: in {@code text/plain} the lines up to the first blank line, in {@code text/html}
 *       a {@code div class="header-protection-legacy-display"} (RFC 9788, 4.5.3);</li>
 *   <li>the draft it grew from (draft-autocrypt-lamps-protected-headers), which Thunderbird, K-9 Mail and Enigmail
 *       write: {@code protected-headers="v1"}, the legacy display being a first part {@code text/rfc822-headers} (or
 *       {@code text/plain}) with {@code protected-headers="v1"} in a {@code multipart/mixed} payload.</li>
 * </ul>
 *
 * <p>What is restored: only the fields in {@link #RESTORED} (originator, destination, identification and informational
 * fields of RFC 5322), each replacing every outer field of its name. Nothing else inside is trusted: trace and
 * verdict fields (Received, Authentication-Results, spam scores, {@code X-Tresor-*}, ...) set by the servers on the
 * way, this one included, stay as they are, and such fields inside the payload are dropped. For an RFC 9788 payload,
 * which by definition carries every field the composer wrote, a user-facing outer field the payload lacks was added
 * on the way and is removed ({@link #ADDED_ON_THE_WAY}); Date and Message-ID are kept, which the draft form often
 * leaves out. The {@code hp} and {@code protected-headers} parameters are removed from the opened message, which is
 * no longer encrypted; {@code HP-Outer} fields are dropped.
 *
 * <p>Only a payload that was actually protected is read: the decrypted content ({@link #afterDecryption}) or content
 * whose signature the caller found valid ({@link #restoreSigned}). A legacy display is removed only from decrypted
 * content that is not signed itself, since removing it from signed content would break the signature.
 */
public final class HeaderProtection {
    /** The fields taken from a protected payload, in the order RFC 5322 lists them. */
    public static final List<String> RESTORED = List.of("Date", "From", "Sender", "Reply-To", "To", "Cc",
        "Message-ID", "In-Reply-To", "References", "Subject", "Comments", "Keywords");
    /** Outer fields removed when an RFC 9788 payload, which carries all the composer wrote, does not have them. */
    static final List<String> ADDED_ON_THE_WAY = List.of("From", "Sender", "Reply-To", "To", "Cc",
        "In-Reply-To", "References", "Subject", "Comments", "Keywords");

    private static final String HP = "hp";
    private static final String PROTECTED_HEADERS = "protected-headers";
    private static final String LEGACY_DISPLAY = "hp-legacy-display";
    private static final Pattern LEGACY_DISPLAY_DIV = Pattern.compile(
        "<div\\b[^>]*\\bclass\\s*=\\s*[\"']?[^\"'>]*\\bheader-protection-legacy-display\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern DIV_TAG = Pattern.compile("<(/?)div\\b[^>]*>", Pattern.CASE_INSENSITIVE);

    /** How a payload declares its header fields protected. */
    public enum Scheme {
        /** RFC 9788, encrypted: {@code hp="cipher"}. */
        CIPHER,
        /** RFC 9788, signed only: {@code hp="clear"}. */
        CLEAR,
        /** The draft before RFC 9788: {@code protected-headers="v1"}. */
        V1;

        boolean isRfc9788() {
            return this != V1;
        }
    }

    /** The protected fields a payload carries, as header lines. */
    public static final class Declared {
        private final Scheme scheme;
        private final List<String> fields;

        private Declared(Scheme scheme, List<String> fields) {
            this.scheme = scheme;
            this.fields = fields;
        }

        public Scheme scheme() {
            return scheme;
        }

        /** The restorable header lines of the payload ({@link #RESTORED}), as they were written. */
        public List<String> fields() {
            return fields;
        }
    }

    /** What restoring changed on the outside. */
    public static final class Restored {
        private final Scheme scheme;
        private final List<String> changed;
        private final boolean fromChanged;

        private Restored(Scheme scheme, List<String> changed, boolean fromChanged) {
            this.scheme = scheme;
            this.changed = changed;
            this.fromChanged = fromChanged;
        }

        public Scheme scheme() {
            return scheme;
        }

        /** The names of the outer fields whose value the protected ones changed, replaced or removed. */
        public List<String> changed() {
            return changed;
        }

        /** Whether the From address outside differed from the protected one. */
        public boolean fromChanged() {
            return fromChanged;
        }
    }

    private HeaderProtection() {
    }

    /** The protected fields a part declares by its Content-Type; empty when it declares none. */
    public static Optional<Declared> declaredBy(Part part) throws MessagingException {
        if (!(part instanceof MimeBodyPart) && !(part instanceof MimeMessage)) {
            return Optional.empty();
        }
        return declared(part.getHeader("Content-Type"), headerLines(part));
    }

    /** The protected fields a header block declares by its Content-Type; empty when it declares none. */
    public static Optional<Declared> declaredBy(InternetHeaders headers) {
        @SuppressWarnings("unchecked")
        Enumeration<String> lines = headers.getAllHeaderLines();
        return declared(headers.getHeader("Content-Type"), Collections.list(lines));
    }

    private static Optional<Declared> declared(String[] contentTypes, List<String> lines) {
        Optional<Scheme> scheme = scheme(contentTypes);
        if (scheme.isEmpty()) {
            return Optional.empty();
        }
        List<String> fields = new ArrayList<>();
        for (String line : lines) {
            if (isRestored(name(line))) {
                fields.add(line);
            }
        }
        return Optional.of(new Declared(scheme.get(), List.copyOf(fields)));
    }

    private static Optional<Scheme> scheme(String[] contentTypes) {
        if (contentTypes == null || contentTypes.length != 1) {
            return Optional.empty();
        }
        Optional<ContentType> type = parse(contentTypes[0]);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        String hp = lower(type.get().getParameter(HP));
        if ("cipher".equals(hp)) {
            return Optional.of(Scheme.CIPHER);
        }
        if ("clear".equals(hp)) {
            return Optional.of(Scheme.CLEAR);
        }
        return "v1".equals(lower(type.get().getParameter(PROTECTED_HEADERS))) ? Optional.of(Scheme.V1) : Optional.empty();
    }

    /**
     * Writes the header of a decrypted message: the outer fields (MIME-Version left out), {@code MIME-Version: 1.0},
     * and of the payload's own header block only its {@code Content-*} fields (the RFC 2045 default when it has none).
     * No other field inside is merged: a Subject inside would be a second one, an {@code X-Tresor-*} inside a forged
     * verdict; protected fields are put back by {@link #afterDecryption}, which replaces the outer ones.
     */
    public static void writeDecryptedHeader(MimeEntity outer, InternetHeaders payload, ByteSink out) {
        outer.writeEnvelopeHeaders(out);
        out.ascii("MIME-Version: 1.0").crlf();
        @SuppressWarnings("unchecked")
        List<String> lines = Collections.list(payload.getAllHeaderLines());
        writeContentHeaders(lines, out);
    }

    /**
     * Puts the protected fields of a decrypted payload on the decrypted message, whose header is the outer one (the
     * decryptors keep only the payload's {@code Content-*} fields): the payload's own header block tells whether it
     * declares protected fields. A payload that is itself {@code multipart/signed} is looked into: its signed part is
     * the cryptographic payload, as protected by the encryption as the rest (RFC 9788, 4.1); it is not changed.
     *
     * @param decrypted the decrypted message as the decryptor assembled it
     * @param payload the header block of the decrypted entity, as it was inside the encryption
     * @return the message with the protected fields restored and the legacy display removed, or {@code decrypted}
     *     itself when it has no protected fields
     */
    public static MimeMessage afterDecryption(MimeMessage decrypted, InternetHeaders payload) throws MessagingException {
        Optional<Declared> declared = declaredBy(payload);
        if (declared.isPresent()) {
            MimeMessage result = withoutLegacyDisplay(decrypted, declared.get().scheme());
            restore(result, declared.get());
            dropProtectionParameters(result);
            result.saveChanges();
            return result;
        }
        Optional<MimeBodyPart> signed = signedPart(decrypted);
        if (signed.isPresent()) {
            Optional<Declared> inside = declaredBy(signed.get());
            if (inside.isPresent()) {
                restore(decrypted, inside.get());
                decrypted.saveChanges();
            }
        }
        return decrypted;
    }

    /**
     * Puts the protected fields of validly signed content on the message; the caller has checked the signature. The
     * body is left alone (the signature covers it).
     *
     * @return what changed, empty when the content declares no protected fields
     */
    public static Optional<Restored> restoreSigned(MimeMessage message, Part signedContent) throws MessagingException {
        Optional<Declared> declared = declaredBy(signedContent);
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        Restored restored = restore(message, declared.get());
        message.saveChanges();
        return Optional.of(restored);
    }

    /** The signed part of a {@code multipart/signed} message, the part a verifier will check. */
    public static Optional<MimeBodyPart> signedPart(MimeMessage message) throws MessagingException {
        if (!message.isMimeType("multipart/signed")) {
            return Optional.empty();
        }
        MimeMultipart parts = parts(message);
        return parts.getCount() == 2 ? Optional.of((MimeBodyPart) parts.getBodyPart(0)) : Optional.empty();
    }

    /**
     * The parts of a multipart, parsed by javax.mail itself: never through whichever content handler a {@code mailcap}
     * on the class path maps the type to (a jakarta-flavoured one for {@code multipart/signed} breaks javax.mail).
     */
    private static MimeMultipart parts(Part part) throws MessagingException {
        return new MimeMultipart(new MimePartDataSource((MimePart) part));
    }

    /**
     * Replaces the outer fields by the protected ones. Each protected field replaces every outer field of its name;
     * an RFC 9788 payload also removes the user-facing outer fields it does not have, provided it has a From (one
     * without is no copy of the composer's header, and is not allowed to strip the outer one).
     */
    public static Restored restore(MimeMessage message, Declared declared) throws MessagingException {
        Set<String> names = new LinkedHashSet<>();
        for (String line : declared.fields()) {
            names.add(canonical(name(line)));
        }
        if (declared.scheme().isRfc9788() && names.contains("From")) {
            names.addAll(ADDED_ON_THE_WAY);
        }
        Optional<String> outerFrom = fromAddress(message.getHeader("From", ","));
        List<String> changed = new ArrayList<>();
        for (String name : names) {
            List<String> inner = linesNamed(declared.fields(), name);
            String[] outer = message.getHeader(name);
            if (!sameValues(outer, inner)) {
                changed.add(name);
            }
            if (outer != null) {
                message.removeHeader(name);
            }
            for (String line : inner) {
                message.addHeaderLine(line);
            }
        }
        boolean fromChanged = !outerFrom.equals(fromAddress(message.getHeader("From", ",")));
        return new Restored(declared.scheme(), List.copyOf(changed), fromChanged);
    }

    private static boolean sameValues(String[] outer, List<String> inner) {
        List<String> outerValues = new ArrayList<>();
        if (outer != null) {
            for (String value : outer) {
                outerValues.add(unfold(value));
            }
        }
        List<String> innerValues = new ArrayList<>();
        for (String line : inner) {
            innerValues.add(unfold(line.substring(line.indexOf(':') + 1)));
        }
        return outerValues.equals(innerValues);
    }

    private static Optional<String> fromAddress(String from) {
        if (from == null) {
            return Optional.empty();
        }
        try {
            InternetAddress[] addresses = InternetAddress.parseHeader(from, false);
            List<String> lower = new ArrayList<>();
            for (InternetAddress address : addresses) {
                lower.add(lower(address.getAddress()));
            }
            return Optional.of(String.join(",", lower));
        } catch (AddressException e) {
            return Optional.of(unfold(from));
        }
    }

    /** Removes {@code hp} and {@code protected-headers} from the opened message's Content-Type. */
    private static void dropProtectionParameters(MimeMessage message) throws MessagingException {
        String value = message.getHeader("Content-Type", null);
        Optional<ContentType> type = value == null ? Optional.empty() : parse(value);
        if (type.isPresent() && (type.get().getParameter(HP) != null || type.get().getParameter(PROTECTED_HEADERS) != null)) {
            message.setHeader("Content-Type", withoutParameters(type.get(), HP, PROTECTED_HEADERS));
        }
        message.removeHeader("HP-Outer");
    }

    // ---- the legacy display --------------------------------------------------------------------------------------

    private static MimeMessage withoutLegacyDisplay(MimeMessage message, Scheme scheme) throws MessagingException {
        try {
            if (scheme == Scheme.V1) {
                return withoutLegacyDisplayPart(message);
            }
            if (scheme == Scheme.CIPHER && hasLegacyDisplayElement(message)) {
                ByteSink out = new ByteSink(Math.max(0, message.getSize()) + 8192);
                MimeEntity.of(message).writeEnvelopeHeaders(out);
                out.ascii("MIME-Version: 1.0").crlf();
                writeWithoutElements(message, out);
                return out.toMessage();
            }
            return message;
        } catch (IOException e) {
            throw new MessagingException("Cannot remove the legacy display: " + e.getMessage(), e);
        }
    }

    /**
     * The draft's legacy display: the first of the payload's parts, {@code text/rfc822-headers} (or
     * {@code text/plain}, as Enigmail wrote it) with {@code protected-headers="v1"}, in a {@code multipart/mixed}
     * payload. The rest is the original body: a single part replaces the payload, several stay in it.
     */
    private static MimeMessage withoutLegacyDisplayPart(MimeMessage message) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/mixed")) {
            return message;
        }
        MimeMultipart parts = parts(message);
        if (parts.getCount() < 2 || !isLegacyDisplayPart(parts.getBodyPart(0))) {
            return message;
        }
        ByteSink out = new ByteSink(Math.max(0, message.getSize()) + 8192);
        MimeEntity.of(message).writeEnvelopeHeaders(out);
        out.ascii("MIME-Version: 1.0").crlf();
        if (parts.getCount() == 2) {
            writeRaw((MimeBodyPart) parts.getBodyPart(1), out);
            return out.toMessage();
        }
        writeContentHeaders(headerLines(message), out);
        out.crlf();
        String boundary = boundary(message);
        for (int i = 1; i < parts.getCount(); i++) {
            out.ascii("--" + boundary).crlf();
            writeRaw((MimeBodyPart) parts.getBodyPart(i), out);
            out.crlf();
        }
        out.ascii("--" + boundary + "--").crlf();
        return out.toMessage();
    }

    private static boolean isLegacyDisplayPart(BodyPart part) throws MessagingException {
        if (!part.isMimeType("text/rfc822-headers") && !part.isMimeType("text/plain")) {
            return false;
        }
        String[] types = part.getHeader("Content-Type");
        Optional<ContentType> type = types == null || types.length != 1 ? Optional.empty() : parse(types[0]);
        return type.isPresent() && "v1".equals(lower(type.get().getParameter(PROTECTED_HEADERS)));
    }

    private static boolean hasLegacyDisplayElement(Part part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*") && !part.isMimeType("multipart/signed")) {
            MimeMultipart parts = parts(part);
            for (int i = 0; i < parts.getCount(); i++) {
                if (hasLegacyDisplayElement(parts.getBodyPart(i))) {
                    return true;
                }
            }
            return false;
        }
        return carriesElement(part);
    }

    private static boolean carriesElement(Part part) throws MessagingException {
        if (!part.isMimeType("text/plain") && !part.isMimeType("text/html")) {
            return false;
        }
        if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            return false;
        }
        String[] types = part.getHeader("Content-Type");
        Optional<ContentType> type = types == null || types.length != 1 ? Optional.empty() : parse(types[0]);
        return type.isPresent() && "1".equals(lower(type.get().getParameter(LEGACY_DISPLAY)).trim());
    }

    /** Writes a part's content (Content-* fields, blank line, body), each marked text part without its element. */
    private static void writeWithoutElements(Part part, ByteSink out) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*") && !part.isMimeType("multipart/signed")) {
            MimeMultipart parts = parts(part);
            writeContentHeaders(headerLines(part), out);
            out.crlf();
            String boundary = boundary(part);
            for (int i = 0; i < parts.getCount(); i++) {
                out.ascii("--" + boundary).crlf();
                writeWithoutElements(parts.getBodyPart(i), out);
                out.crlf();
            }
            out.ascii("--" + boundary + "--").crlf();
        } else if (carriesElement(part)) {
            writeTextWithoutElement(part, out);
        } else {
            writeContentHeaders(headerLines(part), out);
            out.crlf();
            try (InputStream body = rawBody(part)) {
                out.readFrom(body);
            }
        }
    }

    private static void writeTextWithoutElement(Part part, ByteSink out) throws MessagingException, IOException {
        ContentType type = parse(part.getHeader("Content-Type")[0]).orElseThrow();
        String charset = Optional.ofNullable(type.getParameter("charset")).orElse("us-ascii");
        Charset decoder;
        try {
            decoder = Charset.forName(MimeUtility.javaCharset(charset));
        } catch (IllegalArgumentException e) {
            writeContentHeaders(headerLines(part), out);
            out.crlf();
            try (InputStream body = rawBody(part)) {
                out.readFrom(body);
            }
            return;
        }
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (InputStream in = DecodedContent.of(part)) {
            in.transferTo(decoded);
        }
        String text = new String(decoded.toByteArray(), decoder);
        String kept = part.isMimeType("text/html") ? withoutElementDiv(text) : withoutHeaderLines(text);
        MimeBodyPart rewritten = new MimeBodyPart();
        rewritten.setText(kept, charset, part.isMimeType("text/html") ? "html" : "plain");
        for (String line : headerLines(part)) {
            String name = name(line);
            if (MimeEntity.isContentHeader(line) && !name.equalsIgnoreCase("Content-Type")
                && !name.equalsIgnoreCase("Content-Transfer-Encoding") && !name.equalsIgnoreCase("Content-Length")) {
                rewritten.addHeaderLine(line);
            }
        }
        rewritten.setHeader("Content-Type", withoutParameters(type, LEGACY_DISPLAY));
        rewritten.setHeader("Content-Transfer-Encoding", isAscii(kept) ? "7bit" : "base64");
        if (isAscii(kept) && hasLongLine(kept)) {
            rewritten.setHeader("Content-Transfer-Encoding", "quoted-printable");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rewritten.writeTo(bytes);
        out.write(bytes.toByteArray(), 0, bytes.size());
    }

    /** RFC 9788, 4.5.3.2: everything up to and including the first blank line. */
    static String withoutHeaderLines(String text) {
        Matcher blank = Pattern.compile("\r?\n[ \t]*\r?\n").matcher(text);
        if (text.startsWith("\r\n") || text.startsWith("\n")) {
            return text.substring(text.indexOf('\n') + 1);
        }
        return blank.find() ? text.substring(blank.end()) : text;
    }

    /** RFC 9788, 4.5.3.3: every {@code div} of class {@code header-protection-legacy-display}, with its content. */
    static String withoutElementDiv(String html) {
        String result = html;
        Matcher start = LEGACY_DISPLAY_DIV.matcher(result);
        while (start.find()) {
            Matcher tags = DIV_TAG.matcher(result);
            int depth = 0;
            int end = -1;
            tags.region(start.start(), result.length());
            while (tags.find()) {
                depth += tags.group(1).isEmpty() ? 1 : -1;
                if (depth == 0) {
                    end = tags.end();
                    break;
                }
            }
            if (end < 0) {
                return result;
            }
            result = result.substring(0, start.start()) + result.substring(end);
            start = LEGACY_DISPLAY_DIV.matcher(result);
        }
        return result;
    }

    // ---- writing parts as they are --------------------------------------------------------------------------------

    private static void writeRaw(MimeBodyPart part, ByteSink out) throws MessagingException, IOException {
        writeContentHeaders(headerLines(part), out);
        out.crlf();
        try (InputStream body = part.getRawInputStream()) {
            out.readFrom(body);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> headerLines(Part part) throws MessagingException {
        if (part instanceof MimeBodyPart) {
            return Collections.list(((MimeBodyPart) part).getAllHeaderLines());
        }
        return Collections.list(((MimeMessage) part).getAllHeaderLines());
    }

    private static InputStream rawBody(Part part) throws MessagingException {
        if (part instanceof MimeBodyPart) {
            return ((MimeBodyPart) part).getRawInputStream();
        }
        return ((MimeMessage) part).getRawInputStream();
    }

    private static void writeContentHeaders(List<String> lines, ByteSink out) {
        boolean any = false;
        for (String line : lines) {
            if (MimeEntity.isContentHeader(line)) {
                out.headerLine(line);
                any = true;
            }
        }
        if (!any) {
            out.ascii("Content-Type: text/plain; charset=us-ascii").crlf();
        }
    }

    private static String boundary(Part part) throws MessagingException {
        ContentType type = parse(part.getContentType()).orElseThrow(() -> new MessagingException("Malformed Content-Type"));
        String boundary = type.getParameter("boundary");
        if (boundary == null) {
            throw new MessagingException("Multipart without a boundary");
        }
        return boundary;
    }

    // ---- small helpers -------------------------------------------------------------------------------------------

    private static String withoutParameters(ContentType type, String... names) {
        ParameterList kept = new ParameterList();
        ParameterList all = type.getParameterList();
        if (all != null) {
            for (String name : Collections.list(all.getNames())) {
                boolean dropped = false;
                for (String drop : names) {
                    dropped |= drop.equalsIgnoreCase(name);
                }
                if (!dropped) {
                    kept.set(name, all.get(name));
                }
            }
        }
        return new ContentType(type.getPrimaryType(), type.getSubType(), kept).toString();
    }

    private static Optional<ContentType> parse(String value) {
        try {
            return Optional.of(new ContentType(value));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private static List<String> linesNamed(List<String> lines, String name) {
        List<String> named = new ArrayList<>();
        for (String line : lines) {
            if (name(line).equalsIgnoreCase(name)) {
                named.add(line);
            }
        }
        return named;
    }

    private static boolean isRestored(String name) {
        return !canonical(name).isEmpty() && RESTORED.contains(canonical(name));
    }

    /** The name as {@link #RESTORED} spells it, or the empty string. */
    private static String canonical(String name) {
        for (String restored : RESTORED) {
            if (restored.equalsIgnoreCase(name)) {
                return restored;
            }
        }
        return "";
    }

    private static String name(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(0, colon).trim();
    }

    private static String unfold(String value) {
        return value.replaceAll("\r?\n", "").trim();
    }

    private static String lower(String value) {
        return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasLongLine(String text) {
        for (String line : text.split("\n", -1)) {
            if (line.length() > 900) {
                return true;
            }
        }
        return false;
    }
}
