package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tresor.keys.policy.PolicySettings;
import spark.Request;

/**
 * The body of a policy PUT: a JSON object of {@link PolicySettings} fields. Values are read as the text PolicySettings
 * parses: a string as it is, a boolean as {@code true}/{@code false}, an array of strings joined with commas (the
 * preference order of {@code mechanisms}); null leaves the field unset. Field names and values are checked by
 * PolicySettings, whose messages name the field.
 */
final class PolicyBody {

    private PolicyBody() {
    }

    static PolicySettings settings(Request request) {
        Map<String, String> fields = new LinkedHashMap<>();
        JsonBody.object(request, "policy fields " + PolicySettings.FIELDS).forEach((field, value) -> {
            if (!value.isNull()) {
                fields.put(field, text(field, value));
            }
        });
        try {
            return PolicySettings.fromMap(fields);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private static String text(String field, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return String.valueOf(value.booleanValue());
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw mistyped(field);
                }
                items.add(item.textValue());
            }
            return String.join(",", items);
        }
        throw mistyped(field);
    }

    private static RuntimeException mistyped(String field) {
        return badRequest("Field '" + field + "' must be a JSON string, boolean or array of strings");
    }
}
