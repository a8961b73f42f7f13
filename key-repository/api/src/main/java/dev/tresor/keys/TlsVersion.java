package dev.tresor.keys;

import java.util.Locale;
import java.util.Optional;

/**
 * A TLS protocol version, named as the JSSE names it ({@code TLSv1.2}), in increasing strength. A TLS policy requires
 * one as its minimum, the TLS delivery engine compares what it negotiated against it, and the SMTP side records what a
 * client used. A name that is none of these ({@code SSLv3}, {@code NONE}) is no {@code TlsVersion}: it meets no minimum.
 */
public enum TlsVersion {
    TLS_1_0("TLSv1"), TLS_1_1("TLSv1.1"), TLS_1_2("TLSv1.2"), TLS_1_3("TLSv1.3");

    private final String name;

    TlsVersion(String name) {
        this.name = name;
    }

    /** The version a JSSE protocol name stands for, ignoring case; empty for anything else. */
    public static Optional<TlsVersion> parse(String name) {
        String lowerCase = name.trim().toLowerCase(Locale.ROOT);
        for (TlsVersion version : values()) {
            if (version.name.toLowerCase(Locale.ROOT).equals(lowerCase)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }

    /** Only the versions a mail admin may require as a minimum: TLS 1.2 and TLS 1.3. */
    public static Optional<TlsVersion> parseRequirable(String name) {
        return parse(name).filter(TlsVersion::isRequirable);
    }

    public boolean isRequirable() {
        return isAtLeast(TLS_1_2);
    }

    public boolean isAtLeast(TlsVersion minimum) {
        return compareTo(minimum) >= 0;
    }

    /** Whether a protocol, by its JSSE name, meets this minimum; a name that is no TLS version never does. */
    public boolean isMetBy(String protocol) {
        return parse(protocol).map(version -> version.isAtLeast(this)).orElse(false);
    }

    /** The JSSE name, such as {@code TLSv1.3}. */
    public String asString() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
