package dev.tresor.keys.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * A header that makes one mail mandatory: {@code Sensitivity: Company-Confidential}. The name is matched without
 * regard to case, the value after trimming and without regard to case.
 */
public final class HeaderTrigger {
    private final String name;
    private final String value;

    private HeaderTrigger(String name, String value) {
        this.name = name;
        this.value = value;
    }

    /** Reads {@code Name: value}. */
    public static HeaderTrigger parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a header trigger; write Name: value, e.g. "
                + "Sensitivity: Company-Confidential");
        }
        String name = text.substring(0, colon).trim();
        String value = text.substring(colon + 1).trim();
        if (name.isEmpty() || value.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')
            || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("'" + text + "' is not a header trigger; write Name: value, e.g. "
                + "Sensitivity: Company-Confidential");
        }
        return new HeaderTrigger(name, value);
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** Whether a header value of a mail (unfolded) triggers. */
    public boolean matches(String headerValue) {
        return headerValue != null && headerValue.trim().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT));
    }

    public String asString() {
        return name + ": " + value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderTrigger && ((HeaderTrigger) o).name.equalsIgnoreCase(name)
            && ((HeaderTrigger) o).value.equalsIgnoreCase(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name.toLowerCase(Locale.ROOT), value.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return asString();
    }
}
