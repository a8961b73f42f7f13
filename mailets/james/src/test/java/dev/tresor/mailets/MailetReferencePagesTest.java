package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mailet;
import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.quarantine.MemoryQuarantines;
import dev.tresor.quarantine.TenantQuarantine;

/**
 * Every public mailet has a reference page in {@code src/main/doc/} that matches its code: each init parameter the
 * mailet reads is documented, each documented one is accepted, a default written as a value is accepted, and the
 * example parses and configures this very class with parameters it accepts. See {@link ReferencePages} for the shape.
 */
class MailetReferencePagesTest {
    /** James's own parameters, which every mailet takes. */
    private static final Set<String> JAMES_PARAMETERS = Set.of("onMailetException", "onMatchException");
    private static final ReferencePages PAGES = new ReferencePages(Path.of("src/main/doc"),
        Path.of("src/main/java/dev/tresor/mailets"), "mailet");

    @TempDir
    Path directory;

    private TestVaults vaults;

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
    }

    @TestFactory
    List<DynamicTest> everyMailetShouldHaveAPageThatMatchesItsCode() {
        List<Class<?>> mailets = PAGES.classes("dev.tresor.mailets", Mailet.class);
        assertThat(mailets).as("the mailets found in src/main/java/dev/tresor/mailets").hasSizeGreaterThanOrEqualTo(15);
        return mailets.stream()
            .map(type -> DynamicTest.dynamicTest(type.getSimpleName(), () -> check(type)))
            .collect(Collectors.toList());
    }

    private void check(Class<?> type) throws Exception {
        Set<String> read = readAtInit(type);
        String page = PAGES.read(type, ReferencePages.MAILET_SECTIONS, template(type, read));
        Map<String, String> documented = ReferencePages.parameters(page);

        Set<String> undocumented = new LinkedHashSet<>(read);
        undocumented.removeAll(documented.keySet());
        if (!undocumented.isEmpty()) {
            throw new AssertionError(type.getSimpleName() + " reads init parameter(s) " + undocumented + " that "
                + PAGES.pageOf(type) + " does not document. Add a row per parameter to its '## Parameters' table:\n"
                + undocumented.stream().map(name -> "| `" + name + "` | `<default value>` or none | <values and meaning> |")
                    .collect(Collectors.joining("\n")));
        }
        for (Map.Entry<String, String> parameter : documented.entrySet()) {
            checkDocumented(type, parameter.getKey(), parameter.getValue());
        }
        checkExample(type, page);
        checkContractNames(type, page, Path.of("src/main/java/dev/tresor/attributes"));
    }

    /** Attribute and header names in backticks must be the ones dev.tresor.attributes defines. */
    static void checkContractNames(Class<?> type, String page, Path attributeSources) {
        List<String> undefined = ReferencePages.undefinedContractNames(page, attributeSources);
        if (!undefined.isEmpty()) {
            throw new AssertionError(type.getSimpleName() + "'s page names " + undefined + ", which the package"
                + " dev.tresor.attributes does not define: write the names as defined there, or define them there first.");
        }
    }

    private void checkDocumented(Class<?> type, String name, String documentedDefault) {
        String value = ReferencePages.valueDefault(documentedDefault).orElse("x");
        try {
            init(type, Map.of(name, value));
        } catch (MessagingException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Unexpected init parameters")) {
                throw new AssertionError(PAGES.pageOf(type) + " documents `" + name + "`, which " + type.getSimpleName()
                    + " does not accept (its init() refuses it: " + message + "). Remove the row, or accept the parameter"
                    + " in checkInitParameters.");
            }
            if (ReferencePages.valueDefault(documentedDefault).isPresent()) {
                throw new AssertionError(PAGES.pageOf(type) + " gives `" + name + "` the default " + documentedDefault
                    + ", which " + type.getSimpleName() + " refuses: " + message + ". Write the real default, or "
                    + "prose (none, ...) when the default is no value.");
            }
        }
    }

    private void checkExample(Class<?> type, String page) throws Exception {
        List<Element> ours = new ArrayList<>();
        for (Element mailet : PAGES.exampleMailets(type, page)) {
            if (mailet.getAttribute("class").equals(type.getName())) {
                ours.add(mailet);
            }
        }
        if (ours.isEmpty()) {
            throw new AssertionError(PAGES.pageOf(type) + ": the example under '## Example' must configure"
                + " <mailet match=\"...\" class=\"" + type.getName() + "\">");
        }
        for (Element mailet : ours) {
            try {
                init(type, ReferencePages.initParameters(mailet));
            } catch (MessagingException | RuntimeException e) {
                throw new AssertionError(PAGES.pageOf(type) + ": " + type.getSimpleName() + " refuses the example's"
                    + " parameters " + ReferencePages.initParameters(mailet) + ": " + e.getMessage(), e);
            }
        }
    }

    /** The init parameters the mailet asks its configuration for when it is given none. */
    private Set<String> readAtInit(Class<?> type) throws MessagingException {
        RecordingConfig config = init(type, Map.of());
        Set<String> read = new LinkedHashSet<>(config.asked);
        read.removeAll(JAMES_PARAMETERS);
        return read;
    }

    private RecordingConfig init(Class<?> type, Map<String, String> parameters) throws MessagingException {
        Mailet mailet = (Mailet) ReferencePages.instantiate(type, this::dependency);
        RecordingConfig config = new RecordingConfig(type.getSimpleName(), parameters);
        try {
            mailet.init(config);
        } finally {
            mailet.destroy();
        }
        return config;
    }

    private Object dependency(Class<?> type) {
        if (type == KeyRepository.class) {
            return vaults.repository();
        }
        if (type == TenantResolver.class) {
            return vaults.tenantResolver();
        }
        if (type == DNSService.class) {
            return new TestDns(Map.of(), Map.of());
        }
        if (type == MailQueueFactory.class) {
            return new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
        }
        if (type == TenantQuarantine.class) {
            return MemoryQuarantines.create();
        }
        throw new AssertionError("A mailet's constructor takes a " + type.getName() + ": teach "
            + getClass().getSimpleName() + ".dependency(...) to give one");
    }

    private static String template(Class<?> type, Set<String> read) {
        return "# " + type.getSimpleName() + "\n\n"
            + "<What it does, for whom, and where the mail goes when it cannot (onFailure).>\n\n"
            + "## Parameters\n\n"
            + "| Parameter | Default | Values and meaning |\n"
            + "|---|---|---|\n"
            + (read.isEmpty() ? "\nNone (only James's own onMailetException / onMatchException).\n"
                : read.stream().map(name -> "| `" + name + "` | `<default value>` or none | <values and meaning> |")
                    .collect(Collectors.joining("\n")) + "\n")
            + "\n## Reads\n\n- <attributes (tresor.*), headers and key repository data it reads>\n"
            + "\n## Writes\n\n- <attributes, headers, audit events, the processor it routes to>\n"
            + "\n## Example\n\n```xml\n<mailet match=\"All\" class=\"" + type.getName() + "\">\n"
            + "    <parameter>value</parameter>\n</mailet>\n```\n";
    }

    /** A mailet configuration that remembers which parameters the mailet asked for. */
    private static final class RecordingConfig implements MailetConfig {
        private final String name;
        private final Map<String, String> parameters;
        private final Set<String> asked = new LinkedHashSet<>();
        private final MailetContext context = FakeMailContext.defaultContext();

        RecordingConfig(String name, Map<String, String> parameters) {
            this.name = name;
            this.parameters = new LinkedHashMap<>(parameters);
        }

        @Override
        public String getInitParameter(String parameter) {
            asked.add(parameter);
            return parameters.get(parameter);
        }

        @Override
        public Iterator<String> getInitParameterNames() {
            return Collections.unmodifiableSet(parameters.keySet()).iterator();
        }

        @Override
        public MailetContext getMailetContext() {
            return context;
        }

        @Override
        public String getMailetName() {
            return name;
        }
    }
}
