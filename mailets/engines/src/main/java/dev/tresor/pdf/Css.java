package dev.tresor.pdf;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The little CSS PdfWrap honours: inline {@code style} declarations, colours and sizes. */
final class Css {
    private static final Pattern RGB = Pattern.compile("rgba?\\(\\s*(\\d{1,3})\\s*,\\s*(\\d{1,3})\\s*,\\s*(\\d{1,3}).*\\)");
    private static final Pattern LENGTH = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(px|pt|em|rem|%)?");
    private static final Map<String, Color> NAMED = Map.ofEntries(
        Map.entry("black", Color.BLACK), Map.entry("white", Color.WHITE), Map.entry("red", new Color(0xFF0000)),
        Map.entry("green", new Color(0x008000)), Map.entry("blue", new Color(0x0000FF)), Map.entry("navy", new Color(0x000080)),
        Map.entry("gray", new Color(0x808080)), Map.entry("grey", new Color(0x808080)), Map.entry("silver", new Color(0xC0C0C0)),
        Map.entry("maroon", new Color(0x800000)), Map.entry("purple", new Color(0x800080)), Map.entry("teal", new Color(0x008080)),
        Map.entry("orange", new Color(0xFFA500)), Map.entry("yellow", new Color(0xFFFF00)), Map.entry("olive", new Color(0x808000)),
        Map.entry("darkgray", new Color(0xA9A9A9)), Map.entry("lightgray", new Color(0xD3D3D3)), Map.entry("darkblue", new Color(0x00008B)));

    private Css() {
    }

    static Map<String, String> declarations(String style) {
        Map<String, String> declarations = new LinkedHashMap<>();
        if (style == null) {
            return declarations;
        }
        for (String declaration : style.split(";")) {
            int colon = declaration.indexOf(':');
            if (colon > 0) {
                String value = declaration.substring(colon + 1).replace("!important", "").trim().toLowerCase(Locale.ROOT);
                declarations.put(declaration.substring(0, colon).trim().toLowerCase(Locale.ROOT), value);
            }
        }
        return declarations;
    }

    static Optional<Color> color(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("#") && v.length() == 7) {
                return Optional.of(new Color(Integer.parseInt(v.substring(1), 16)));
            }
            if (v.startsWith("#") && v.length() == 4) {
                int r = Integer.parseInt(v.substring(1, 2), 16);
                int g = Integer.parseInt(v.substring(2, 3), 16);
                int b = Integer.parseInt(v.substring(3, 4), 16);
                return Optional.of(new Color(r * 17, g * 17, b * 17));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Matcher rgb = RGB.matcher(v);
        if (rgb.matches()) {
            return Optional.of(new Color(Math.min(255, Integer.parseInt(rgb.group(1))), Math.min(255, Integer.parseInt(rgb.group(2))),
                Math.min(255, Integer.parseInt(rgb.group(3)))));
        }
        return Optional.ofNullable(NAMED.get(v));
    }

    /** A length in points; {@code em} and {@code %} relative to {@code base}. */
    static Optional<Float> length(String value, float base) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher matcher = LENGTH.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.lookingAt()) {
            return Optional.empty();
        }
        float number = Float.parseFloat(matcher.group(1));
        String unit = matcher.group(2) == null ? "px" : matcher.group(2);
        switch (unit) {
            case "pt":
                return Optional.of(number);
            case "em":
            case "rem":
                return Optional.of(number * base);
            case "%":
                return Optional.of(number * base / 100f);
            default:
                return Optional.of(number * 0.75f);
        }
    }
}
