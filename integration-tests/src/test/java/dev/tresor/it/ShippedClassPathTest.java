package dev.tresor.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/**
 * What javax.mail loads from the class paths we ship: the server's {@code lib/}, and the drop-in bundle jar beside a
 * stock James 3.8.1's {@code lib/}. javax.activation reads every {@code META-INF/mailcap} on the class path and
 * instantiates the handlers it names whenever a message of that type is written; a handler that cannot link (a
 * jakarta-built one under James's javax.mail) fails every write of such a message, e.g. every signed mail.
 */
class ShippedClassPathTest {
    private static final String HANDLER = "x-java-content-handler=";
    private static final List<String> JAKARTA_PACKAGES = List.of("jakarta/activation/", "jakarta/mail/");
    /**
     * James 3.8.1 ships logback 1.4, whose optional SMTP appender is built on jakarta.mail. It is loaded only when a
     * logback configuration names it, which neither ours nor James's does; it is James's jar, not ours to change.
     */
    private static final String LOGBACK_SMTP_APPENDER = "logback-core-1.4.5.jar!ch/qos/logback/core/net/";

    @Test
    void everyMailcapHandlerOnTheServerClassPathShouldLoad() throws Exception {
        // given the server's class path
        List<Path> classPath = ShippedDistribution.jarsIn(ShippedDistribution.directory().resolve("lib"));

        // when every handler that a mailcap on it names is loaded, as javax.activation loads it
        Map<String, String> failures = unloadableMailcapHandlers(classPath);

        // then each one loads
        assertThat(failures).isEmpty();
    }

    @Test
    void everyMailcapHandlerOfTheBundleInAStockJamesShouldLoad() throws Exception {
        // given the bundle jar with a stock James's class path
        List<Path> classPath = stockJamesWithTheBundle();

        // when / then
        assertThat(unloadableMailcapHandlers(classPath)).isEmpty();
    }

    @Test
    void noJarOnTheServerClassPathShouldDependOnJakartaMail() throws Exception {
        List<Path> classPath = ShippedDistribution.jarsIn(ShippedDistribution.directory().resolve("lib"));

        assertThat(classesReferringToJakarta(classPath)).isEmpty();
    }

    @Test
    void noJarOfTheBundleInAStockJamesShouldDependOnJakartaMail() throws Exception {
        assertThat(classesReferringToJakarta(stockJamesWithTheBundle())).isEmpty();
    }

    private static List<Path> stockJamesWithTheBundle() throws IOException {
        Path stockJames = Path.of(System.getProperty("tresor.stock-james.directory", "target/stock-james"));
        List<Path> classPath = new ArrayList<>(ShippedDistribution.jarsIn(stockJames.resolve("lib")));
        assertThat(classPath).as("stock James class path (resolved in generate-test-resources)").isNotEmpty();
        classPath.add(ShippedDistribution.bundleJar());
        return classPath;
    }

    /** Handler class → why it does not load, for every mailcap entry of every jar; fails if there is no mailcap. */
    private static Map<String, String> unloadableMailcapHandlers(List<Path> classPath) throws Exception {
        Map<String, String> failures = new TreeMap<>();
        int handlers = 0;
        try (URLClassLoader loader = new URLClassLoader(urls(classPath), ClassLoader.getPlatformClassLoader())) {
            Class<?> contentHandler = Class.forName("javax.activation.DataContentHandler", false, loader);
            for (Path jar : classPath) {
                for (String handler : mailcapHandlers(jar)) {
                    handlers++;
                    String where = handler + " (mailcap of " + jar.getFileName() + ")";
                    try {
                        Class<?> type = Class.forName(handler, true, loader);
                        if (!contentHandler.isAssignableFrom(type)) {
                            failures.put(where, "not a javax.activation.DataContentHandler");
                        }
                    } catch (ClassNotFoundException | LinkageError e) {
                        failures.put(where, e.toString());
                    }
                }
            }
        }
        assertThat(handlers).as("mailcap handlers found (javax.mail's own at least)").isPositive();
        return failures;
    }

    /** The handler classes a jar's {@code META-INF/mailcap} names (RFC 1524 lines, {@code \} continues a line). */
    private static List<String> mailcapHandlers(Path jar) throws IOException {
        List<String> handlers = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry mailcap = zip.getEntry("META-INF/mailcap");
            if (mailcap == null) {
                return handlers;
            }
            String text;
            try (InputStream in = zip.getInputStream(mailcap)) {
                text = new String(in.readAllBytes(), UTF_8).replace("\\\r\n", "").replace("\\\n", "");
            }
            for (String line : text.split("\r?\n")) {
                if (line.trim().startsWith("#")) {
                    continue;
                }
                for (String field : line.split(";")) {
                    String trimmed = field.trim();
                    if (trimmed.startsWith(HANDLER)) {
                        handlers.add(trimmed.substring(HANDLER.length()).trim());
                    }
                }
            }
        }
        return handlers;
    }

    /** "jar!class" for every class that names a jakarta.activation or jakarta.mail type. */
    private static List<String> classesReferringToJakarta(List<Path> classPath) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path jar : classPath) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    String name = jar.getFileName() + "!" + entry.getName();
                    if (entry.getName().endsWith(".class") && !name.startsWith(LOGBACK_SMTP_APPENDER)
                        && refersToJakarta(zip, entry)) {
                        found.add(name);
                    }
                }
            }
        }
        return found;
    }

    /** Type names are in a class file's constant pool as UTF-8 text: a byte search finds every reference. */
    private static boolean refersToJakarta(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            String bytes = new String(in.readAllBytes(), ISO_8859_1);
            return JAKARTA_PACKAGES.stream().anyMatch(bytes::contains);
        }
    }

    private static URL[] urls(List<Path> classPath) throws IOException {
        URL[] urls = new URL[classPath.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = classPath.get(i).toUri().toURL();
        }
        return urls;
    }
}
