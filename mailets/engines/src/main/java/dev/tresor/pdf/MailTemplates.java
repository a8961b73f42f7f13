package dev.tresor.pdf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts of the mails PdfWrap writes: what the recipient reads beside the PDF, and the notification that gives the
 * sender a generated password. Built in for {@code en} and {@code de}; an admin overrides them per tenant or for all.
 *
 * <p>A template is UTF-8 text: a first line {@code Subject: ...}, an empty line, then the body. {@code ${name}} is
 * replaced by a value, in one pass (a value that itself contains {@code ${...}} stays as it is). Looked up, first
 * found wins: {@code <directory>/<tenant>/<kind>_<language>.txt}, {@code <directory>/<kind>_<language>.txt}, the
 * built-in one. Files are read for every mail, so edits apply without a restart.
 */
public final class MailTemplates {
    public static final List<String> BUILT_IN_LANGUAGES = List.of("en", "de");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z]+)\\}");

    /** Which mail. */
    public enum Kind {
        RECIPIENT("recipient"), NOTIFICATION("notification");

        private final String fileStem;

        Kind(String fileStem) {
            this.fileStem = fileStem;
        }
    }

    /** A filled-in template. */
    public static final class Text {
        private final String subject;
        private final String body;

        Text(String subject, String body) {
            this.subject = subject;
            this.body = body;
        }

        public String subject() {
            return subject;
        }

        public String body() {
            return body;
        }
    }

    private final Optional<Path> directory;
    private final String language;

    /** @throws IllegalArgumentException when the language has no built-in template and the directory none either */
    public MailTemplates(Optional<Path> directory, String language) {
        this.directory = directory;
        this.language = language;
        if (!language.matches("[a-z]{2,8}")) {
            throw new IllegalArgumentException("a language code such as en or de");
        }
        if (!BUILT_IN_LANGUAGES.contains(language)
            && directory.map(dir -> !Files.isReadable(dir.resolve(Kind.RECIPIENT.fileStem + "_" + language + ".txt"))).orElse(true)) {
            throw new IllegalArgumentException("no templates for '" + language + "': built in are " + BUILT_IN_LANGUAGES
                + ", others need recipient_" + language + ".txt and notification_" + language + ".txt in the template directory");
        }
    }

    /** @throws UncheckedIOException when a template file exists but cannot be read, or is malformed */
    public Text render(Kind kind, String tenant, Map<String, String> values) {
        String template = load(kind, tenant);
        String filled = fill(template, values);
        if (!filled.startsWith("Subject:")) {
            throw new UncheckedIOException(new IOException("template " + kind.fileStem + "_" + language
                + " must start with a 'Subject:' line"));
        }
        int end = filled.indexOf('\n');
        String subject = filled.substring("Subject:".length(), end < 0 ? filled.length() : end).trim();
        String body = end < 0 ? "" : filled.substring(end + 1).replaceFirst("^\r?\n", "");
        return new Text(subject, body);
    }

    private String load(Kind kind, String tenant) {
        String file = kind.fileStem + "_" + language + ".txt";
        try {
            if (directory.isPresent()) {
                for (Path candidate : List.of(directory.get().resolve(tenant).resolve(file), directory.get().resolve(file))) {
                    if (Files.isRegularFile(candidate)) {
                        return Files.readString(candidate, StandardCharsets.UTF_8).replace("\r\n", "\n");
                    }
                }
            }
            String builtIn = BUILT_IN_LANGUAGES.contains(language) ? file : kind.fileStem + "_en.txt";
            try (InputStream in = MailTemplates.class.getResourceAsStream("templates/" + builtIn)) {
                if (in == null) {
                    throw new IOException("built-in template " + builtIn + " missing from the class path");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + file + ": " + e.getMessage(), e);
        }
    }

    private static String fill(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
