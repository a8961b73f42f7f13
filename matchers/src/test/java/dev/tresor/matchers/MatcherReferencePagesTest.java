package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.ReferencePages;
import dev.tresor.mailets.TestVaults;

/**
 * Every public matcher has a reference page in {@code src/main/doc/} that matches its code: the example parses and
 * names this very matcher with a condition it accepts, and a page that says the matcher takes no condition is right
 * (the matcher refuses one). See {@link ReferencePages} for the shape of a page.
 */
class MatcherReferencePagesTest {
    private static final ReferencePages PAGES = new ReferencePages(Path.of("src/main/doc"),
        Path.of("src/main/java/dev/tresor/matchers"), "matcher");

    @TempDir
    Path directory;

    private TestVaults vaults;

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
    }

    @TestFactory
    List<DynamicTest> everyMatcherShouldHaveAPageThatMatchesItsCode() {
        List<Class<?>> matchers = PAGES.classes("dev.tresor.matchers", Matcher.class);
        assertThat(matchers).as("the matchers found in src/main/java/dev/tresor/matchers").hasSizeGreaterThanOrEqualTo(13);
        return matchers.stream()
            .map(type -> DynamicTest.dynamicTest(type.getSimpleName(), () -> check(type)))
            .collect(Collectors.toList());
    }

    private void check(Class<?> type) {
        String page = PAGES.read(type, ReferencePages.MATCHER_SECTIONS, template(type));
        if (ReferencePages.section(page, "## Condition").trim().startsWith("None")) {
            try {
                init(type, "x");
                throw new AssertionError(PAGES.pageOf(type) + " says " + type.getSimpleName() + " takes no condition,"
                    + " but it accepts one: document the condition under '## Condition'.");
            } catch (MessagingException | RuntimeException e) {
                // refused, as the page says
            }
        }
        List<String> conditions = new ArrayList<>();
        for (Element mailet : PAGES.exampleMailets(type, page)) {
            String match = mailet.getAttribute("match");
            if (match.equals(type.getName()) || match.startsWith(type.getName() + "=")) {
                conditions.add(match.equals(type.getName()) ? null : match.substring(type.getName().length() + 1));
            }
        }
        if (conditions.isEmpty()) {
            throw new AssertionError(PAGES.pageOf(type) + ": the example under '## Example' must use"
                + " <mailet match=\"" + type.getName() + "\" class=\"...\">");
        }
        for (String condition : conditions) {
            try {
                init(type, condition);
            } catch (MessagingException | RuntimeException e) {
                throw new AssertionError(PAGES.pageOf(type) + ": " + type.getSimpleName() + " refuses the example's"
                    + " condition '" + condition + "': " + e.getMessage(), e);
            }
        }
        List<String> undefined = ReferencePages.undefinedContractNames(page,
            Path.of("../mailets/james/src/main/java/dev/tresor/attributes"));
        if (!undefined.isEmpty()) {
            throw new AssertionError(type.getSimpleName() + "'s page names " + undefined + ", which the package"
                + " dev.tresor.attributes does not define: write the names as defined there, or define them there first.");
        }
    }

    private void init(Class<?> type, String condition) throws MessagingException {
        Matcher matcher = (Matcher) ReferencePages.instantiate(type, this::dependency);
        matcher.init(FakeMatcherConfig.builder().matcherName(type.getSimpleName()).condition(condition)
            .mailetContext(FakeMailContext.defaultContext()).build());
    }

    private Object dependency(Class<?> type) {
        if (type == KeyRepository.class) {
            return vaults.repository();
        }
        if (type == TenantResolver.class) {
            return vaults.tenantResolver();
        }
        throw new AssertionError("A matcher's constructor takes a " + type.getName() + ": teach "
            + getClass().getSimpleName() + ".dependency(...) to give one");
    }

    private static String template(Class<?> type) {
        return "# " + type.getSimpleName() + "\n\n"
            + "<Which recipients it matches, and what the others do.>\n\n"
            + "## Condition\n\n<What follows '=' in match, its values and default; or: None: the matcher refuses one"
            + " at start-up.>\n"
            + "\n## Reads\n\n- <attributes (tresor.*), headers and key repository data it reads>\n"
            + "\n## Writes\n\n- <attributes it writes, or: nothing: a matcher only selects recipients.>\n"
            + "\n## Example\n\n```xml\n<mailet match=\"" + type.getName() + "\" class=\"...\"/>\n```\n";
    }
}
