package dev.tresor.pdf;

import java.awt.Color;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdfwriter.compress.CompressParameters;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PageMode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;

import dev.tresor.keys.Hex;

/**
 * Turns a whole mail into one password-protected PDF: a header block (From, To, Cc, Date, Subject), the body (plain
 * text wrapped, HTML laid out as a document) and every attachment embedded as a PDF file attachment under its own
 * name and MIME type, nested messages as {@code .eml}. Encrypted with AES-256 (revision 6) unless told AES-128.
 *
 * <p>Memory stays bounded: attachments are streamed from the message into the document's store, which keeps up to
 * {@value #MEMORY_BYTES} bytes in memory and the rest in temporary files deleted when the document is closed.
 *
 * <p>Thread-safe: each call builds its own document; the fonts are shared read-only.
 */
public final class PdfWrapper {
    private static final long MEMORY_BYTES = 4L * 1024 * 1024;
    /** Known to compress well; anything else (zip, office XML, images, octet-stream) is stored as it is, not deflated again. */
    private static final Set<String> COMPRESSIBLE_APPLICATIONS = Set.of("json", "xml", "rtf", "msword", "vnd.ms-excel",
        "vnd.ms-powerpoint", "x-sh", "javascript", "postscript");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PdfFonts fonts;
    private final PdfProtection protection;

    public PdfWrapper(PdfFonts fonts, PdfProtection protection) {
        this.fonts = Objects.requireNonNull(fonts);
        this.protection = Objects.requireNonNull(protection);
    }

    /** What went into a PDF. */
    public static final class Result {
        private final int pages;
        private final int attachments;
        private final int missingGlyphs;

        Result(int pages, int attachments, int missingGlyphs) {
            this.pages = pages;
            this.attachments = attachments;
            this.missingGlyphs = missingGlyphs;
        }

        public int pages() {
            return pages;
        }

        public int attachments() {
            return attachments;
        }

        /** Characters no configured font could draw, shown as '?' (emoji, say, or CJK without a CJK font). */
        public int missingGlyphs() {
            return missingGlyphs;
        }
    }

    /**
     * Writes the mail as a PDF that opens only with {@code password}.
     *
     * @throws PdfWrapException when the mail cannot be rendered (malformed MIME, unreadable part, storage error);
     *     nothing useful has been written to {@code out} then
     */
    public Result wrap(MimeMessage message, char[] password, OutputStream out) throws PdfWrapException {
        if (password.length == 0) {
            throw new IllegalArgumentException("empty PDF password");
        }
        MailParts parts = MailParts.of(message);
        try (PDDocument document = new PDDocument(MemoryUsageSetting.setupMixed(MEMORY_BYTES).streamCache)) {
            PdfFonts.Chain chain = fonts.forDocument(document);
            try {
                Typesetter typesetter = new Typesetter(chain);
                Pager pager = new Pager(document);
                header(message, typesetter, pager);
                body(document, parts, typesetter, pager);
                List<String> listed = embed(document, parts.attachments);
                attachmentList(parts.attachments, listed, typesetter, pager);
                pager.ensurePage();
                pager.finish();
                describe(document, message);
                protect(document, password);
                document.save(out, CompressParameters.NO_COMPRESSION);
                return new Result(document.getNumberOfPages(), parts.attachments.size(), typesetter.missingGlyphs());
            } finally {
                chain.close();
            }
        } catch (IOException | UncheckedIOException e) {
            throw new PdfWrapException("the PDF cannot be written", e);
        } catch (MessagingException e) {
            throw new PdfWrapException("the mail cannot be read (malformed MIME or transfer encoding)", e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new PdfWrapException("the mail cannot be rendered as a PDF", e);
        }
    }

    private static void header(MimeMessage message, Typesetter typesetter, Pager pager) throws MessagingException, IOException {
        String subject = decoded(message.getHeader("Subject", " "));
        Style label = Style.BODY.withBold(true).withColor(new Color(0x44, 0x44, 0x44));
        typesetter.paragraph(List.of(new Typesetter.Span(subject.isBlank() ? "(no subject)" : subject, Style.BODY.withSize(15).withBold(true))),
            pager, 0, Slabs.Align.LEFT);
        pager.add(new Slabs.Gap(4));
        for (String name : List.of("From", "To", "Cc", "Date", "Subject")) {
            String value = name.equals("Subject") || name.equals("Date")
                ? decoded(message.getHeader(name, " "))
                : addresses(message.getHeader(name, ","));
            if (!value.isBlank()) {
                typesetter.paragraph(List.of(new Typesetter.Span(name + ": ", label), new Typesetter.Span(value, Style.BODY)),
                    pager, 0, Slabs.Align.LEFT);
            }
        }
        pager.add(new Slabs.Rule(pager.width()));
        pager.add(new Slabs.Gap(6));
    }

    private static String decoded(String value) {
        if (value == null) {
            return "";
        }
        String unfolded = value.replaceAll("\r?\n[ \t]", " ").trim();
        try {
            return MimeUtility.decodeText(unfolded);
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return unfolded;
        }
    }

    private static String addresses(String value) {
        if (value == null) {
            return "";
        }
        try {
            List<String> shown = new ArrayList<>();
            for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                shown.add(address.toUnicodeString());
            }
            return String.join(", ", shown);
        } catch (AddressException e) {
            return decoded(value);
        }
    }

    private static void body(PDDocument document, MailParts parts, Typesetter typesetter, Pager pager) throws IOException, MessagingException {
        for (MailParts.Text text : List.copyOf(parts.texts)) {
            if (text.html) {
                Set<String> used = new HashSet<>();
                new HtmlRenderer(document, typesetter, text.related, used).render(text.content, pager);
                for (Map.Entry<String, Part> related : text.related.entrySet()) {
                    if (!used.contains(related.getKey())) {
                        parts.addUnshown(related.getValue());
                    }
                }
            } else {
                plain(text.content, typesetter, pager);
            }
            pager.add(new Slabs.Gap(10));
        }
    }

    /** Plain text line by line: the sender's line breaks and indentation stay, long lines wrap. */
    private static void plain(String text, Typesetter typesetter, Pager pager) throws IOException {
        for (String line : text.split("\r\n|\r|\n", -1)) {
            String expanded = line.replace("\t", "    ");
            int indent = 0;
            while (indent < expanded.length() && expanded.charAt(indent) == ' ') {
                indent++;
            }
            if (indent == expanded.length()) {
                pager.add(new Slabs.Gap(Style.BODY.size * 1.35f));
                continue;
            }
            String shown = "\u00a0".repeat(indent) + expanded.substring(indent);
            typesetter.paragraph(List.of(new Typesetter.Span(shown, Style.BODY)), pager, 0, Slabs.Align.LEFT);
        }
    }

    /** Embeds every attachment, streamed; returns the names used (unique within the PDF), in order. */
    private static List<String> embed(PDDocument document, List<MailParts.Attachment> attachments) throws IOException, MessagingException {
        Map<String, PDComplexFileSpecification> tree = new TreeMap<>();
        List<String> names = new ArrayList<>();
        Calendar now = Calendar.getInstance();
        for (MailParts.Attachment attachment : attachments) {
            String name = unique(attachment.name, tree.keySet());
            PDEmbeddedFile file;
            try (CountingStream in = new CountingStream(MailParts.decoded(attachment.part))) {
                file = compressible(attachment.mimeType) ? new PDEmbeddedFile(document, in, COSName.FLATE_DECODE)
                    : new PDEmbeddedFile(document, in);
                file.setSize((int) Math.min(Integer.MAX_VALUE, in.count));
            }
            file.setSubtype(attachment.mimeType);
            file.setCreationDate(now);
            file.setModDate(now);
            PDComplexFileSpecification specification = new PDComplexFileSpecification();
            specification.setFile(name);
            specification.setFileUnicode(name);
            specification.setFileDescription(attachment.mimeType);
            specification.setEmbeddedFile(file);
            specification.setEmbeddedFileUnicode(file);
            tree.put(name, specification);
            names.add(name);
        }
        if (!tree.isEmpty()) {
            PDEmbeddedFilesNameTreeNode files = new PDEmbeddedFilesNameTreeNode();
            files.setNames(tree);
            PDDocumentNameDictionary dictionary = new PDDocumentNameDictionary(document.getDocumentCatalog());
            dictionary.setEmbeddedFiles(files);
            document.getDocumentCatalog().setNames(dictionary);
            document.getDocumentCatalog().setPageMode(PageMode.USE_ATTACHMENTS);
        }
        return names;
    }

    private static boolean compressible(String mimeType) {
        int slash = mimeType.indexOf('/');
        String type = mimeType.substring(0, Math.max(0, slash));
        String subtype = mimeType.substring(slash + 1);
        return type.equals("text") || type.equals("message") || type.equals("application") && COMPRESSIBLE_APPLICATIONS.contains(subtype)
            || subtype.endsWith("+xml") || subtype.endsWith("+json");
    }

    private static String unique(String name, Set<String> taken) {
        if (!taken.contains(name)) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int i = 2; ; i++) {
            String candidate = stem + " (" + i + ")" + extension;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static void attachmentList(List<MailParts.Attachment> attachments, List<String> names, Typesetter typesetter, Pager pager)
        throws IOException {
        if (attachments.isEmpty()) {
            return;
        }
        pager.add(new Slabs.Rule(pager.width()));
        typesetter.paragraph(List.of(new Typesetter.Span("Attachments (" + attachments.size() + ") \u2014 open them from the"
            + " attachments panel of your PDF reader:", Style.BODY.withBold(true))), pager, 0, Slabs.Align.LEFT);
        for (int i = 0; i < attachments.size(); i++) {
            typesetter.paragraph(List.of(new Typesetter.Span("\u2022 " + names.get(i) + " (" + attachments.get(i).mimeType + ")", Style.BODY)),
                pager, 12, Slabs.Align.LEFT);
        }
    }

    private static void describe(PDDocument document, MimeMessage message) throws MessagingException {
        PDDocumentInformation information = document.getDocumentInformation();
        information.setTitle(decoded(message.getHeader("Subject", " ")));
        information.setProducer("Tresor PdfWrap");
        information.setCreationDate(Calendar.getInstance());
    }

    private void protect(PDDocument document, char[] password) throws IOException {
        AccessPermission permissions = new AccessPermission();
        permissions.setCanPrint(protection.allowPrint());
        permissions.setCanPrintFaithful(protection.allowPrint());
        permissions.setCanExtractContent(protection.allowCopy());
        permissions.setCanExtractForAccessibility(true);
        permissions.setCanModify(false);
        permissions.setCanModifyAnnotations(false);
        permissions.setCanFillInForm(false);
        permissions.setCanAssembleDocument(false);
        byte[] owner = new byte[32];
        RANDOM.nextBytes(owner);
        StandardProtectionPolicy policy = new StandardProtectionPolicy(Hex.encode(owner), new String(password), permissions);
        policy.setEncryptionKeyLength(protection.cipher().keyBits());
        policy.setPreferAES(true);
        document.protect(policy);
    }

    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }
    }
}
