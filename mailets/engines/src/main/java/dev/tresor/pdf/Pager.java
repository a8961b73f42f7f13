package dev.tresor.pdf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/** Places strips on A4 pages top to bottom, starting a page when the next strip does not fit. */
final class Pager implements Flow {
    static final PDRectangle PAGE = PDRectangle.A4;
    static final float MARGIN = 50;
    static final float USABLE_HEIGHT = PAGE.getHeight() - 2 * MARGIN;
    private static final int MAX_PAGES = 5000;

    private final PDDocument document;
    private PDPageContentStream stream;
    private float y;
    private int pages;

    Pager(PDDocument document) {
        this.document = document;
    }

    @Override
    public float width() {
        return PAGE.getWidth() - 2 * MARGIN;
    }

    @Override
    public void add(Slab slab) {
        try {
            place(slab);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void place(Slab slab) throws IOException {
        float height = slab.height();
        if (height > USABLE_HEIGHT) {
            List<Slab> parts = slab.split();
            if (parts.size() > 1 || parts.get(0) != slab) {
                for (Slab part : parts) {
                    place(part);
                }
                return;
            }
        }
        if (slab instanceof Slabs.Gap && (stream == null || y >= PAGE.getHeight() - MARGIN)) {
            return;
        }
        if (stream == null || y - height < MARGIN) {
            newPage();
        }
        slab.draw(stream, MARGIN, y);
        y -= height;
    }

    private void newPage() throws IOException {
        finish();
        if (++pages > MAX_PAGES) {
            throw new IllegalStateException("the mail would need more than " + MAX_PAGES + " pages");
        }
        PDPage page = new PDPage(PAGE);
        document.addPage(page);
        stream = new PDPageContentStream(document, page);
        y = PAGE.getHeight() - MARGIN;
    }

    /** Closes the last page's content; the pager must not be used after. */
    void finish() throws IOException {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }

    /** At least one page, even for a mail with neither headers nor body. */
    void ensurePage() throws IOException {
        if (pages == 0) {
            newPage();
        }
    }
}
