package dev.tresor.mailets;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.inject.Inject;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The reference pages of mailets and matchers ({@code src/main/doc/<Class>.md} next to the code) and what the build
 * checks of them, so that a page cannot drift from its class. A page looks like this:
 * <pre>
 * # SignSmime
 *
 * One paragraph: what it does, when it fails closed.
 *
 * ## Parameters
 *
 * | Parameter | Default | Values and meaning |
 * |---|---|---|
 * | `digest` | `SHA-256` | `SHA-256`, `SHA-384` or `SHA-512`. |
 * | `gatewayKey` | none | ... |
 *
 * ## Reads
 * ...
 * ## Writes
 * ...
 * ## Example
 *
 * ```xml
 * &lt;mailet match="dev.tresor.matchers.SenderHasSmimeKey" class="dev.tresor.mailets.SignSmime"&gt;
 *     &lt;digest&gt;SHA-256&lt;/digest&gt;
 * &lt;/mailet&gt;
 * ```
 * </pre>
 * A matcher's page has {@code ## Condition} (what follows {@code =} in {@code match}, or that it takes none) instead
 * of {@code ## Parameters}. A default in backticks is a value the class must accept; any other default (none, a
 * sentence) is prose. Attribute and header names in backticks ({@code `tresor.tenant`}, {@code `X-Tresor-Signature`})
 * must be names that {@code dev.tresor.attributes} defines.
 */
public final class ReferencePages {
    public static final List<String> MAILET_SECTIONS = List.of("## Parameters", "## Reads", "## Writes", "## Example");
    public static final List<String> MATCHER_SECTIONS = List.of("## Condition", "## Reads", "## Writes", "## Example");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|\\s*([^|]*?)\\s*\\|", Pattern.MULTILINE);
    private static final Pattern EXAMPLE = Pattern.compile("^```xml\\s*\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern BACKTICKED = Pattern.compile("^`([^`]*)`$");
    /** An attribute or header name claimed in backticks: {@code `tresor.tenant`}, {@code `X-Tresor-Signature`}. */
    private static final Pattern CONTRACT_NAME = Pattern.compile("`(tresor\\.[a-z][a-z.-]*[a-z]|X-Tresor-[A-Za-z-]*[A-Za-z])");

    private final Path pages;
    private final Path sources;
    private final String kind;

    /**
     * @param pages   {@code src/main/doc}
     * @param sources the package directory of the classes, e.g. {@code src/main/java/dev/tresor/mailets}
     * @param kind    {@code mailet} or {@code matcher}, for the messages
     */
    public ReferencePages(Path pages, Path sources, String kind) {
        this.pages = pages;
        this.sources = sources;
        this.kind = kind;
    }

    /** The public, concrete classes of the package that are {@code type} (Mailet or Matcher), by simple name. */
    public List<Class<?>> classes(String packageName, Class<?> type) {
        try (Stream<Path> files = Files.list(sources)) {
            List<Class<?>> classes = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
                String name = file.getFileName().toString().replace(".java", "");
                Class<?> candidate = Class.forName(packageName + "." + name);
                if (type.isAssignableFrom(candidate) && Modifier.isPublic(candidate.getModifiers())
                    && !Modifier.isAbstract(candidate.getModifiers())) {
                    classes.add(candidate);
                }
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path pageOf(Class<?> type) {
        return pages.resolve(type.getSimpleName() + ".md");
    }

    /** The page's text, or a failure that says exactly what to write. */
    public String read(Class<?> type, List<String> sections, String template) {
        Path page = pageOf(type);
        if (!Files.isRegularFile(page)) {
            throw new AssertionError(type.getSimpleName() + " is a public " + kind + " without a reference page. Write "
                + page + " (and link it from README.md's mailet and matcher reference), shaped like this:\n\n" + template);
        }
        try {
            String text = Files.readString(page, UTF_8);
            List<String> missing = new ArrayList<>();
            if (!text.startsWith("# " + type.getSimpleName() + "\n")) {
                missing.add("the title '# " + type.getSimpleName() + "' on the first line");
            }
            for (String section : sections) {
                if (!Pattern.compile("^" + Pattern.quote(section) + "\\s*$", Pattern.MULTILINE).matcher(text).find()) {
                    missing.add("a section '" + section + "'");
                }
            }
            if (!missing.isEmpty()) {
                throw new AssertionError(page + " lacks " + String.join(", ", missing) + ". A page is shaped like this:\n\n"
                    + template);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The attribute and header names the page claims (in backticks) that the contract package
     * ({@code dev.tresor.attributes}, whose sources are in {@code attributeSources}) does not define as a constant:
     * a renamed or invented attribute.
     */
    public static List<String> undefinedContractNames(String page, Path attributeSources) {
        List<String> defined = new ArrayList<>();
        try (Stream<Path> files = Files.list(attributeSources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
                Class<?> type = Class.forName("dev.tresor.attributes." + file.getFileName().toString().replace(".java", ""));
                for (java.lang.reflect.Field field : type.getFields()) {
                    if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                        defined.add((String) field.get(null));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        List<String> undefined = new ArrayList<>();
        Matcher name = CONTRACT_NAME.matcher(page);
        while (name.find()) {
            if (!defined.contains(name.group(1)) && !undefined.contains(name.group(1))) {
                undefined.add(name.group(1));
            }
        }
        return undefined;
    }

    /** The parameters of the page's table, by name, with the documented default (backticks kept). */
    public static Map<String, String> parameters(String page) {
        String section = section(page, "## Parameters");
        Map<String, String> parameters = new LinkedHashMap<>();
        Matcher row = ROW.matcher(section);
        while (row.find()) {
            parameters.put(row.group(1), row.group(2));
        }
        return parameters;
    }

    /** A documented default that is a value ({@code `SHA-256`}), not prose ({@code none}, a sentence). */
    public static Optional<String> valueDefault(String documented) {
        Matcher value = BACKTICKED.matcher(documented.trim());
        return value.matches() ? Optional.of(value.group(1)) : Optional.empty();
    }

    /** The text from a {@code ## } heading to the next one. */
    public static String section(String page, String heading) {
        int start = page.indexOf("\n" + heading + "\n");
        if (start < 0) {
            return "";
        }
        int end = page.indexOf("\n## ", start + heading.length() + 1);
        return page.substring(start, end < 0 ? page.length() : end);
    }

    /** Every {@code <mailet>} element of the page's {@code ```xml} examples, which must parse. */
    public List<Element> exampleMailets(Class<?> type, String page) {
        Matcher block = EXAMPLE.matcher(section(page, "## Example"));
        List<Element> mailets = new ArrayList<>();
        while (block.find()) {
            String xml = "<example>" + block.group(1) + "</example>";
            try {
                Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(UTF_8)));
                collect(document.getDocumentElement(), mailets);
            } catch (Exception e) {
                throw new AssertionError(pageOf(type) + ": the ```xml example under '## Example' does not parse as"
                    + " mailetcontainer.xml content: " + e.getMessage());
            }
        }
        if (mailets.isEmpty()) {
            throw new AssertionError(pageOf(type) + " needs a ```xml block under '## Example' with a <mailet> element");
        }
        return mailets;
    }

    private static void collect(Element element, List<Element> mailets) {
        if (element.getTagName().equals("mailet")) {
            mailets.add(element);
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element) {
                collect((Element) child, mailets);
            }
        }
    }

    /** The child elements of a {@code <mailet>} as its init parameters, in order. */
    public static Map<String, String> initParameters(Element mailet) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Node child = mailet.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element) {
                parameters.put(((Element) child).getTagName(), child.getTextContent().trim());
            }
        }
        return parameters;
    }

    /**
     * A new instance through the constructor James's Guice uses ({@code @Inject}, else the public no-argument one),
     * its arguments taken by type from {@code dependencies}.
     */
    public static <T> T instantiate(Class<T> type, Function<Class<?>, Object> dependencies) {
        Constructor<?> constructor = Stream.of(type.getConstructors())
            .filter(c -> c.isAnnotationPresent(Inject.class))
            .findFirst()
            .or(() -> Stream.of(type.getConstructors()).filter(c -> c.getParameterCount() == 0).findFirst())
            .orElseThrow(() -> new AssertionError(type.getName() + " has neither an @Inject nor a public no-argument constructor"));
        Object[] arguments = Stream.of(constructor.getParameterTypes()).map(dependencies).toArray();
        try {
            return type.cast(constructor.newInstance(arguments));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create " + type.getName(), e);
        }
    }
}
