package dev.tresor.keys.james;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;

import com.google.common.annotations.VisibleForTesting;
import com.google.common.base.Throwables;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.UncheckedExecutionException;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantDirectory;
import dev.tresor.keys.TenantId;

/**
 * The tenant of a mail domain as James sees it: James domain aliases belong to the tenant of the domain they alias.
 *
 * <p>The {@link TenantDirectory} knows nothing of James; this class asks James's {@link RecipientRewriteTable}, where
 * James 3.8.1 keeps domain aliases (source {@link MappingSource#fromDomain(Domain) the alias domain}, a mapping of
 * type {@link Mapping.Type#DomainAlias} whose value is the aliased domain, as WebAdmin's
 * {@code PUT /domains/{target}/aliases/{alias}} stores them). The rules, in order:
 * <ol>
 *   <li>A directory mapping of the domain itself wins: an alias domain explicitly given to a tenant belongs to that
 *       tenant, whatever it aliases.</li>
 *   <li>Otherwise, a domain alias is resolved to its target domain, and the directory gives the target's tenant (its
 *       mapped tenant, or the target domain itself as a tenant). Aliases are resolved one level only (the directory is
 *       asked about the target, never the RRT again), so alias loops cannot recurse; an alias to the domain itself is
 *       ignored.</li>
 *   <li>A domain that is no alias is resolved by the directory alone, as {@link TenantDirectory#tenantOf(String)}.</li>
 * </ol>
 * If one alias domain has several targets belonging to different tenants, the tenant is ambiguous: rather than pick a
 * vault, {@link #tenantOf(Domain)} fails with an {@link IllegalStateException} (the caller fails closed).
 *
 * <p>The directory's answers are cached by the key repository (and forgotten when they change). The aliases of a domain
 * are read from James's RRT, a database query each, and every mailet and matcher of the chain asks for the sender's or
 * a recipient's tenant (a relay profile put a tenth of James's CPU per mail there): they are kept for the key
 * repository's {@code cache.ttl} (30 s by default; 0 = read every time), in one cache shared by the whole chain, so
 * a domain alias added or removed in James applies to the tenant of its mail within that time.
 *
 * <p>One per injector ({@link Singleton}): Guice creates it just in time wherever a {@link KeyRepository}, James's
 * {@link RecipientRewriteTable} and the {@link KeyRepositoryConfiguration} are bound, so it needs no binding of its own.
 */
@Singleton
public final class TenantResolver {
    private static final long MAXIMUM_CACHED_DOMAINS = 10_000;

    private final KeyRepository repository;
    private final RecipientRewriteTable recipientRewriteTable;
    private final Optional<Cache<Domain, Set<String>>> aliasTargets;

    @Inject
    public TenantResolver(KeyRepository repository, RecipientRewriteTable recipientRewriteTable,
                          KeyRepositoryConfiguration configuration) {
        this(repository, recipientRewriteTable, configuration.cacheTtl());
    }

    /** Reads the RRT on every call. */
    public TenantResolver(KeyRepository repository, RecipientRewriteTable recipientRewriteTable) {
        this(repository, recipientRewriteTable, Duration.ZERO);
    }

    @VisibleForTesting
    TenantResolver(KeyRepository repository, RecipientRewriteTable recipientRewriteTable, Duration aliasTtl) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.recipientRewriteTable = Objects.requireNonNull(recipientRewriteTable, "recipientRewriteTable");
        this.aliasTargets = aliasTtl.isZero() ? Optional.empty() : Optional.of(CacheBuilder.newBuilder()
            .expireAfterWrite(aliasTtl)
            .maximumSize(MAXIMUM_CACHED_DOMAINS)
            .build());
    }

    /** The tenant of the address's domain. */
    public TenantId tenantOf(MailAddress address) {
        return tenantOf(Objects.requireNonNull(address, "address").getDomain());
    }

    /** The tenant of the address's domain. */
    public TenantId tenantOf(EmailAddress address) {
        return tenantOf(Domain.of(Objects.requireNonNull(address, "address").domain()));
    }

    /**
     * @throws IllegalStateException when the RRT cannot be read, or the domain is an alias of domains of different
     *     tenants
     */
    public TenantId tenantOf(Domain domain) {
        Objects.requireNonNull(domain, "domain");
        TenantDirectory directory = repository.tenants();
        Set<String> targets = aliasTargets(domain);
        if (targets.isEmpty()) {
            return directory.tenantOf(domain.asString());
        }
        if (isExplicitlyMapped(directory, domain.asString())) {
            return directory.tenantOf(domain.asString());
        }
        Set<TenantId> tenants = targets.stream()
            .map(directory::tenantOf)
            .collect(Collectors.toCollection(TreeSet::new));
        if (tenants.size() > 1) {
            throw new IllegalStateException("Domain '" + domain.asString() + "' is an alias of " + targets
                + ", which belong to different tenants " + tenants + ": map it to one tenant explicitly");
        }
        return tenants.iterator().next();
    }

    private Set<String> aliasTargets(Domain domain) {
        if (aliasTargets.isEmpty()) {
            return readAliasTargets(domain);
        }
        try {
            return aliasTargets.get().get(domain, () -> readAliasTargets(domain));
        } catch (ExecutionException | UncheckedExecutionException e) {
            Throwables.throwIfUnchecked(e.getCause());
            throw new IllegalStateException(e.getCause());
        }
    }

    private Set<String> readAliasTargets(Domain domain) {
        String self = EmailAddress.normaliseDomain(domain.asString());
        try {
            return recipientRewriteTable.getStoredMappings(MappingSource.fromDomain(domain))
                .select(Mapping.Type.DomainAlias)
                .asStream()
                .map(Mapping::getMappingValue)
                .map(EmailAddress::normaliseDomain)
                .filter(target -> !target.equals(self))
                .collect(Collectors.collectingAndThen(Collectors.toCollection(TreeSet::new),
                    Collections::unmodifiableSet));
        } catch (RecipientRewriteTableException e) {
            throw new IllegalStateException("Cannot read the domain aliases of '" + domain.asString() + "'", e);
        }
    }

    /** Whether the directory maps the domain itself to a tenant (rather than defaulting to it as its own tenant). */
    private static boolean isExplicitlyMapped(TenantDirectory directory, String domain) {
        String normalised = EmailAddress.normaliseDomain(domain);
        TenantId tenant;
        try {
            tenant = directory.tenantOf(normalised);
        } catch (IllegalArgumentException notMappedAndNoValidTenantId) {
            // an unmapped domain that cannot be its own tenant (e.g. longer than a tenant id): not mapped
            return false;
        }
        if (!tenant.asString().equals(normalised)) {
            return true;
        }
        List<String> owned = directory.domains(tenant);
        return owned.contains(normalised);
    }
}
