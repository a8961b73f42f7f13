package dev.tresor.pdf;

import java.awt.Color;
import java.util.Objects;

/** How a run of text looks: size in points, weight, slant, colour, underline. Immutable; {@code with*} make copies. */
final class Style {
    static final Style BODY = new Style(10.5f, false, false, Color.BLACK, false);

    final float size;
    final boolean bold;
    final boolean italic;
    final Color color;
    final boolean underline;

    Style(float size, boolean bold, boolean italic, Color color, boolean underline) {
        this.size = size;
        this.bold = bold;
        this.italic = italic;
        this.color = color;
        this.underline = underline;
    }

    Style withSize(float newSize) {
        return new Style(Math.max(4f, Math.min(48f, newSize)), bold, italic, color, underline);
    }

    Style withBold(boolean value) {
        return new Style(size, value, italic, color, underline);
    }

    Style withItalic(boolean value) {
        return new Style(size, bold, value, color, underline);
    }

    Style withColor(Color value) {
        return new Style(size, bold, italic, value, underline);
    }

    Style withUnderline(boolean value) {
        return new Style(size, bold, italic, color, value);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Style)) {
            return false;
        }
        Style that = (Style) o;
        return size == that.size && bold == that.bold && italic == that.italic && color.equals(that.color) && underline == that.underline;
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, bold, italic, color, underline);
    }
}
