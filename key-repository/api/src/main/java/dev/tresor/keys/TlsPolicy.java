package dev.tresor.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How mail to one recipient domain must travel: the transport security RequireTls enforces on the way out.
 *
 * <p>Written as one line, in configuration and in storage alike: the level, then options as {@code key=value}
 * separated by white space, lists separated by commas:
 * <pre>
 * none
 * may
 * encrypt min=TLSv1.2
 * verify names=mx1.bank.example,*.bank.example min=TLSv1.3
 * verify pins=spki-sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * </pre>
 * <ul>
 *     <li>{@code none}: never use TLS (not even when offered); {@code may}: use STARTTLS when offered, any certificate,
 *         clear text otherwise; {@code encrypt}: STARTTLS required, any certificate; {@code verify}: STARTTLS required,
 *         a certificate valid under PKIX whose DNS name matches the MX host, or one of {@code names}.</li>
 *     <li>{@code min}: the lowest TLS version accepted, {@code TLSv1.2} or {@code TLSv1.3} ({@code encrypt} and
 *         {@code verify} only).</li>
 *     <li>{@code names}: the names the server certificate may carry instead of the MX host name; a leading {@code *.}
 *         is a wildcard for exactly one label ({@code verify} only).</li>
 *     <li>{@code pins}: the server certificate must have one of these SHA-256 fingerprints, of the whole certificate
 *         ({@code cert-sha256:}) or of its public key ({@code spki-sha256:}), 64 hex digits ({@code encrypt} and
 *         {@code verify}).</li>
 * </ul>
 * Anything else is refused with a message naming it: a policy is never read as something weaker than written.
 */
public final class TlsPolicy {

    /** Levels in increasing strength. */
    public enum Level {
        NONE, MAY, ENCRYPT, VERIFY;

        public String asString() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean requiresTls() {
            return this == ENCRYPT || this == VERIFY;
        }

        public static Level parse(String text) {
            for (Level level : values()) {
                if (level.asString().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return level;
                }
            }
            throw new IllegalArgumentException("Unknown TLS policy level '" + text + "': expected none, may, encrypt or verify");
        }
    }

    private static final Pattern NAME_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final String MIN = "min";
    private static final String NAMES = "names";
    private static final String PINS = "pins";

    private final Level level;
    private final Optional<TlsVersion> minimumVersion;
    private final List<String> names;
    private final List<Pin> pins;

    private TlsPolicy(Level level, Optional<TlsVersion> minimumVersion, List<String> names, List<Pin> pins) {
        if (!level.requiresTls() && (minimumVersion.isPresent() || !pins.isEmpty())) {
            throw new IllegalArgumentException("A minimum TLS version and pins need level encrypt or verify, not "
                + level.asString());
        }
        if (level != Level.VERIFY && !names.isEmpty()) {
            throw new IllegalArgumentException("Certificate names need level verify, not " + level.asString());
        }
        this.level = level;
        this.minimumVersion = minimumVersion;
        this.names = List.copyOf(names);
        this.pins = List.copyOf(pins);
    }

    public static TlsPolicy of(Level level) {
        return new TlsPolicy(level, Optional.empty(), List.of(), List.of());
    }

    /**
     * @throws IllegalArgumentException naming the offending part, for anything but a valid policy
     */
    public static TlsPolicy of(Level level, Optional<String> minimumVersion, List<String> names, List<String> pins) {
        return new TlsPolicy(level,
            minimumVersion.map(TlsPolicy::requirableVersion),
            names.stream().map(TlsPolicy::certificateName).distinct().collect(Collectors.toList()),
            pins.stream().map(Pin::parse).distinct().collect(Collectors.toList()));
    }

    /** Reads the one-line form described above. */
    public static TlsPolicy parse(String text) {
        Objects.requireNonNull(text, "TLS policy");
        String[] words = text.trim().split("\\s+");
        if (words[0].isEmpty()) {
            throw new IllegalArgumentException("Empty TLS policy: expected none, may, encrypt or verify");
        }
        Level level = Level.parse(words[0]);
        Map<String, String> options = new LinkedHashMap<>();
        for (String word : Arrays.asList(words).subList(1, words.length)) {
            int equals = word.indexOf('=');
            String key = equals < 0 ? word : word.substring(0, equals).toLowerCase(Locale.ROOT);
            if (equals < 0 || !List.of(MIN, NAMES, PINS).contains(key)) {
                throw new IllegalArgumentException("Unknown TLS policy option '" + word + "': expected min=, names= or pins=");
            }
            if (options.put(key, word.substring(equals + 1)) != null) {
                throw new IllegalArgumentException("TLS policy option '" + key + "' given twice");
            }
        }
        return of(level, Optional.ofNullable(options.get(MIN)), list(options.get(NAMES)), list(options.get(PINS)));
    }

    private static List<String> list(String commaSeparated) {
        if (commaSeparated == null) {
            return List.of();
        }
        List<String> items = Arrays.stream(commaSeparated.split(",", -1)).map(String::trim).collect(Collectors.toList());
        if (items.contains("")) {
            throw new IllegalArgumentException("Empty item in TLS policy list '" + commaSeparated + "'");
        }
        return items;
    }

    private static TlsVersion requirableVersion(String version) {
        return TlsVersion.parseRequirable(version)
            .orElseThrow(() -> new IllegalArgumentException("Unsupported minimum TLS version '" + version
                + "': expected TLSv1.2 or TLSv1.3"));
    }

    /** A DNS name, or {@code *.} followed by one, in lower-case ASCII (IDN as punycode). */
    private static String certificateName(String name) {
        String trimmed = name.trim();
        boolean wildcard = trimmed.startsWith("*.");
        String rest = wildcard ? trimmed.substring(2) : trimmed;
        String normalised;
        try {
            normalised = EmailAddress.normaliseDomain(rest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid certificate name '" + name + "' in TLS policy", e);
        }
        List<String> labels = Arrays.asList(normalised.split("\\.", -1));
        if (labels.size() < 2 || !labels.stream().allMatch(label -> NAME_LABEL.matcher(label).matches())) {
            throw new IllegalArgumentException("Invalid certificate name '" + name + "' in TLS policy: expected a host"
                + " name such as mx.bank.example or *.bank.example");
        }
        return wildcard ? "*." + normalised : normalised;
    }

    public Level level() {
        return level;
    }

    /** The lowest TLS version accepted, TLS 1.2 or TLS 1.3. */
    public Optional<TlsVersion> minimumVersion() {
        return minimumVersion;
    }

    /** Names the certificate may carry instead of the MX host's, normalised; a leading {@code *.} is a wildcard. */
    public List<String> names() {
        return names;
    }

    public List<Pin> pins() {
        return pins;
    }

    /** This policy, raised to {@code minimum} if it is weaker; options are kept where the new level allows them. */
    public TlsPolicy atLeast(Level minimum) {
        if (level.compareTo(minimum) >= 0) {
            return this;
        }
        return new TlsPolicy(minimum, minimum.requiresTls() ? minimumVersion : Optional.empty(),
            minimum == Level.VERIFY ? names : List.of(), minimum.requiresTls() ? pins : List.of());
    }

    /** The one-line form, which {@link #parse} reads back to an equal policy. */
    public String asString() {
        StringBuilder text = new StringBuilder(level.asString());
        minimumVersion.ifPresent(version -> text.append(' ').append(MIN).append('=').append(version.asString()));
        if (!names.isEmpty()) {
            text.append(' ').append(NAMES).append('=').append(String.join(",", names));
        }
        if (!pins.isEmpty()) {
            text.append(' ').append(PINS).append('=')
                .append(pins.stream().map(Pin::asString).collect(Collectors.joining(",")));
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof TlsPolicy) {
            TlsPolicy that = (TlsPolicy) o;
            return level == that.level && minimumVersion.equals(that.minimumVersion) && names.equals(that.names)
                && pins.equals(that.pins);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(level, minimumVersion, names, pins);
    }

    @Override
    public String toString() {
        return asString();
    }

    /** A pinned SHA-256 fingerprint of a server certificate ({@code cert-sha256:}) or of its public key ({@code spki-sha256:}). */
    public static final class Pin {
        public enum Kind {
            CERTIFICATE("cert-sha256:"), PUBLIC_KEY("spki-sha256:");

            private final String prefix;

            Kind(String prefix) {
                this.prefix = prefix;
            }
        }

        private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

        private final Kind kind;
        private final String sha256;

        private Pin(Kind kind, String sha256) {
            this.kind = kind;
            this.sha256 = sha256;
        }

        public static Pin parse(String text) {
            String trimmed = text.trim().toLowerCase(Locale.ROOT);
            for (Kind kind : Kind.values()) {
                if (trimmed.startsWith(kind.prefix)) {
                    String hex = trimmed.substring(kind.prefix.length()).replace(":", "");
                    if (!SHA256_HEX.matcher(hex).matches()) {
                        break;
                    }
                    return new Pin(kind, hex);
                }
            }
            throw new IllegalArgumentException("Invalid certificate pin '" + text + "': expected cert-sha256: or "
                + "spki-sha256: followed by 64 hex digits");
        }

        /** The pin of a certificate as a whole. */
        public static Pin ofCertificate(X509Certificate certificate) {
            return new Pin(Kind.CERTIFICATE, Fingerprint.of(certificate).asString());
        }

        /** The pin of a certificate's public key (its DER SubjectPublicKeyInfo), which survives renewal with the same key. */
        public static Pin ofPublicKey(X509Certificate certificate) {
            return new Pin(Kind.PUBLIC_KEY, Fingerprint.sha256(certificate.getPublicKey().getEncoded()).asString());
        }

        public boolean matches(X509Certificate certificate) {
            Pin actual = kind == Kind.CERTIFICATE ? ofCertificate(certificate) : ofPublicKey(certificate);
            return MessageDigest.isEqual(actual.sha256.getBytes(StandardCharsets.US_ASCII),
                sha256.getBytes(StandardCharsets.US_ASCII));
        }

        public Kind kind() {
            return kind;
        }

        public String asString() {
            return kind.prefix + sha256;
        }


        @Override
        public boolean equals(Object o) {
            return o instanceof Pin && ((Pin) o).kind == kind && ((Pin) o).sha256.equals(sha256);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, sha256);
        }

        @Override
        public String toString() {
            return asString();
        }
    }
}
