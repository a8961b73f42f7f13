package dev.tresor.pdf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.pdfbox.pdmodel.font.PDFont;

/**
 * Breaks styled text into lines that fit a width. Words break at spaces; CJK characters, which are written without
 * spaces, may break anywhere; a word wider than the line is cut where it must. Each character is drawn with the first
 * font that has it; a character no font has becomes '?' and is counted, so the caller can say so.
 */
final class Typesetter {
    /** Text in one style; a {@code "\n"} span is a hard line break. */
    static final class Span {
        final String text;
        final Style style;

        Span(String text, Style style) {
            this.text = text;
            this.style = style;
        }
    }

    private static final class Word {
        final StringBuilder text = new StringBuilder();
        final Style style;
        final boolean spaceBefore;
        final boolean lineBreak;

        Word(Style style, boolean spaceBefore, boolean lineBreak) {
            this.style = style;
            this.spaceBefore = spaceBefore;
            this.lineBreak = lineBreak;
        }
    }

    private static final class Run {
        final int font;
        final String text;

        Run(int font, String text) {
            this.font = font;
            this.text = text;
        }
    }

    private final PdfFonts.Chain fonts;
    private final Map<Long, Float> advances = new HashMap<>();
    private int missingGlyphs;

    Typesetter(PdfFonts.Chain fonts) {
        this.fonts = fonts;
    }

    int missingGlyphs() {
        return missingGlyphs;
    }

    void paragraph(List<Span> spans, Flow flow, float indent, Slabs.Align align) throws IOException {
        new Lines(flow, indent, align).place(words(spans));
    }

    private static List<Word> words(List<Span> spans) {
        List<Word> words = new ArrayList<>();
        boolean space = false;
        Word current = null;
        for (Span span : spans) {
            if (span.text.equals("\n")) {
                words.add(new Word(span.style, false, true));
                current = null;
                space = false;
                continue;
            }
            String text = span.text;
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                if (Character.isWhitespace(cp)) {
                    current = null;
                    space = true;
                } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xFEFF || cp == 0x200B) {
                    continue;
                } else if (breaksAnywhere(cp)) {
                    Word single = new Word(span.style, space, false);
                    single.text.appendCodePoint(cp);
                    words.add(single);
                    current = null;
                    space = false;
                } else {
                    if (current == null || current.style != span.style) {
                        current = new Word(span.style, space, false);
                        words.add(current);
                        space = false;
                    }
                    current.text.appendCodePoint(cp);
                }
            }
            current = null;
        }
        return words;
    }

    private static boolean breaksAnywhere(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
            || script == Character.UnicodeScript.KATAKANA || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
    }

    private List<Run> runs(String text) throws IOException {
        List<Run> runs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int currentFont = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            Optional<Integer> font = fonts.fontFor(cp);
            if (font.isEmpty()) {
                missingGlyphs++;
                cp = '?';
                font = Optional.of(0);
            }
            if (font.get() != currentFont && current.length() > 0) {
                runs.add(new Run(currentFont, current.toString()));
                current.setLength(0);
            }
            currentFont = font.get();
            current.appendCodePoint(cp);
        }
        if (current.length() > 0) {
            runs.add(new Run(currentFont, current.toString()));
        }
        return runs;
    }

    private float width(Run run, float size) throws IOException {
        float total = 0;
        for (int i = 0; i < run.text.length(); ) {
            int cp = run.text.codePointAt(i);
            i += Character.charCount(cp);
            long key = ((long) run.font << 32) | cp;
            Float advance = advances.get(key);
            if (advance == null) {
                advance = fonts.font(run.font).getStringWidth(new String(Character.toChars(cp)));
                advances.put(key, advance);
            }
            total += advance;
        }
        return total * size / 1000f;
    }

    private float width(List<Run> runs, float size) throws IOException {
        float total = 0;
        for (Run run : runs) {
            total += width(run, size);
        }
        return total;
    }

    /** Fills lines of one paragraph and hands each to the flow. */
    private final class Lines {
        private final Flow flow;
        private final float indent;
        private final Slabs.Align align;
        private final float lineWidth;
        private List<Slabs.Piece> pieces = new ArrayList<>();
        private float x;
        private Style lastStyle = Style.BODY;

        Lines(Flow flow, float indent, Slabs.Align align) {
            this.flow = flow;
            this.indent = indent;
            this.align = align;
            this.lineWidth = Math.max(20, flow.width() - indent);
        }

        void place(List<Word> words) throws IOException {
            for (Word word : words) {
                lastStyle = word.style;
                if (word.lineBreak) {
                    endLine(true);
                    continue;
                }
                List<Run> runs = runs(word.text.toString());
                float width = width(runs, word.style.size);
                float space = word.spaceBefore && !pieces.isEmpty() ? spaceWidth(word.style) : 0;
                if (!pieces.isEmpty() && x + space + width > lineWidth) {
                    endLine(false);
                    space = 0;
                }
                if (width > lineWidth) {
                    placeCut(word.text.toString(), word.style);
                } else {
                    append(runs, word.style, space);
                }
            }
            if (!pieces.isEmpty()) {
                endLine(false);
            }
        }

        /** A word wider than the line: as many characters per line as fit, at least one. */
        private void placeCut(String text, Style style) throws IOException {
            int start = 0;
            while (start < text.length()) {
                int end = start + Character.charCount(text.codePointAt(start));
                while (end < text.length()) {
                    int next = end + Character.charCount(text.codePointAt(end));
                    if (x + width(runs(text.substring(start, next)), style.size) > lineWidth) {
                        break;
                    }
                    end = next;
                }
                append(runs(text.substring(start, end)), style, 0);
                start = end;
                if (start < text.length()) {
                    endLine(false);
                }
            }
        }

        private void append(List<Run> runs, Style style, float space) throws IOException {
            boolean first = true;
            for (Run run : runs) {
                PDFont font = fonts.font(run.font);
                float width = width(run, style.size);
                Slabs.Piece last = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
                if (last != null && last.font == font && last.style.equals(style) && (!first || space == 0 || hasSpace(run.font))) {
                    if (first && space > 0) {
                        float fontSpace = width(new Run(run.font, " "), style.size);
                        last.text.append(' ');
                        last.width += fontSpace;
                        x += fontSpace;
                    }
                    last.text.append(run.text);
                    last.width += width;
                    x += width;
                } else {
                    float at = x + (first ? space : 0);
                    pieces.add(new Slabs.Piece(font, style, run.text, at, width));
                    x = at + width;
                }
                first = false;
            }
        }

        private boolean hasSpace(int font) throws IOException {
            return fonts.fontFor(' ').map(index -> index == font).orElse(false);
        }

        private float spaceWidth(Style style) throws IOException {
            return width(new Run(0, " "), style.size);
        }

        private void endLine(boolean forced) {
            if (pieces.isEmpty()) {
                if (forced) {
                    flow.add(new Slabs.Gap(lastStyle.size * 1.35f));
                }
                return;
            }
            Slab line = new Slabs.TextLine(pieces, x, lineWidth, align);
            flow.add(indent > 0 ? new Slabs.Shifted(line, indent) : line);
            pieces = new ArrayList<>();
            x = 0;
        }
    }
}
