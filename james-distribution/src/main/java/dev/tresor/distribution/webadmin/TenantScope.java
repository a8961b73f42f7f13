package dev.tresor.distribution.webadmin;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import dev.tresor.keys.TenantId;

/**
 * What a token bound to one tenant may reach: {@code /tresor/tenants/{that tenant}} and below, nothing else (no other
 * tenant, no James route such as {@code /domains}, not the tenant list).
 *
 * <p>The decision is taken on the path exactly as the client sent it (undecoded), because a router decodes what it
 * matches: whatever could be read as something else is refused rather than interpreted. The tenant segment must be
 * the tenant's id as it is stored (lower case, no escape), and no segment may be empty, {@code .} or {@code ..}, hold a
 * {@code \} or a {@code ;}, or escape (percent-encode) a {@code /}, {@code \}, {@code .}, {@code %}, {@code ;} or a
 * control character. Refused too, because the hosting provider decides them and they touch other tenants: creating the
 * tenant ({@code PUT /tresor/tenants/{tenant}}) and changing which domains it owns
 * ({@code PUT|DELETE /tresor/tenants/{tenant}/domains/...}, which could take a domain from another tenant).
 */
final class TenantScope {
    private static final List<String> PREFIX = List.of("", "tresor", "tenants");
    private static final Set<String> PROVIDER_METHODS = Set.of("PUT", "DELETE", "POST", "PATCH");
    private static final String DOMAINS = "domains";
    /** Escaped, these could change how a segment is split or resolved once decoded. */
    private static final String ESCAPES_REFUSED = "/\\.%;";

    private final TenantId tenant;

    TenantScope(TenantId tenant) {
        this.tenant = Objects.requireNonNull(tenant);
    }

    TenantId tenant() {
        return tenant;
    }

    /** Whether {@code method} on {@code rawPath} (the request URI before decoding, without the query) stays inside. */
    boolean permits(String method, String rawPath) {
        List<String> segments = Arrays.asList(rawPath.split("/", -1));
        if (segments.size() < PREFIX.size() + 1 || !segments.subList(0, PREFIX.size()).equals(PREFIX)) {
            return false;
        }
        if (!segments.get(PREFIX.size()).equals(tenant.asString())) {
            return false;
        }
        List<String> below = segments.subList(PREFIX.size() + 1, segments.size());
        return below.stream().allMatch(TenantScope::plainSegment) && !providerOperation(method, below);
    }

    private static boolean providerOperation(String method, List<String> below) {
        boolean writes = PROVIDER_METHODS.contains(method.toUpperCase(Locale.ROOT));
        return writes && (below.isEmpty() || below.get(0).equals(DOMAINS));
    }

    private static boolean plainSegment(String segment) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return false;
                }
                int high = Character.digit(segment.charAt(i + 1), 16);
                int low = Character.digit(segment.charAt(i + 2), 16);
                int escaped = high * 16 + low;
                if (high < 0 || low < 0 || ESCAPES_REFUSED.indexOf(escaped) >= 0 || escaped < 0x20 || escaped == 0x7f) {
                    return false;
                }
                i += 2;
            } else if (c == '\\' || c == ';' || c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
