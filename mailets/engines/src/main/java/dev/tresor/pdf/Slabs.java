package dev.tresor.pdf;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.graphics.state.RenderingMode;
import org.apache.pdfbox.util.Matrix;

/** The kinds of strip the layout produces. */
final class Slabs {
    private Slabs() {
    }

    /** A run of text in one font and style at a horizontal offset within its line. */
    static final class Piece {
        final PDFont font;
        final Style style;
        final StringBuilder text;
        final float x;
        float width;

        Piece(PDFont font, Style style, String text, float x, float width) {
            this.font = font;
            this.style = style;
            this.text = new StringBuilder(text);
            this.x = x;
            this.width = width;
        }
    }

    /** A line of text; bold is drawn by stroking the outline too (the bundled fonts have no bold face), italic slanted. */
    static final class TextLine implements Slab {
        private final List<Piece> pieces;
        private final float height;
        private final float ascent;
        private final float shift;

        TextLine(List<Piece> pieces, float lineWidth, float availableWidth, Align align) {
            this.pieces = pieces;
            float largest = 0;
            for (Piece piece : pieces) {
                largest = Math.max(largest, piece.style.size);
            }
            largest = largest == 0 ? Style.BODY.size : largest;
            this.height = largest * 1.35f;
            this.ascent = largest * 1.02f;
            float free = Math.max(0, availableWidth - lineWidth);
            this.shift = align == Align.CENTER ? free / 2 : align == Align.RIGHT ? free : 0;
        }

        @Override
        public float height() {
            return height;
        }

        @Override
        public void draw(PDPageContentStream page, float left, float top) throws IOException {
            float baseline = top - ascent;
            for (Piece piece : pieces) {
                float x = left + shift + piece.x;
                page.beginText();
                page.setFont(piece.font, piece.style.size);
                page.setNonStrokingColor(piece.style.color);
                if (piece.style.bold) {
                    page.setStrokingColor(piece.style.color);
                    page.setLineWidth(piece.style.size * 0.035f);
                    page.setRenderingMode(RenderingMode.FILL_STROKE);
                } else {
                    page.setRenderingMode(RenderingMode.FILL);
                }
                page.setTextMatrix(new Matrix(1, 0, piece.style.italic ? 0.21f : 0, 1, x, baseline));
                page.showText(piece.text.toString());
                page.endText();
                if (piece.style.underline) {
                    page.setStrokingColor(piece.style.color);
                    page.setLineWidth(0.5f);
                    page.moveTo(x, baseline - 1.5f);
                    page.lineTo(x + piece.width, baseline - 1.5f);
                    page.stroke();
                }
            }
        }
    }

    enum Align {
        LEFT, CENTER, RIGHT
    }

    static final class Image implements Slab {
        private final PDImageXObject image;
        private final float width;
        private final float height;
        private final float shift;

        Image(PDImageXObject image, float width, float height, float shift) {
            this.image = image;
            this.width = width;
            this.height = height;
            this.shift = shift;
        }

        @Override
        public float height() {
            return height + 4;
        }

        @Override
        public void draw(PDPageContentStream page, float left, float top) throws IOException {
            page.drawImage(image, left + shift, top - 2 - height, width, height);
        }
    }

    static final class Rule implements Slab {
        private final float width;

        Rule(float width) {
            this.width = width;
        }

        @Override
        public float height() {
            return 10;
        }

        @Override
        public void draw(PDPageContentStream page, float left, float top) throws IOException {
            page.setStrokingColor(new Color(0x99, 0x99, 0x99));
            page.setLineWidth(0.6f);
            page.moveTo(left, top - 5);
            page.lineTo(left + width, top - 5);
            page.stroke();
        }
    }

    static final class Gap implements Slab {
        private final float height;

        Gap(float height) {
            this.height = height;
        }

        @Override
        public float height() {
            return height;
        }

        @Override
        public void draw(PDPageContentStream page, float left, float top) {
            // empty space
        }
    }

    /** A strip drawn further right: the content of an indented block or of a table cell placed on its own. */
    static final class Shifted implements Slab {
        private final Slab slab;
        private final float dx;

        Shifted(Slab slab, float dx) {
            this.slab = slab;
            this.dx = dx;
        }

        @Override
        public float height() {
            return slab.height();
        }

        @Override
        public void draw(PDPageContentStream page, float left, float top) throws IOException {
            slab.draw(page, left + dx, top);
        }

        @Override
        public List<Slab> split() {
            List<Slab> parts = new ArrayList<>();
            for (Slab part : slab.split()) {
                parts.add(part == slab ? this : new Shifted(part, dx));
            }
            return parts;
        }
    }

    /** A table cell: its strips, stacked, at an offset within the row. */
    static final class Cell {
        final float x;
        final float width;
        final List<Slab> content;
        final Color background;

        Cell(float x, float width, List<Slab> content, Color background) {
            this.x = x;
            this.width = width;
            this.content = content;
            this.background = background;
        }

        float contentHeight() {
            float total = 0;
            for (Slab slab : content) {
                total += slab.height();
            }
            return total;
        }
    }

    /** A table row: cells side by side, as tall as the tallest; borders when the table asks for them. */
    static final class Row implements Slab {
        static final float PADDING = 3;
        private final List<Cell> cells;
        private final boolean borders;
        private final float height;

        Row(List<Cell> cells, boolean borders) {
            this.cells = cells;
            this.borders = borders;
            float tallest = 0;
            for (Cell cell : cells) {
                tallest = Math.max(tallest, cell.contentHeight());
            }
            this.height = tallest + 2 * PADDING;
        }

        @Override
        public float height() {
            return height;
        }

        @Override
        public void draw(PDPageContentStream page, float left, float top) throws IOException {
            for (Cell cell : cells) {
                if (cell.background != null) {
                    page.setNonStrokingColor(cell.background);
                    page.addRect(left + cell.x, top - height, cell.width, height);
                    page.fill();
                }
                float y = top - PADDING;
                for (Slab slab : cell.content) {
                    slab.draw(page, left + cell.x + PADDING, y);
                    y -= slab.height();
                }
                if (borders) {
                    page.setStrokingColor(new Color(0x80, 0x80, 0x80));
                    page.setLineWidth(0.5f);
                    page.addRect(left + cell.x, top - height, cell.width, height);
                    page.stroke();
                }
            }
        }

        /** Too tall for a page: the cells one below the other, each at its own offset. */
        @Override
        public List<Slab> split() {
            List<Slab> parts = new ArrayList<>();
            for (Cell cell : cells) {
                for (Slab slab : cell.content) {
                    parts.add(new Shifted(slab, cell.x + PADDING));
                }
            }
            return parts;
        }
    }
}
