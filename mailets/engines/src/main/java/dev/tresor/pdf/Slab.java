package dev.tresor.pdf;

import java.io.IOException;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDPageContentStream;

/**
 * One indivisible horizontal strip of a page (a line of text, an image, a rule, a table row), placed by the
 * {@link Pager} top to bottom. Coordinates: {@code left} is the strip's left edge, {@code top} its top, in PDF points
 * from the page's bottom-left corner.
 */
interface Slab {
    float height();

    void draw(PDPageContentStream page, float left, float top) throws IOException;

    /** Smaller strips to place instead when this one is taller than a page; itself when it cannot be divided. */
    default List<Slab> split() {
        return List.of(this);
    }
}
