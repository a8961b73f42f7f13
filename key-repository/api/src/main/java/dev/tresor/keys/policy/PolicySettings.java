package dev.tresor.keys.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.PgpFingerprint;

/**
 * The settings of one {@link PolicyScope}: every field optional, an unset field is inherited from the less specific
 * scope. Written as a map of field names to text (WebAdmin's JSON, storage, history), each value in one canonical
 * form:
 * <table>
 *     <caption>fields</caption>
 *     <tr><td>{@code encryption}</td><td>{@code mandatory-all|mandatory|opportunistic|never}</td><td>default, partner</td></tr>
 *     <tr><td>{@code mechanisms}</td><td>preference order, e.g. {@code smime,pgp,pdf}</td><td>default, partner</td></tr>
 *     <tr><td>{@code gatewayCertificate}</td><td>SHA-256 fingerprint of a certificate in the tenant's vault, used for
 *         every address of the partner without a personal one</td><td>partner domain</td></tr>
 *     <tr><td>{@code gatewayPgpKey}</td><td>fingerprint of an OpenPGP key in the tenant's vault, likewise</td>
 *         <td>partner domain</td></tr>
 *     <tr><td>{@code signing}</td><td>{@code force|if-possible|never}</td><td>default, sender</td></tr>
 *     <tr><td>{@code requireSignature}, {@code requireEncryption}, {@code requireTls}</td><td>{@code true|false}:
 *         what incoming mail from the partner must have</td><td>default, partner</td></tr>
 *     <tr><td>{@code inboundAction}</td><td>{@code reject|quarantine}: what happens to incoming mail that breaks a
 *         requirement</td><td>default, partner</td></tr>
 *     <tr><td>{@code subjectTag}</td><td>a subject tag that makes a mail mandatory (removed before delivery), empty
 *         for none</td><td>default</td></tr>
 *     <tr><td>{@code triggerHeader}</td><td>{@code Name: value}, a header that makes a mail mandatory, empty for
 *         none</td><td>default</td></tr>
 * </table>
 * A field in a scope that cannot hold it, an unknown field or an invalid value is refused with a message naming it.
 */
public final class PolicySettings {
    public static final String ENCRYPTION = "encryption";
    public static final String MECHANISMS = "mechanisms";
    public static final String GATEWAY_CERTIFICATE = "gatewayCertificate";
    public static final String GATEWAY_PGP_KEY = "gatewayPgpKey";
    public static final String SIGNING = "signing";
    public static final String REQUIRE_SIGNATURE = "requireSignature";
    public static final String REQUIRE_ENCRYPTION = "requireEncryption";
    public static final String REQUIRE_TLS = "requireTls";
    public static final String INBOUND_ACTION = "inboundAction";
    public static final String SUBJECT_TAG = "subjectTag";
    public static final String TRIGGER_HEADER = "triggerHeader";

    /** Every field, in the order they are written. */
    public static final List<String> FIELDS = List.of(ENCRYPTION, MECHANISMS, GATEWAY_CERTIFICATE, GATEWAY_PGP_KEY,
        SIGNING, REQUIRE_SIGNATURE, REQUIRE_ENCRYPTION, REQUIRE_TLS, INBOUND_ACTION, SUBJECT_TAG, TRIGGER_HEADER);

    private static final Set<String> PARTNER_FIELDS = Set.of(ENCRYPTION, MECHANISMS, REQUIRE_SIGNATURE,
        REQUIRE_ENCRYPTION, REQUIRE_TLS, INBOUND_ACTION);
    private static final Set<String> PARTNER_DOMAIN_FIELDS = Set.of(GATEWAY_CERTIFICATE, GATEWAY_PGP_KEY);
    private static final Set<String> SENDER_FIELDS = Set.of(SIGNING);

    private static final PolicySettings NONE = new PolicySettings(Map.of());

    private final Map<String, String> values;

    private PolicySettings(Map<String, String> values) {
        this.values = values;
    }

    public static PolicySettings none() {
        return NONE;
    }

    /**
     * Reads settings written as field names and text; {@code null} or empty text leaves a field unset, except
     * {@code subjectTag} and {@code triggerHeader}, where empty text means "no trigger".
     *
     * @throws IllegalArgumentException naming the field, for an unknown field or an invalid value
     */
    public static PolicySettings fromMap(Map<String, String> fields) {
        Map<String, String> canonical = new LinkedHashMap<>();
        for (String field : FIELDS) {
            String text = fields.get(field);
            if (text != null && (!text.isBlank() || field.equals(SUBJECT_TAG) || field.equals(TRIGGER_HEADER))) {
                canonical.put(field, canonical(field, text));
            }
        }
        Set<String> unknown = new LinkedHashSet<>(fields.keySet());
        unknown.removeAll(FIELDS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown policy field(s) " + unknown + "; known: " + FIELDS);
        }
        return new PolicySettings(Map.copyOf(canonical));
    }

    /** The set fields in canonical text, in {@link #FIELDS} order. */
    public Map<String, String> toMap() {
        Map<String, String> ordered = new LinkedHashMap<>();
        FIELDS.stream().filter(values::containsKey).forEach(field -> ordered.put(field, values.get(field)));
        return ordered;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** @throws IllegalArgumentException naming the fields that {@code scope} cannot hold */
    public PolicySettings checkFor(PolicyScope scope) {
        List<String> misplaced = values.keySet().stream()
            .filter(field -> !allowed(scope, field))
            .sorted()
            .collect(Collectors.toList());
        if (!misplaced.isEmpty()) {
            throw new IllegalArgumentException("a " + describe(scope.kind()) + " policy cannot set " + misplaced
                + "; it takes " + FIELDS.stream().filter(field -> allowed(scope, field)).collect(Collectors.toList()));
        }
        return this;
    }

    private static boolean allowed(PolicyScope scope, String field) {
        switch (scope.kind()) {
            case DEFAULT:
                // a gateway key names one partner's key: in the default it would encrypt mail to every partner to it
                return !PARTNER_DOMAIN_FIELDS.contains(field);
            case PARTNER_DOMAIN:
                return PARTNER_FIELDS.contains(field) || PARTNER_DOMAIN_FIELDS.contains(field);
            case PARTNER_ADDRESS:
                return PARTNER_FIELDS.contains(field);
            default:
                return SENDER_FIELDS.contains(field);
        }
    }

    private static String describe(PolicyScope.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String canonical(String field, String text) {
        String trimmed = text.trim();
        switch (field) {
            case ENCRYPTION:
                return Encryption.parse(trimmed).asString();
            case MECHANISMS:
                return parseMechanisms(trimmed).stream().map(Mechanism::asString).collect(Collectors.joining(","));
            case GATEWAY_CERTIFICATE:
                return wrap(field, () -> Fingerprint.of(trimmed).asString());
            case GATEWAY_PGP_KEY:
                return wrap(field, () -> PgpFingerprint.of(trimmed).asString());
            case SIGNING:
                return Signing.parse(trimmed).asString();
            case REQUIRE_SIGNATURE:
            case REQUIRE_ENCRYPTION:
            case REQUIRE_TLS:
                return parseBoolean(field, trimmed);
            case INBOUND_ACTION:
                return InboundAction.parse(trimmed).asString();
            case SUBJECT_TAG:
                return checkSubjectTag(trimmed);
            case TRIGGER_HEADER:
                return trimmed.isEmpty() ? "" : HeaderTrigger.parse(trimmed).asString();
            default:
                throw new IllegalStateException(field);
        }
    }

    private static String wrap(String field, java.util.function.Supplier<String> parse) {
        try {
            return parse.get();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }

    private static String checkSubjectTag(String tag) {
        if (tag.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(SUBJECT_TAG + " must not contain control characters");
        }
        if (tag.length() > 64) {
            throw new IllegalArgumentException(SUBJECT_TAG + " must have at most 64 characters");
        }
        return tag;
    }

    private static String parseBoolean(String field, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw new IllegalArgumentException("'" + text + "' is not a valid " + field + "; allowed: true, false");
        }
        return lower;
    }

    static List<Mechanism> parseMechanisms(String text) {
        List<Mechanism> order = new ArrayList<>();
        // -1 keeps empty names, so that "," or "smime," is refused instead of read as an empty or shorter order
        for (String name : text.split(",", -1)) {
            Mechanism mechanism = Mechanism.parse(name);
            if (order.contains(mechanism)) {
                throw new IllegalArgumentException(MECHANISMS + " names " + mechanism.asString() + " twice");
            }
            order.add(mechanism);
        }
        return List.copyOf(order);
    }

    Optional<String> text(String field) {
        return Optional.ofNullable(values.get(field));
    }

    public Optional<Encryption> encryption() {
        return text(ENCRYPTION).map(Encryption::parse);
    }

    public Optional<List<Mechanism>> mechanisms() {
        return text(MECHANISMS).map(PolicySettings::parseMechanisms);
    }

    public Optional<Fingerprint> gatewayCertificate() {
        return text(GATEWAY_CERTIFICATE).map(Fingerprint::of);
    }

    public Optional<PgpFingerprint> gatewayPgpKey() {
        return text(GATEWAY_PGP_KEY).map(PgpFingerprint::of);
    }

    public Optional<Signing> signing() {
        return text(SIGNING).map(Signing::parse);
    }

    public Optional<Boolean> requireSignature() {
        return text(REQUIRE_SIGNATURE).map(Boolean::parseBoolean);
    }

    public Optional<Boolean> requireEncryption() {
        return text(REQUIRE_ENCRYPTION).map(Boolean::parseBoolean);
    }

    public Optional<Boolean> requireTls() {
        return text(REQUIRE_TLS).map(Boolean::parseBoolean);
    }

    public Optional<InboundAction> inboundAction() {
        return text(INBOUND_ACTION).map(InboundAction::parse);
    }

    /** Empty inside the optional: the tenant switched the subject trigger off. */
    public Optional<String> subjectTag() {
        return text(SUBJECT_TAG);
    }

    /** Empty inside the optional: the tenant switched the header trigger off. */
    public Optional<String> triggerHeader() {
        return text(TRIGGER_HEADER);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicySettings && ((PolicySettings) o).values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return toMap().entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
            .collect(Collectors.joining(" ", "{", "}"));
    }

    static List<Mechanism> defaultMechanisms() {
        return Arrays.asList(Mechanism.values());
    }
}
