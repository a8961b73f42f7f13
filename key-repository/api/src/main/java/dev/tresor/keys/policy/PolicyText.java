package dev.tresor.keys.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads the lower-case, hyphenated names settings are written with (policies, CA settings), refusing anything else by name. */
public final class PolicyText {
    private PolicyText() {
    }

    public static <E extends Enum<E>> E parse(Class<E> type, E[] values, Function<E, String> name, String field, String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (E value : values) {
            if (name.apply(value).equals(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a valid " + field + "; allowed: "
            + Arrays.stream(values).map(name).collect(Collectors.joining(", ")));
    }
}
