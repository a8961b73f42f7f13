package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import spark.Request;

/**
 * A JSON object sent to a Tresor route, with the fields it may hold. Parse errors are reported with their position
 * but without quoting the body: bodies carry passwords.
 */
final class JsonBody {
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final JsonNode object;

    private JsonBody(JsonNode object) {
        this.object = object;
    }

    /** @param fields the only field names the object may have */
    static JsonBody parse(Request request, Set<String> fields) {
        JsonNode node = read(request, describe(fields));
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw badRequest("Unknown field '" + name + "' in the JSON body: expected " + describe(fields));
            }
        }
        return new JsonBody(node);
    }

    /**
     * Every field of the object, in order, for a caller that checks the field names itself (with a message of its
     * own, as policies do).
     *
     * @param expected what the object should hold, for the message when there is no object
     */
    static Map<String, JsonNode> object(Request request, String expected) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        read(request, expected).fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue()));
        return fields;
    }

    private static JsonNode read(Request request, String expected) {
        String body = RequestBody.json(request);
        if (body == null || body.isBlank()) {
            throw badRequest("Missing JSON body: expected an object with " + expected);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw badRequest("Malformed JSON body: " + e.getOriginalMessage() + location(e.getLocation()));
        }
        if (node == null || !node.isObject()) {
            throw badRequest("The JSON body must be an object with " + expected);
        }
        return node;
    }

    String requiredString(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw badRequest("Missing field '" + field + "' in the JSON body");
        }
        if (!value.isTextual()) {
            throw badRequest("Field '" + field + "' must be a JSON string");
        }
        return value.textValue();
    }

    Optional<String> optionalString(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return Optional.of(requiredString(field));
    }

    /** A whole number from {@code min} to {@code max}; empty when the field is absent or null. */
    Optional<Integer> optionalInt(String field, int min, int max) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw badRequest("Field '" + field + "' must be a whole number from " + min + " to " + max);
        }
        return Optional.of(value.intValue());
    }

    /** An array of strings; empty when the field is absent or null. */
    List<String> stringList(String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw badRequest("Field '" + field + "' must be a JSON array of strings");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw badRequest("Field '" + field + "' must be a JSON array of strings");
            }
            items.add(item.textValue());
        }
        return items;
    }

    private static String location(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
            : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String describe(Set<String> fields) {
        return "the field" + (fields.size() == 1 ? " " : "s ") + String.join(", ", new TreeSet<>(fields));
    }
}
