package dev.tresor.distribution.webadmin;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tresor.keys.TenantId;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.SignatureAlgorithm;

/**
 * Mints WebAdmin tokens with the data directory's signing key ({@link WebAdminSigningKey}); {@code bin/tresor-token}.
 * <pre>
 * bin/tresor-token admin [--subject NAME] [--valid-for DURATION]
 * bin/tresor-token tenant TENANT [--subject NAME] [--valid-for DURATION]
 * </pre>
 * An admin token carries {@code "admin": true} (James's rule: every route); a tenant token carries
 * {@code "tresor_tenant": TENANT} and no admin claim, and reaches only {@code /tresor/tenants/TENANT/...} (see
 * {@link TenantScopedJwtFilter}). {@code --subject} is the {@code sub} claim, the name WebAdmin logs (default
 * {@code admin}, or {@code TENANT-admin}); {@code --valid-for} the lifetime, e.g. {@code 30m}, {@code 12h},
 * {@code 90d} (default {@value #DEFAULT_VALIDITY}). The token is printed on standard output, nothing else.
 */
public final class WebAdminToken {
    static final String DEFAULT_VALIDITY = "24h";
    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})([mhd])");
    private static final String USAGE = "usage: tresor-token admin [--subject NAME] [--valid-for DURATION]\n"
        + "       tresor-token tenant TENANT [--subject NAME] [--valid-for DURATION]\n"
        + "DURATION: a number and m, h or d (default " + DEFAULT_VALIDITY + ")";

    private final PrivateKey key;
    private final Clock clock;

    public WebAdminToken(PrivateKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /** A token for every WebAdmin route. */
    public String admin(String subject, Duration validity) {
        return builder(subject, validity).claim(TenantScopedJwtFilter.ADMIN_CLAIM, true).compact();
    }

    /** A token for {@code /tresor/tenants/{tenant}/...} only. */
    public String tenant(TenantId tenant, String subject, Duration validity) {
        return builder(subject, validity).claim(TenantScopedJwtFilter.TENANT_CLAIM, tenant.asString()).compact();
    }

    private JwtBuilder builder(String subject, Duration validity) {
        if (subject.isBlank()) {
            throw new IllegalArgumentException("The subject (--subject) must not be empty: WebAdmin logs it");
        }
        Instant now = clock.instant();
        return Jwts.builder()
            .setSubject(subject)
            .setIssuedAt(Date.from(now))
            .setExpiration(Date.from(now.plus(validity)))
            .signWith(key, SignatureAlgorithm.ES256);
    }

    /** {@code 30m}, {@code 12h}, {@code 90d}. */
    static Duration validity(String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("--valid-for " + text + " is not a duration such as 30m, 12h or 90d");
        }
        long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2)) {
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                return Duration.ofDays(amount);
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            System.out.println(mint(List.of(args), Path.of(System.getProperty("working.directory")).toAbsolutePath(),
                Path.of(System.getProperty("tresor.configuration.directory")).toAbsolutePath()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("tresor-token: " + e.getMessage());
            System.exit(2);
        }
    }

    static String mint(List<String> args, Path dataDirectory, Path configurationDirectory) throws Exception {
        Deque<String> arguments = new ArrayDeque<>(args);
        String kind = Optional.ofNullable(arguments.poll()).orElseThrow(() -> new IllegalArgumentException(USAGE));
        Optional<TenantId> tenant = Optional.empty();
        if (kind.equals("tenant")) {
            String name = Optional.ofNullable(arguments.poll()).orElseThrow(() -> new IllegalArgumentException(USAGE));
            tenant = Optional.of(TenantId.of(name));
        } else if (!kind.equals("admin")) {
            throw new IllegalArgumentException(USAGE);
        }
        String subject = tenant.map(id -> id.asString() + "-admin").orElse("admin");
        Duration validity = validity(DEFAULT_VALIDITY);
        while (!arguments.isEmpty()) {
            String option = arguments.poll();
            String value = Optional.ofNullable(arguments.poll())
                .orElseThrow(() -> new IllegalArgumentException(option + " needs a value\n" + USAGE));
            if (option.equals("--subject")) {
                subject = value;
            } else if (option.equals("--valid-for")) {
                validity = validity(value);
            } else {
                throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        WebAdminSigningKey signingKey = WebAdminSigningKey.configuredIn(configurationDirectory, dataDirectory)
            .orElseThrow(() -> new IllegalStateException("WebAdmin authentication is off in " + configurationDirectory
                + "/webadmin.properties (jwt.enabled, jwt.publickeypem.url=file://...): no token is needed"));
        WebAdminToken tokens = new WebAdminToken(signingKey.privateKey(), Clock.systemUTC());
        return tenant.isPresent()
            ? tokens.tenant(tenant.get(), subject, validity)
            : tokens.admin(subject, validity);
    }
}
