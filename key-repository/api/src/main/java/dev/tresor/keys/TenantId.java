package dev.tresor.keys;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identifier of a tenant: an organisation whose keys are kept apart from every other's. Lower-case letters,
 * digits, dots, dashes and underscores, 1 to 64 characters, starting with a letter or digit, so that a domain name
 * (the default tenant of an unmapped domain) is a valid tenant id.
 */
public final class TenantId implements Comparable<TenantId> {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final String value;

    private TenantId(String value) {
        this.value = value;
    }

    /**
     * @throws IllegalArgumentException naming the rule, when {@code value} is not a valid tenant id
     */
    public static TenantId of(String value) {
        Objects.requireNonNull(value, "tenant id");
        String normalised = value.trim().toLowerCase(Locale.ROOT);
        if (!VALID.matcher(normalised).matches()) {
            throw new IllegalArgumentException("Invalid tenant id '" + value + "': use 1 to 64 lower-case letters, "
                + "digits, '.', '-' or '_', starting with a letter or digit");
        }
        return new TenantId(normalised);
    }

    public String asString() {
        return value;
    }

    @Override
    public int compareTo(TenantId other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantId && ((TenantId) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
