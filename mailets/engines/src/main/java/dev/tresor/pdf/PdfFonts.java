package dev.tresor.pdf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The fonts a PDF is written with, each embedded (as a subset of the glyphs used), tried in order for every character:
 * the first that has a glyph draws it. The first is always Liberation Sans (SIL OFL), which ships inside PDFBox and
 * covers Latin, Greek and Cyrillic, so a clean checkout needs no font installed. CJK needs TrueType fonts with those
 * glyphs: by default every one of {@link #CJK_CANDIDATES} that exists, in that order (Debian's
 * {@code fonts-wqy-microhei}, Apache 2.0, covers Chinese, Japanese and Korean and is what {@code .ci/run} installs;
 * {@code fonts-droid-fallback} has no Hangul), or the files named in the mailet's {@code fonts} parameter.
 *
 * <p>Font files are read once into memory and shared read-only; each document parses its own view of them, only when
 * a character needs that font, so a Latin-only mail never touches a 4 MB CJK font.
 */
public final class PdfFonts {
    /** Debian locations of TrueType (glyf) fonts with CJK glyphs, in order of preference. */
    public static final List<Path> CJK_CANDIDATES = List.of(
        Path.of("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        Path.of("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
        Path.of("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"));
    private static final String BUNDLED = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final int MAX_FONT_BYTES = 64 * 1024 * 1024;

    private final List<FontFile> files;

    private PdfFonts(List<FontFile> files) {
        this.files = List.copyOf(files);
    }

    /** Liberation Sans, then each CJK candidate that exists on this machine: a character missing in one may be in the next. */
    public static PdfFonts defaults() {
        List<FontFile> files = new ArrayList<>();
        files.add(bundled());
        CJK_CANDIDATES.stream().filter(Files::isReadable).forEach(path -> files.add(read(path)));
        return new PdfFonts(files);
    }

    /** Liberation Sans, then the given TrueType files (.ttf, or the first font of a .ttc) in order. */
    public static PdfFonts of(List<Path> extra) {
        List<FontFile> files = new ArrayList<>();
        files.add(bundled());
        extra.forEach(path -> files.add(read(path)));
        return new PdfFonts(files);
    }

    /** The font files in use, for the log at start-up. */
    public List<String> names() {
        return files.stream().map(file -> file.name).collect(Collectors.toList());
    }

    Chain forDocument(PDDocument document) {
        return new Chain(document);
    }

    private static FontFile bundled() {
        try (InputStream in = PdfFonts.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("PDFBox's bundled font " + BUNDLED + " is missing from the class path");
            }
            FontFile file = new FontFile("Liberation Sans (PDFBox)", in.readAllBytes());
            file.check();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read PDFBox's bundled font: " + e.getMessage(), e);
        }
    }

    private static boolean isCollection(byte[] bytes) {
        return bytes.length > 12 && bytes[0] == 't' && bytes[1] == 't' && bytes[2] == 'c' && bytes[3] == 'f';
    }

    /**
     * The first font of a TrueType collection (.ttc) as a font file of its own, made once when the fonts are read:
     * PDFBox would otherwise copy the whole collection and parse every font in it for each document. The tables are
     * copied unchanged, 4-byte aligned, behind a new table directory with offsets into the new file.
     */
    static byte[] firstOfCollection(byte[] collection) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(collection);
        if (in.getInt(8) < 1) {
            throw new IOException("empty font collection");
        }
        int font = in.getInt(12);
        int tables = Short.toUnsignedInt(in.getShort(font + 4));
        int directory = 12 + 16 * tables;
        int size = directory;
        for (int i = 0; i < tables; i++) {
            size += (in.getInt(font + 12 + 16 * i + 12) + 3) & ~3;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(collection, font, 12);
        int next = directory;
        for (int i = 0; i < tables; i++) {
            int record = font + 12 + 16 * i;
            int offset = in.getInt(record + 8);
            int length = in.getInt(record + 12);
            if (offset < 0 || length < 0 || (long) offset + length > collection.length) {
                throw new IOException("font collection table " + i + " lies outside the file");
            }
            out.putInt(12 + 16 * i, in.getInt(record));
            out.putInt(12 + 16 * i + 4, in.getInt(record + 4));
            out.putInt(12 + 16 * i + 8, next);
            out.putInt(12 + 16 * i + 12, length);
            out.position(next);
            out.put(collection, offset, length);
            next += (length + 3) & ~3;
        }
        return out.array();
    }

    /** @throws IllegalArgumentException naming the file when it cannot be used */
    private static FontFile read(Path path) {
        try {
            if (Files.size(path) > MAX_FONT_BYTES) {
                throw new IllegalArgumentException("font " + path + " is larger than 64 MiB");
            }
            byte[] bytes = Files.readAllBytes(path);
            FontFile file = new FontFile(path.toString(), isCollection(bytes) ? firstOfCollection(bytes) : bytes);
            file.check();
            return file;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use font " + path + ": " + e.getMessage(), e);
        }
    }

    private static final class FontFile {
        private final String name;
        private final byte[] bytes;

        FontFile(String name, byte[] bytes) {
            this.name = name;
            this.bytes = bytes;
        }

        /** A view of the shared bytes, no copy: each document parses only what it reads. */
        TrueTypeFont parse() throws IOException {
            return new TTFParser().parse(new RandomAccessReadBuffer(bytes));
        }

        /** Fails early on files PDFBox cannot embed (no Unicode cmap, CFF outlines). */
        void check() throws IOException {
            TrueTypeFont font = parse();
            try {
                if (font.getUnicodeCmapLookup(false) == null) {
                    throw new IOException("no Unicode character map");
                }
                if (font.getGlyph() == null) {
                    throw new IOException("no TrueType outlines (OpenType/CFF fonts cannot be embedded by PDFBox)");
                }
            } finally {
                font.close();
            }
        }
    }

    /** The fonts of one document: picks a font per character, loading each into the document on first use. */
    final class Chain {
        private final PDDocument document;
        private final TrueTypeFont[] parsed = new TrueTypeFont[files.size()];
        private final CmapLookup[] lookups = new CmapLookup[files.size()];
        private final PDType0Font[] loaded = new PDType0Font[files.size()];
        private final Map<Integer, Integer> choice = new HashMap<>();
        private final List<TrueTypeFont> toClose = new ArrayList<>();

        private Chain(PDDocument document) {
            this.document = document;
        }

        /** The index of the first font with a glyph for the code point, if any. */
        Optional<Integer> fontFor(int codePoint) throws IOException {
            Integer cached = choice.get(codePoint);
            if (cached != null) {
                return cached < 0 ? Optional.empty() : Optional.of(cached);
            }
            int found = -1;
            for (int i = 0; i < files.size() && found < 0; i++) {
                if (lookup(i).getGlyphId(codePoint) > 0) {
                    found = i;
                }
            }
            choice.put(codePoint, found);
            return found < 0 ? Optional.empty() : Optional.of(found);
        }

        PDType0Font font(int index) throws IOException {
            if (loaded[index] == null) {
                lookup(index);
                loaded[index] = PDType0Font.load(document, parsed[index], true);
            }
            return loaded[index];
        }

        private CmapLookup lookup(int index) throws IOException {
            if (lookups[index] == null) {
                parsed[index] = files.get(index).parse();
                // glyph substitution (ligatures, shaping) is not needed for the scripts we lay out, and PDFBox's
                // implementation compiles regular expressions for every line drawn: it cost 90 % of the time of a text mail
                parsed[index].setEnableGsub(false);
                toClose.add(parsed[index]);
                lookups[index] = parsed[index].getUnicodeCmapLookup(false);
            }
            return lookups[index];
        }

        /** Closes the parsed fonts; call after the document was saved (subsetting reads them). */
        void close() {
            for (TrueTypeFont font : toClose) {
                try {
                    font.close();
                } catch (IOException e) {
                    // an in-memory buffer: nothing to release
                }
            }
        }
    }
}
