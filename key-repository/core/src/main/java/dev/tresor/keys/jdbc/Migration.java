package dev.tresor.keys.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tresor.keys.Hex;

/**
 * One versioned schema script, named {@code V<version>__<description>.sql}. Its checksum is the SHA-256 of the text
 * with line endings normalised, so a checkout with CRLF line endings is not mistaken for an edited script.
 *
 * <p>Scripts are plain statements separated by {@code ;}: {@code --} comments and quoted literals are understood,
 * dollar-quoted bodies and procedural blocks are not (the schema needs none).
 */
final class Migration {
    private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__([A-Za-z0-9_]+)\\.sql");

    private final int version;
    private final String description;
    private final String script;
    private final String checksum;

    Migration(int version, String description, String script) {
        this.version = version;
        this.description = Objects.requireNonNull(description);
        this.script = script.replace("\r\n", "\n");
        this.checksum = sha256(this.script);
    }

    /** Reads {@code name} from this package's resources. */
    static Migration fromResource(String name) {
        Matcher matcher = NAME.matcher(name);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Schema script '" + name + "' is not named V<version>__<description>.sql");
        }
        try (InputStream in = Migration.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Schema script '" + name + "' is missing from the class path");
            }
            return new Migration(Integer.parseInt(matcher.group(1)), matcher.group(2).replace('_', ' '),
                new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read schema script '" + name + "'", e);
        }
    }

    int version() {
        return version;
    }

    String description() {
        return description;
    }

    String checksum() {
        return checksum;
    }

    List<String> statements() {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == '-' && script.startsWith("--", i)) {
                int end = script.indexOf('\n', i);
                i = end < 0 ? script.length() : end;
            } else if (c == '\'' || c == '"') {
                int end = closingQuote(c, i);
                current.append(script, i, end + 1);
                i = end + 1;
            } else if (c == ';') {
                addIfNotBlank(statements, current);
                current.setLength(0);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        addIfNotBlank(statements, current);
        return statements;
    }

    @Override
    public String toString() {
        return "V" + version + " (" + description + ")";
    }

    private int closingQuote(char quote, int opening) {
        int i = opening + 1;
        while (true) {
            int end = script.indexOf(quote, i);
            if (end < 0) {
                throw new IllegalStateException("Unterminated quote in schema script " + this);
            }
            if (end + 1 < script.length() && script.charAt(end + 1) == quote) {
                i = end + 2;
            } else {
                return end;
            }
        }
    }

    private static void addIfNotBlank(List<String> statements, StringBuilder statement) {
        String trimmed = statement.toString().trim();
        if (!trimmed.isEmpty()) {
            statements.add(trimmed);
        }
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Hex.encode(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
