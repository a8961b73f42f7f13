package dev.tresor.mailets.support;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.AttributeName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.attributes.DecryptionOutcome;

/**
 * What Tresor's mailets did, counted through James's {@link MetricFactory} and so shown with James's own metrics (JMX,
 * and WebAdmin's {@code GET /metrics} in Prometheus format when {@code MetricsRoutes} is enabled, as in the sample
 * {@code webadmin.properties}, where each counter carries Prometheus's suffix {@code _total}:
 * {@code tresor_smime_sign_ok_total}). Every name is defined here:
 * <ul>
 *   <li>{@code tresor_<mechanism>_<operation>_ok}: a mail protected or opened, one count per protection applied:
 *       {@code tresor_smime_sign_ok}, {@code tresor_smime_encrypt_ok}, {@code tresor_pgp_sign_ok},
 *       {@code tresor_pgp_encrypt_ok}, {@code tresor_pdf_wrap_ok}, {@code tresor_smime_decrypt_ok},
 *       {@code tresor_pgp_decrypt_ok};</li>
 *   <li>{@code tresor_<operation>_failed}: a mail that could not be protected or opened and went to a failure
 *       processor ({@link FailureRouting}) or, for decryption without {@code onFailure}, on still encrypted:
 *       {@code tresor_smime_sign_failed}, {@code tresor_pgp_encrypt_failed}, {@code tresor_pdf_wrap_failed},
 *       {@code tresor_tls_deliver_failed}, {@code tresor_smime_decrypt_failed}, ... A mailet not named in
 *       {@link #OPERATIONS} counts under its class name in snake case ({@code EnforcePolicy} &rarr;
 *       {@code tresor_enforce_policy_failed});</li>
 *   <li>{@code tresor_failed_closed}: every fail-closed decision, whatever the mailet, and
 *       {@code tresor_failed_closed_to_<processor>} per processor the mail went to ({@code tresor-quarantine} &rarr;
 *       {@code tresor_failed_closed_to_tresor_quarantine}), which tells quarantined from bounced mail;</li>
 *   <li>{@code tresor_<mechanism>_verify_<verdict>}: each signature verdict recorded, e.g.
 *       {@code tresor_smime_verify_valid}, {@code tresor_smime_verify_untrusted}, {@code tresor_pgp_verify_invalid},
 *       {@code tresor_pgp_verify_none}.</li>
 * </ul>
 * The key repository's cache publishes its own gauges ({@code tresor_key_cache_*}, see {@code ConfiguredKeyStorage});
 * the time each mailet and matcher takes is James's own timer, named after its class ({@code SignSmime},
 * {@code RecipientHasSmimeCertificate}).
 *
 * <p>Why static: James creates each mailet through Guice, and the counting happens in the few support classes that
 * every mailet shares ({@link Protections}, {@link FailureRouting}, {@link UndecryptedMail},
 * {@link PgpSignatureRecord}), not in each mailet. {@link TresorMetricsModule} hands James's factory to this class
 * once at start-up, so no mailet's constructor has to carry it. Until then (a mailet run outside James, in a unit
 * test or the {@code tresor-process} CLI) nothing is counted.
 */
public final class TresorMetrics {
    private static final Logger LOGGER = LoggerFactory.getLogger(TresorMetrics.class);
    private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z0-9])([A-Z])");
    private static final Pattern NOT_A_NAME = Pattern.compile("[^a-z0-9]+");
    private static final Pattern EDGE_UNDERSCORES = Pattern.compile("^_+|_+$");

    public static final String PREFIX = "tresor_";
    public static final String FAILED_CLOSED = PREFIX + "failed_closed";
    public static final String SMIME = "smime";
    public static final String PGP = "pgp";

    /** The operation each protecting or opening mailet performs, named {@code <mechanism>_<operation>}. */
    static final Map<String, String> OPERATIONS = Map.of(
        "SignSmime", "smime_sign",
        "EncryptSmime", "smime_encrypt",
        "DecryptSmime", "smime_decrypt",
        "SignPgp", "pgp_sign",
        "EncryptPgp", "pgp_encrypt",
        "DecryptPgp", "pgp_decrypt",
        "PdfWrap", "pdf_wrap",
        "RequireTls", "tls_deliver");

    /** The operation behind each {@link AppliedProtections} value. */
    private static final Map<String, String> PROTECTIONS = Map.of(
        AppliedProtections.SMIME_SIGNED, "smime_sign",
        AppliedProtections.SMIME_ENCRYPTED, "smime_encrypt",
        AppliedProtections.PGP_SIGNED, "pgp_sign",
        AppliedProtections.PGP_ENCRYPTED, "pgp_encrypt",
        AppliedProtections.PDF, "pdf_wrap");

    private static volatile MetricFactory factory;

    private TresorMetrics() {
    }

    /** Called by Guice ({@link TresorMetricsModule}) when James starts. */
    @Inject
    static void use(MetricFactory metricFactory) {
        factory = metricFactory;
        LOGGER.debug("Tresor metrics recorded through {}", metricFactory.getClass().getName());
    }

    /** Tests: count into the given factory, or (null) nowhere. */
    @VisibleForTesting
    public static void useForTests(MetricFactory metricFactory) {
        factory = metricFactory;
    }

    /** The operation a mailet performs, for {@code tresor_<operation>_failed}. */
    public static String operationOf(Class<?> mailet) {
        String name = mailet.getSimpleName();
        String known = OPERATIONS.get(name);
        return known != null ? known : snakeCase(name);
    }

    /** One {@code tresor_<operation>_ok} per protection applied ({@link AppliedProtections} values). */
    public static void applied(String... protections) {
        for (String protection : protections) {
            // not getOrDefault: the snake case of a known protection would be computed for nothing, once per mail
            String known = PROTECTIONS.get(protection);
            count(PREFIX + (known != null ? known : snakeCase(protection)) + "_ok");
        }
    }

    /** A fail-closed decision: the operation failed, and the mail went to {@code processor}. */
    public static void failedClosed(String operation, String processor) {
        count(PREFIX + operation + "_failed");
        count(FAILED_CLOSED);
        count(FAILED_CLOSED + "_to_" + snakeCase(processor));
    }

    /** A decryption by a mailet that records its outcome in {@code attribute} ({@link DecryptionOutcome}). */
    public static void decryption(AttributeName attribute, boolean decrypted) {
        String mechanism = DecryptionOutcome.PGP.equals(attribute) ? PGP : SMIME;
        count(PREFIX + mechanism + "_decrypt_" + (decrypted ? "ok" : "failed"));
    }

    /** A signature verdict recorded: {@code mechanism} is {@link #SMIME} or {@link #PGP}, the verdict as its text. */
    public static void verdict(String mechanism, String verdict) {
        count(PREFIX + mechanism + "_verify_" + snakeCase(verdict));
    }

    private static void count(String name) {
        MetricFactory current = factory;
        if (current != null) {
            current.generate(name).increment();
        }
    }

    /** {@code EnforcePolicy} and {@code tresor-quarantine} to {@code enforce_policy} and {@code tresor_quarantine}. */
    static String snakeCase(String name) {
        String words = CAMEL_HUMP.matcher(name).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
        return EDGE_UNDERSCORES.matcher(NOT_A_NAME.matcher(words).replaceAll("_")).replaceAll("");
    }
}
