package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static org.apache.james.webadmin.authentication.AuthenticationFilter.LOGIN;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.tresor.keys.DomainName;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantDirectory;
import dev.tresor.keys.TenantId;
import spark.HaltException;
import spark.Request;

/**
 * Turns the path and query parameters of a Tresor request into value types, or halts with 400 (malformed) or 404
 * (well-formed, but no such tenant) and a message naming the parameter.
 */
final class RequestParameters {
    static final String TENANT = ":tenant";
    static final String DOMAIN = ":domain";
    static final String FINGERPRINT = ":fingerprint";
    static final String ADDRESS = ":address";
    private static final String STATUS = "status";
    private static final int DEFAULT_PAGE_SIZE = 100;
    private static final int MAX_PAGE_SIZE = 1000;

    private static final Pattern HOST_NAME = Pattern.compile(
        "(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*");

    private RequestParameters() {
    }

    /**
     * Who makes an admin change, for the audit log and the history of what changed: the WebAdmin token's subject when
     * authentication is on, else {@value PolicyRoutes#ANONYMOUS}.
     */
    static String actor(Request request) {
        Object login = request.attribute(LOGIN);
        return login == null || login.toString().isBlank() ? PolicyRoutes.ANONYMOUS : login.toString();
    }

    static TenantId tenant(Request request, String parameter) {
        try {
            return TenantId.of(request.params(parameter));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    /** A tenant named by the query parameter {@code name}. */
    static TenantId tenant(String name, String value) {
        try {
            return TenantId.of(value);
        } catch (IllegalArgumentException e) {
            throw badRequest("Invalid " + name + ": " + e.getMessage());
        }
    }

    /** The tenant named by the {@code :tenant} path parameter; 404 if it does not exist. */
    static TenantId existingTenant(Request request, TenantDirectory tenants) {
        return existingTenant(request, TENANT, tenants);
    }

    static TenantId existingTenant(Request request, String parameter, TenantDirectory tenants) {
        TenantId tenant = tenant(request, parameter);
        if (!tenants.exists(tenant)) {
            throw unknownTenant(tenant);
        }
        return tenant;
    }

    static HaltException unknownTenant(TenantId tenant) {
        return notFound("Unknown tenant '" + tenant.asString() + "'");
    }

    /** A domain name in the canonical form the key repository stores ({@link DomainName}). */
    static String domain(Request request) {
        try {
            return DomainName.canonical(request.params(DOMAIN));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    static Fingerprint fingerprint(Request request) {
        try {
            return Fingerprint.of(request.params(FINGERPRINT));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    static EmailAddress address(Request request) {
        return address(request.params(ADDRESS), "address");
    }

    static EmailAddress address(String raw, String name) {
        if (raw == null || raw.isBlank()) {
            throw badRequest("Missing " + name + ": give an e-mail address such as alice@example.com");
        }
        try {
            EmailAddress address = EmailAddress.of(raw);
            if (!HOST_NAME.matcher(address.domain()).matches() || address.localPart().isBlank()) {
                throw new IllegalArgumentException("Not an e-mail address: '" + raw + "'");
            }
            return address;
        } catch (IllegalArgumentException e) {
            throw badRequest("Invalid " + name + " '" + raw + "': " + e.getMessage());
        }
    }

    /**
     * A query parameter, from the query string only: Jetty's own lookup would also parse a body sent as
     * {@code application/x-www-form-urlencoded} (curl's default) as parameters, and consume it (see {@link RequestBody}).
     */
    static Optional<String> query(Request request, String name) {
        return queryParameters(request).getOrDefault(name, List.of()).stream()
            .findFirst()
            .map(String::trim)
            .filter(value -> !value.isEmpty());
    }

    /** Every query parameter with its values, in order; 400 for a malformed query string. */
    static Map<String, List<String>> queryParameters(Request request) {
        String query = request.raw().getQueryString();
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parameters.computeIfAbsent(name, any -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    private static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badRequest("Malformed query string: " + e.getMessage());
        }
    }

    static int limit(Request request, int defaultLimit, int maxLimit) {
        return query(request, "limit")
            .map(value -> {
                try {
                    int limit = Integer.parseInt(value);
                    if (limit >= 1 && limit <= maxLimit) {
                        return limit;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw badRequest("Invalid limit '" + value + "': use a whole number from 1 to " + maxLimit);
            })
            .orElse(defaultLimit);
    }

    /** An ISO-8601 instant ({@code 2025-01-31T12:00:00Z}) or date-time with offset ({@code ...+01:00}). */
    static Optional<Instant> instant(Request request, String name) {
        return query(request, name).map(value -> {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(value).toInstant();
                } catch (DateTimeParseException again) {
                    throw badRequest("Invalid " + name + " '" + value + "': use an ISO-8601 time such as "
                        + "2025-01-31T12:00:00Z");
                }
            }
        });
    }

    /** The {@code after} query parameter of a paged list, parsed by {@code parse} (its message on failure). */
    static <T> Optional<T> after(Request request, Function<String, T> parse) {
        return query(request, "after").map(value -> {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw badRequest("Invalid after: " + e.getMessage());
            }
        });
    }

    /** The {@code limit} query parameter of a paged list: 1 to 1000, 100 when absent. */
    static int pageSize(Request request) {
        return limit(request, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    }

    /** The {@code origin} query parameter of an import: imported (default) or harvested. */
    static Origin origin(Request request) {
        String value = query(request, "origin").orElse("imported");
        switch (value.toLowerCase(Locale.ROOT)) {
            case "imported":
                return Origin.IMPORTED;
            case "harvested":
                return Origin.HARVESTED;
            default:
                throw badRequest("Invalid origin '" + value + "': use imported or harvested");
        }
    }

    /** The {@code policy} query parameter of a lookup: newest (default) or all. */
    static SelectionPolicy policy(Request request) {
        String value = query(request, "policy").orElse("newest");
        switch (value.toLowerCase(Locale.ROOT)) {
            case "newest":
                return SelectionPolicy.NEWEST;
            case "all":
                return SelectionPolicy.ALL_VALID;
            default:
                throw badRequest("Invalid policy '" + value + "': use newest or all");
        }
    }

    /** The {@code {"status": ...}} body of a status change: active, revoked or superseded. */
    static KeyStatus status(Request request) {
        String value = JsonBody.parse(request, Set.of(STATUS)).requiredString(STATUS);
        switch (value.toLowerCase(Locale.ROOT)) {
            case "active":
                return KeyStatus.ACTIVE;
            case "revoked":
                return KeyStatus.REVOKED;
            case "superseded":
                return KeyStatus.SUPERSEDED;
            default:
                throw badRequest("Invalid status '" + value + "': use active, revoked or superseded");
        }
    }
}
