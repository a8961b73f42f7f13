package dev.tresor.tls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.tresor.keys.TlsPolicy;

/**
 * An RFC 8461 MTA-STS policy as a recipient domain publishes it at
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}:
 * <pre>
 * version: STSv1
 * mode: enforce
 * mx: mail.example.com
 * mx: *.example.net
 * max_age: 604800
 * </pre>
 * Parsing is strict where the RFC is (version first, known modes, {@code max_age} a number up to 31557600, at least
 * one {@code mx} unless the mode is {@code none}) and lenient where it says so (unknown fields ignored, LF or CRLF).
 */
public final class MtaStsPolicy {
    public static final int MAX_BYTES = 64 * 1024;
    private static final long MAX_AGE_LIMIT = 31_557_600L;
    private static final Pattern MX_PATTERN = Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}");

    public enum Mode {
        ENFORCE, TESTING, NONE
    }

    private final Mode mode;
    private final List<String> mxPatterns;
    private final Duration maxAge;

    private MtaStsPolicy(Mode mode, List<String> mxPatterns, Duration maxAge) {
        this.mode = mode;
        this.mxPatterns = List.copyOf(mxPatterns);
        this.maxAge = maxAge;
    }

    /** @throws IllegalArgumentException saying what is wrong with the policy text */
    public static MtaStsPolicy parse(String text) {
        if (text.length() > MAX_BYTES) {
            throw new IllegalArgumentException("MTA-STS policy larger than " + MAX_BYTES + " bytes");
        }
        String[] lines = text.split("\r?\n", -1);
        Mode mode = null;
        Long maxAge = null;
        boolean versionSeen = false;
        List<String> mx = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("MTA-STS policy line " + (i + 1) + " is not 'key: value'");
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (!versionSeen) {
                if (!key.equals("version") || !value.equals("STSv1")) {
                    throw new IllegalArgumentException("MTA-STS policy must start with 'version: STSv1'");
                }
                versionSeen = true;
                continue;
            }
            switch (key) {
                case "mode":
                    mode = mode(value);
                    break;
                case "max_age":
                    if (!value.matches("\\d{1,10}") || Long.parseLong(value) > MAX_AGE_LIMIT) {
                        throw new IllegalArgumentException("MTA-STS max_age '" + value + "' is not a number of seconds up to " + MAX_AGE_LIMIT);
                    }
                    maxAge = Long.parseLong(value);
                    break;
                case "mx":
                    String pattern = value.toLowerCase(Locale.ROOT);
                    if (!MX_PATTERN.matcher(pattern).matches()) {
                        throw new IllegalArgumentException("MTA-STS mx '" + value + "' is not a host name or *.domain pattern");
                    }
                    mx.add(pattern);
                    break;
                default:
                    // RFC 8461 section 3.2: unknown fields are ignored
            }
        }
        if (!versionSeen) {
            throw new IllegalArgumentException("MTA-STS policy is empty");
        }
        if (mode == null || maxAge == null) {
            throw new IllegalArgumentException("MTA-STS policy lacks " + (mode == null ? "mode" : "max_age"));
        }
        if (mode != Mode.NONE && mx.isEmpty()) {
            throw new IllegalArgumentException("MTA-STS policy in mode " + mode.name().toLowerCase(Locale.ROOT) + " names no mx");
        }
        return new MtaStsPolicy(mode, mx, Duration.ofSeconds(maxAge));
    }

    private static Mode mode(String value) {
        switch (value) {
            case "enforce":
                return Mode.ENFORCE;
            case "testing":
                return Mode.TESTING;
            case "none":
                return Mode.NONE;
            default:
                throw new IllegalArgumentException("MTA-STS mode '" + value + "' is not enforce, testing or none");
        }
    }

    public Mode mode() {
        return mode;
    }

    public List<String> mxPatterns() {
        return mxPatterns;
    }

    public Duration maxAge() {
        return maxAge;
    }

    /** Whether an MX host is one the policy allows: an exact name, or {@code *.domain} for one more label. */
    public boolean allowsMx(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String pattern : mxPatterns) {
            if (pattern.startsWith("*.")) {
                int dot = name.indexOf('.');
                if (dot > 0 && name.substring(dot + 1).equals(pattern.substring(2))) {
                    return true;
                }
            } else if (pattern.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What RequireTls enforces for it: {@code enforce} becomes {@code verify} with the mx patterns as acceptable
     * certificate names; {@code testing} and {@code none} enforce nothing (RFC 8461: testing only reports), so they
     * become {@code may}.
     */
    public TlsPolicy asTlsPolicy() {
        if (mode != Mode.ENFORCE) {
            return TlsPolicy.of(TlsPolicy.Level.MAY);
        }
        return TlsPolicy.of(TlsPolicy.Level.VERIFY, java.util.Optional.empty(), mxPatterns, List.of());
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof MtaStsPolicy) {
            MtaStsPolicy that = (MtaStsPolicy) o;
            return mode == that.mode && mxPatterns.equals(that.mxPatterns) && maxAge.equals(that.maxAge);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, mxPatterns, maxAge);
    }

    @Override
    public String toString() {
        return "MtaStsPolicy[" + mode + " mx=" + mxPatterns + " max_age=" + maxAge.getSeconds() + "]";
    }
}
