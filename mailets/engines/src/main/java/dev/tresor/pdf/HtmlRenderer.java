package dev.tresor.pdf;

import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.mail.MessagingException;
import javax.mail.Part;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Lays out an HTML body as a document, never as markup: block elements become paragraphs, headings, lists, quotes and
 * tables (nested too, with cell colours and borders), inline elements styles, {@code cid:} and {@code data:} images
 * pictures. Inline {@code style} attributes are honoured for colour, weight, slant, size, alignment and
 * {@code display:none}; style sheets, scripts and forms are not. Remote images are never fetched (that would tell the
 * sender the mail was opened): their alternative text is shown instead. A picture that cannot be decoded is named in
 * the text; the PDF still carries the part as an attachment if it was one.
 */
final class HtmlRenderer {
    private static final Set<String> SKIPPED = Set.of("head", "script", "style", "title", "meta", "link", "noscript", "template",
        "iframe", "object", "embed", "svg", "button", "select", "textarea", "input", "map", "area", "base");
    private static final Set<String> BLOCKS = Set.of("p", "div", "section", "article", "header", "footer", "main", "nav", "aside",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "center", "address", "figure", "figcaption", "dl", "dt", "dd", "form",
        "fieldset", "legend", "details", "summary", "caption", "tbody", "thead", "tfoot", "tr", "td", "th", "li", "body", "html");
    private static final Color LINK = new Color(0x1a, 0x0d, 0xab);
    private static final int MAX_DEPTH = 64;
    private static final int MAX_COLUMNS = 40;
    private static final long MAX_PIXELS = 16_000_000L;
    private static final int MAX_IMAGE_BYTES = 20 * 1024 * 1024;

    private final PDDocument document;
    private final Typesetter typesetter;
    private final Map<String, Part> related;
    private final Set<String> usedIds;
    private final Map<String, PDImageXObject> images = new HashMap<>();

    HtmlRenderer(PDDocument document, Typesetter typesetter, Map<String, Part> related, Set<String> usedIds) {
        this.document = document;
        this.typesetter = typesetter;
        this.related = related;
        this.usedIds = usedIds;
    }

    void render(String html, Flow flow) throws IOException {
        Document parsed = Jsoup.parse(html);
        Block block = new Block(flow, 0, Slabs.Align.LEFT, false);
        children(parsed.body(), block, Style.BODY, 0);
        block.flush();
    }

    /** The paragraph being collected, and where its lines go. */
    private final class Block {
        final Flow flow;
        final float indent;
        final Slabs.Align align;
        final boolean pre;
        final List<Typesetter.Span> spans = new ArrayList<>();

        Block(Flow flow, float indent, Slabs.Align align, boolean pre) {
            this.flow = flow;
            this.indent = indent;
            this.align = align;
            this.pre = pre;
        }

        void text(String text, Style style) {
            spans.add(new Typesetter.Span(text, style));
        }

        void flush() throws IOException {
            if (!spans.isEmpty()) {
                typesetter.paragraph(new ArrayList<>(spans), flow, indent, align);
                spans.clear();
            }
        }

        float width() {
            return Math.max(20, flow.width() - indent);
        }
    }

    private void children(Element element, Block block, Style style, int depth) throws IOException {
        for (Node child : element.childNodes()) {
            node(child, block, style, depth + 1);
        }
    }

    private void node(Node node, Block block, Style style, int depth) throws IOException {
        if (node instanceof TextNode) {
            String text = ((TextNode) node).getWholeText();
            if (block.pre) {
                String[] lines = text.split("\r?\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (i > 0) {
                        block.text("\n", style);
                    }
                    block.text(lines[i].replace("\t", "    ").replace(' ', '\u00a0'), style);
                }
            } else {
                block.text(text, style);
            }
            return;
        }
        if (!(node instanceof Element)) {
            return;
        }
        Element element = (Element) node;
        String tag = element.normalName();
        Map<String, String> css = Css.declarations(element.attr("style"));
        if (SKIPPED.contains(tag) || "none".equals(css.get("display")) || element.hasAttr("hidden")) {
            return;
        }
        if (depth > MAX_DEPTH) {
            block.text(" " + element.text() + " ", style);
            return;
        }
        Style own = style(element, tag, css, style);
        switch (tag) {
            case "br":
                block.text("\n", own);
                return;
            case "img":
                block.flush();
                image(element, block, css);
                return;
            case "hr":
                block.flush();
                block.flow.add(new Slabs.Shifted(new Slabs.Rule(block.width()), block.indent));
                return;
            case "table":
                block.flush();
                table(element, block, own, depth);
                return;
            case "ul":
            case "ol":
                block.flush();
                list(element, block, own, depth, tag.equals("ol"));
                return;
            case "pre":
                block.flush();
                Block pre = new Block(block.flow, block.indent, Slabs.Align.LEFT, true);
                children(element, pre, own, depth);
                pre.flush();
                block.flow.add(new Slabs.Gap(own.size * 0.5f));
                return;
            case "a":
                children(element, block, own, depth);
                String href = element.attr("href").trim();
                if ((href.startsWith("http:") || href.startsWith("https:") || href.startsWith("mailto:"))
                    && !element.text().trim().equalsIgnoreCase(href) && !element.text().trim().equalsIgnoreCase(href.replaceFirst("^mailto:", ""))) {
                    block.text(" <" + href + ">", style.withSize(style.size * 0.85f).withColor(Color.DARK_GRAY));
                }
                return;
            default:
                break;
        }
        if (BLOCKS.contains(tag)) {
            block.flush();
            float indent = block.indent + (tag.equals("blockquote") || tag.equals("dd") ? 18 : 0);
            Block inner = new Block(block.flow, indent, align(element, css, block.align), block.pre);
            children(element, inner, own, depth);
            inner.flush();
            if (tag.equals("p") || tag.matches("h[1-6]") || tag.equals("blockquote")) {
                block.flow.add(new Slabs.Gap(own.size * 0.6f));
            }
            return;
        }
        children(element, block, own, depth);
    }

    private static Style style(Element element, String tag, Map<String, String> css, Style inherited) {
        Style style = inherited;
        switch (tag) {
            case "b":
            case "strong":
            case "th":
                style = style.withBold(true);
                break;
            case "i":
            case "em":
            case "cite":
            case "var":
                style = style.withItalic(true);
                break;
            case "u":
            case "ins":
                style = style.withUnderline(true);
                break;
            case "a":
                style = element.hasAttr("href") ? style.withColor(LINK).withUnderline(true) : style;
                break;
            case "small":
                style = style.withSize(style.size * 0.85f);
                break;
            case "big":
                style = style.withSize(style.size * 1.2f);
                break;
            case "h1":
                style = style.withSize(20).withBold(true);
                break;
            case "h2":
                style = style.withSize(17).withBold(true);
                break;
            case "h3":
                style = style.withSize(14.5f).withBold(true);
                break;
            case "h4":
            case "h5":
            case "h6":
                style = style.withSize(12).withBold(true);
                break;
            case "font":
                Optional<Color> fontColor = Css.color(element.attr("color"));
                if (fontColor.isPresent()) {
                    style = style.withColor(fontColor.get());
                }
                break;
            default:
                break;
        }
        Optional<Color> color = Css.color(css.get("color"));
        if (color.isPresent()) {
            style = style.withColor(color.get());
        }
        String weight = css.get("font-weight");
        if (weight != null) {
            style = style.withBold(weight.startsWith("bold") || weight.matches("[6-9]00"));
        }
        String slant = css.get("font-style");
        if (slant != null) {
            style = style.withItalic(slant.startsWith("italic") || slant.startsWith("oblique"));
        }
        String decoration = css.get("text-decoration");
        if (decoration != null) {
            style = style.withUnderline(decoration.contains("underline"));
        }
        Optional<Float> size = Css.length(css.get("font-size"), inherited.size);
        if (size.isPresent()) {
            style = style.withSize(size.get());
        }
        return style;
    }

    private static Slabs.Align align(Element element, Map<String, String> css, Slabs.Align inherited) {
        String value = css.getOrDefault("text-align", element.attr("align")).toLowerCase(Locale.ROOT);
        if (element.normalName().equals("center") || value.equals("center")) {
            return Slabs.Align.CENTER;
        }
        if (value.equals("right")) {
            return Slabs.Align.RIGHT;
        }
        if (value.equals("left") || value.equals("justify")) {
            return Slabs.Align.LEFT;
        }
        return inherited;
    }

    private void list(Element list, Block block, Style style, int depth, boolean ordered) throws IOException {
        int number = 1;
        for (Element item : list.children()) {
            if (!item.normalName().equals("li")) {
                node(item, block, style, depth + 1);
                continue;
            }
            Block entry = new Block(block.flow, block.indent + 16, block.align, false);
            entry.text(ordered ? number++ + ". " : "\u2022 ", style);
            children(item, entry, style, depth + 1);
            entry.flush();
        }
        block.flow.add(new Slabs.Gap(style.size * 0.4f));
    }

    private static final class CellFlow implements Flow {
        private final float width;
        private final List<Slab> slabs = new ArrayList<>();

        CellFlow(float width) {
            this.width = width;
        }

        @Override
        public float width() {
            return width;
        }

        @Override
        public void add(Slab slab) {
            slabs.add(slab);
        }
    }

    private void table(Element table, Block block, Style style, int depth) throws IOException {
        List<Element> rows = new ArrayList<>();
        for (Element child : table.children()) {
            String tag = child.normalName();
            if (tag.equals("tr")) {
                rows.add(child);
            } else if (tag.equals("thead") || tag.equals("tbody") || tag.equals("tfoot")) {
                for (Element row : child.children()) {
                    if (row.normalName().equals("tr")) {
                        rows.add(row);
                    }
                }
            } else if (tag.equals("caption")) {
                node(child, block, style.withBold(true), depth + 1);
            }
        }
        int columns = 0;
        for (Element row : rows) {
            int count = 0;
            for (Element cell : cells(row)) {
                count += colspan(cell);
            }
            columns = Math.max(columns, count);
        }
        if (columns == 0) {
            return;
        }
        if (columns > MAX_COLUMNS) {
            // too wide to read as a grid: the cells one after the other
            for (Element row : rows) {
                node(row, block, style, depth + 1);
            }
            return;
        }
        float width = block.width();
        float[] widths = columnWidths(rows.get(0), columns, width);
        Map<String, String> tableCss = Css.declarations(table.attr("style"));
        boolean borders = parsesPositive(table.attr("border")) || tableCss.containsKey("border") && !tableCss.get("border").startsWith("0")
            && !tableCss.get("border").startsWith("none");
        Optional<Color> tableBackground = background(table, tableCss);
        for (Element row : rows) {
            Optional<Color> rowBackground = background(row, Css.declarations(row.attr("style")));
            List<Slabs.Cell> cells = new ArrayList<>();
            float x = 0;
            int column = 0;
            for (Element cell : cells(row)) {
                if (column >= columns) {
                    break;
                }
                int span = Math.min(colspan(cell), columns - column);
                float cellWidth = 0;
                for (int i = column; i < column + span; i++) {
                    cellWidth += widths[i];
                }
                column += span;
                Map<String, String> css = Css.declarations(cell.attr("style"));
                CellFlow content = new CellFlow(Math.max(8, cellWidth - 2 * Slabs.Row.PADDING));
                Block inner = new Block(content, 0, align(cell, css, cell.normalName().equals("th") ? Slabs.Align.CENTER : Slabs.Align.LEFT), false);
                children(cell, inner, style(cell, cell.normalName(), css, style), depth + 1);
                inner.flush();
                Color fill = background(cell, css).or(() -> rowBackground).or(() -> tableBackground).orElse(null);
                cells.add(new Slabs.Cell(x, cellWidth, content.slabs, fill));
                x += cellWidth;
            }
            block.flow.add(new Slabs.Shifted(new Slabs.Row(cells, borders), block.indent));
        }
        block.flow.add(new Slabs.Gap(4));
    }

    private static List<Element> cells(Element row) {
        List<Element> cells = new ArrayList<>();
        for (Element child : row.children()) {
            if (child.normalName().equals("td") || child.normalName().equals("th")) {
                cells.add(child);
            }
        }
        return cells;
    }

    private static int colspan(Element cell) {
        try {
            return Math.max(1, Math.min(MAX_COLUMNS, Integer.parseInt(cell.attr("colspan").trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static boolean parsesPositive(String value) {
        try {
            return Integer.parseInt(value.trim()) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Optional<Color> background(Element element, Map<String, String> css) {
        Optional<Color> color = Css.color(css.get("background-color"));
        if (color.isEmpty() && css.containsKey("background")) {
            color = Css.color(css.get("background").split("\\s+")[0]);
        }
        return color.or(() -> Css.color(element.attr("bgcolor")));
    }

    /** Widths the first row asks for (percent or pixels), the rest shared equally; scaled to fit. */
    private static float[] columnWidths(Element firstRow, int columns, float available) {
        float[] widths = new float[columns];
        int column = 0;
        for (Element cell : cells(firstRow)) {
            if (column >= columns) {
                break;
            }
            int span = colspan(cell);
            String asked = Css.declarations(cell.attr("style")).getOrDefault("width", cell.attr("width"));
            Optional<Float> width = asked.isBlank() ? Optional.empty() : Css.length(asked, available);
            if (width.isPresent() && span == 1) {
                widths[column] = width.get();
            }
            column += span;
        }
        float fixed = 0;
        int open = 0;
        for (float width : widths) {
            fixed += width;
            open += width == 0 ? 1 : 0;
        }
        float rest = open == 0 ? 0 : Math.max(available * 0.1f, available - fixed) / open;
        float total = 0;
        for (int i = 0; i < columns; i++) {
            widths[i] = widths[i] == 0 ? rest : widths[i];
            total += widths[i];
        }
        float scale = available / total;
        for (int i = 0; i < columns; i++) {
            widths[i] *= scale;
        }
        return widths;
    }

    private void image(Element img, Block block, Map<String, String> css) throws IOException {
        String src = img.attr("src").trim();
        String alt = img.attr("alt").trim();
        String label = alt.isEmpty() ? "image" : alt;
        Optional<byte[]> bytes;
        String key;
        if (src.regionMatches(true, 0, "cid:", 0, 4)) {
            key = MailParts.normaliseId(URLDecoder.decode(src.substring(4), StandardCharsets.UTF_8));
            bytes = relatedBytes(key);
            if (bytes.isEmpty()) {
                placeholder(block, "[missing picture: " + label + "]");
                return;
            }
        } else if (src.regionMatches(true, 0, "data:", 0, 5) && src.contains(";base64,")) {
            key = "data:" + src.hashCode() + ":" + src.length();
            bytes = dataUri(src);
            if (bytes.isEmpty()) {
                placeholder(block, "[unreadable picture: " + label + "]");
                return;
            }
        } else {
            if (!alt.isEmpty()) {
                placeholder(block, "[" + alt + "]");
            }
            return;
        }
        PDImageXObject image = images.get(key);
        if (image == null) {
            Optional<String> problem = checkImage(bytes.get());
            if (problem.isPresent()) {
                placeholder(block, "[picture not shown: " + label + ", " + problem.get() + "]");
                return;
            }
            try {
                image = PDImageXObject.createFromByteArray(document, bytes.get(), label);
            } catch (IOException | RuntimeException e) {
                placeholder(block, "[picture not shown: " + label + ", " + e.getMessage() + "]");
                return;
            }
            images.put(key, image);
        }
        float width = Css.length(css.getOrDefault("width", img.attr("width")), block.width()).orElse(image.getWidth() * 0.75f);
        float height = Css.length(css.getOrDefault("height", img.attr("height")), Pager.USABLE_HEIGHT)
            .orElse(width * image.getHeight() / Math.max(1f, image.getWidth()));
        float scale = Math.min(1f, Math.min(block.width() / Math.max(1f, width), Pager.USABLE_HEIGHT * 0.9f / Math.max(1f, height)));
        width = Math.max(1, width * scale);
        height = Math.max(1, height * scale);
        float free = block.width() - width;
        float shift = block.align == Slabs.Align.CENTER ? free / 2 : block.align == Slabs.Align.RIGHT ? free : 0;
        block.flow.add(new Slabs.Shifted(new Slabs.Image(image, width, height, shift), block.indent));
    }

    private void placeholder(Block block, String text) throws IOException {
        block.text(text, Style.BODY.withItalic(true).withColor(Color.GRAY));
        block.flush();
    }

    private Optional<byte[]> relatedBytes(String id) throws IOException {
        Part part = related.get(id);
        if (part == null) {
            return Optional.empty();
        }
        usedIds.add(id);
        try {
            byte[] bytes = MailParts.bytes(part);
            return bytes.length > MAX_IMAGE_BYTES ? Optional.empty() : Optional.of(bytes);
        } catch (MessagingException e) {
            throw new IOException("cannot read the picture " + id + ": " + e.getMessage(), e);
        }
    }

    private static Optional<byte[]> dataUri(String src) {
        String data = src.substring(src.indexOf(";base64,") + 8);
        if (data.length() > MAX_IMAGE_BYTES * 4L / 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getMimeDecoder().decode(data));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Refuses what is not a picture, or one so large that decoding it would exhaust memory. */
    private static Optional<String> checkImage(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return Optional.of("not a picture format that can be shown");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                return pixels > MAX_PIXELS ? Optional.of("larger than " + MAX_PIXELS / 1_000_000 + " megapixels") : Optional.empty();
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("unreadable: " + e.getMessage());
        }
    }
}
