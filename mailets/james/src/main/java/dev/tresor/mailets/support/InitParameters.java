package dev.tresor.mailets.support;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.util.DurationParser;
import org.apache.james.util.Size;
import org.apache.mailet.base.GenericMailet;

/**
 * Reads a mailet's init parameters, failing start-up with a message that names the mailet, the parameter and the
 * values it accepts, so a typo in mailetcontainer.xml never turns into a silently weaker default.
 *
 * <p>One syntax for every mailet, and the one James and {@code keyrepository.properties} use (both read with James's
 * own parsers):
 * <ul>
 *   <li>durations: a number and a unit, {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} (or spelt out:
 *       {@code 5 minutes}, {@code 2 hours}); a plain number is seconds;</li>
 *   <li>sizes: bytes, or a number with {@code k}, {@code m} or {@code g} (powers of 1024): {@code 100m};</li>
 *   <li>ports: 1 to 65535.</li>
 * </ul>
 */
public final class InitParameters {
    private final GenericMailet mailet;

    public InitParameters(GenericMailet mailet) {
        this.mailet = mailet;
    }

    /**
     * One of the named choices (case-insensitive); the default when the parameter is absent. Any other value fails,
     * naming the choices in the map's order.
     */
    public <T> T choice(String name, String defaultChoice, Map<String, T> choices) throws MessagingException {
        String value = Optional.ofNullable(mailet.getInitParameter(name)).map(String::trim).orElse(defaultChoice);
        T chosen = choices.get(value.toLowerCase(Locale.ROOT));
        if (chosen == null) {
            throw invalid(name, value, "one of " + String.join(", ", choices.keySet()));
        }
        return chosen;
    }

    /** One of the choices, lower-cased; the default when absent. Any other value fails, naming them in this order. */
    public String choice(String name, String defaultChoice, List<String> choices) throws MessagingException {
        Map<String, String> named = new LinkedHashMap<>();
        choices.forEach(choice -> named.put(choice, choice));
        return choice(name, defaultChoice, named);
    }

    public boolean bool(String name, boolean defaultValue) throws MessagingException {
        return choice(name, String.valueOf(defaultValue), Map.of("true", true, "false", false));
    }

    public Optional<String> optional(String name) {
        return Optional.ofNullable(mailet.getInitParameter(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    /** A comma-separated list; empty when absent. */
    public List<String> list(String name) {
        return optional(name)
            .map(value -> Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty())
                .collect(Collectors.toList()))
            .orElse(List.of());
    }

    /** A duration from {@code min} to {@code max}; the default when the parameter is absent. */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) throws MessagingException {
        Optional<String> value = optional(name);
        return value.isPresent() ? duration(name, value.get(), min, max) : defaultValue;
    }

    /** A comma-separated list of durations, each from {@code min} to {@code max}; the default when absent. */
    public List<Duration> durations(String name, String defaultValue, Duration min, Duration max) throws MessagingException {
        List<Duration> durations = new ArrayList<>();
        for (String item : optional(name).orElse(defaultValue).split(",")) {
            durations.add(duration(name, item, min, max));
        }
        return durations;
    }

    private Duration duration(String name, String value, Duration min, Duration max) throws MessagingException {
        try {
            Duration duration = DurationParser.parse(value.trim(), ChronoUnit.SECONDS);
            if (duration.compareTo(min) >= 0 && duration.compareTo(max) <= 0) {
                return duration;
            }
        } catch (IllegalArgumentException e) {
            // reported below, NumberFormatException included
        }
        throw invalid(name, value, "a duration from " + text(min) + " to " + text(max) + " such as 500ms, 30s, 5m or 2h "
            + "(a plain number is seconds)");
    }

    private static String text(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** A positive size in bytes, {@code k}, {@code m} or {@code g}; the default when the parameter is absent. */
    public long size(String name, long defaultBytes) throws MessagingException {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultBytes;
        }
        try {
            long bytes = Size.parse(value.get().replaceAll("\\s+", "")).asBytes();
            if (bytes > 0) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below, NumberFormatException included
        }
        throw invalid(name, value.get(), "a size such as 100m, 512k or 1000000 (bytes)");
    }

    /** A whole number from {@code min} to {@code max}; the default when the parameter is absent. */
    public int integer(String name, int defaultValue, int min, int max, String unit) throws MessagingException {
        return number(name, defaultValue, min, max, "a number of " + unit + " from " + min + " to " + max);
    }

    /** A TCP port, 1 to 65535; the default when the parameter is absent. */
    public int port(String name, int defaultPort) throws MessagingException {
        return number(name, defaultPort, 1, 65535, "a TCP port from 1 to 65535");
    }

    private int number(String name, int defaultValue, int min, int max, String expected) throws MessagingException {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value.get());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, value.get(), expected);
    }

    public MessagingException invalid(String name, String value, String expected) {
        return new MessagingException(mailet.getMailetName() + ": invalid value '" + value + "' for parameter '" + name
            + "', expected " + expected);
    }

    /** Lower-case names of an enum's constants with '_' as '-', mapped to the constants, in declaration order. */
    public static <E extends Enum<E>> Map<String, E> names(Class<E> type) {
        Map<String, E> names = new LinkedHashMap<>();
        for (E constant : type.getEnumConstants()) {
            names.put(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'), constant);
        }
        return names;
    }
}
