package dev.tresor.mailets;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMailet;

/**
 * Reads a mailet's init parameters, failing start-up with a message that names the mailet, the parameter and the
 * values it accepts, so a typo in mailetcontainer.xml never turns into a silently weaker default.
 */
public final class InitParameters {
    private final GenericMailet mailet;

    public InitParameters(GenericMailet mailet) {
        this.mailet = mailet;
    }

    /** One of the named choices (case-insensitive); the default when the parameter is absent. */
    public <T> T choice(String name, String defaultChoice, Map<String, T> choices) throws MessagingException {
        String value = Optional.ofNullable(mailet.getInitParameter(name)).map(String::trim).orElse(defaultChoice);
        T chosen = choices.get(value.toLowerCase(Locale.ROOT));
        if (chosen == null) {
            throw invalid(name, value, "one of " + String.join(", ", choices.keySet()));
        }
        return chosen;
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
