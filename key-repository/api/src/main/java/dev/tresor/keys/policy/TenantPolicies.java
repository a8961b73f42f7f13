package dev.tresor.keys.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import dev.tresor.keys.EmailAddress;

/**
 * Every policy scope of one tenant, and the rules that resolve them for one mail. Each field is taken from the most
 * specific scope that sets it:
 * <ul>
 *     <li>partner fields: partner address, the exact partner domain, the wildcards covering it (more labels first),
 *         the tenant default, then the built-in default;</li>
 *     <li>sender fields: sender address, sender domain, the tenant default, then the built-in default.</li>
 * </ul>
 * Built-in defaults (a tenant without policies behaves as before policies existed): encryption
 * {@code opportunistic}, mechanisms {@code smime,pgp,pdf}, signing {@code if-possible}, no inbound requirement,
 * inbound action {@code quarantine}, subject tag {@code [secure]}, trigger header
 * {@code Sensitivity: Company-Confidential}.
 */
public final class TenantPolicies {
    public static final Encryption DEFAULT_ENCRYPTION = Encryption.OPPORTUNISTIC;
    public static final Signing DEFAULT_SIGNING = Signing.IF_POSSIBLE;
    public static final InboundAction DEFAULT_INBOUND_ACTION = InboundAction.QUARANTINE;
    public static final String DEFAULT_SUBJECT_TAG = "[secure]";
    public static final HeaderTrigger DEFAULT_TRIGGER_HEADER = HeaderTrigger.parse("Sensitivity: Company-Confidential");

    private static final TenantPolicies NONE = new TenantPolicies(Map.of());

    private final Map<PolicyScope, PolicySettings> scopes;

    private TenantPolicies(Map<PolicyScope, PolicySettings> scopes) {
        this.scopes = scopes;
    }

    public static TenantPolicies none() {
        return NONE;
    }

    /** @throws IllegalArgumentException if a scope holds a field it cannot hold */
    public static TenantPolicies of(Map<PolicyScope, PolicySettings> scopes) {
        scopes.forEach((scope, settings) -> settings.checkFor(scope));
        return new TenantPolicies(Map.copyOf(scopes));
    }

    /** Every scope with its settings, in {@link PolicyScope} order. */
    public Map<PolicyScope, PolicySettings> scopes() {
        return new TreeMap<>(scopes);
    }

    public OutboundPolicy outbound(EmailAddress sender, EmailAddress recipient) {
        List<PolicyScope> partner = partnerChain(recipient);
        List<PolicyScope> senderChain = senderChain(sender);
        Optional<PolicyScope> decidedBy = first(partner, settings -> settings.encryption().isPresent());
        return new OutboundPolicy(
            resolve(partner, PolicySettings::encryption).orElse(DEFAULT_ENCRYPTION),
            resolve(partner, PolicySettings::mechanisms).orElse(PolicySettings.defaultMechanisms()),
            resolve(partner, PolicySettings::gatewayCertificate),
            resolve(partner, PolicySettings::gatewayPgpKey),
            resolve(senderChain, PolicySettings::signing).orElse(DEFAULT_SIGNING),
            decidedBy.orElse(PolicyScope.tenantDefault()));
    }

    public InboundPolicy inbound(EmailAddress partner) {
        List<PolicyScope> chain = partnerChain(partner);
        Optional<PolicyScope> decidedBy = first(chain, settings -> settings.requireSignature().isPresent()
            || settings.requireEncryption().isPresent() || settings.requireTls().isPresent()
            || settings.inboundAction().isPresent());
        return new InboundPolicy(
            resolve(chain, PolicySettings::requireSignature).orElse(false),
            resolve(chain, PolicySettings::requireEncryption).orElse(false),
            resolve(chain, PolicySettings::requireTls).orElse(false),
            resolve(chain, PolicySettings::inboundAction).orElse(DEFAULT_INBOUND_ACTION),
            decidedBy.orElse(PolicyScope.tenantDefault()));
    }

    /** The subject tag that makes a mail mandatory, unless the tenant switched it off. */
    public Optional<String> subjectTag() {
        Optional<String> set = defaults().subjectTag();
        if (set.isEmpty()) {
            return Optional.of(DEFAULT_SUBJECT_TAG);
        }
        return set.filter(tag -> !tag.isEmpty());
    }

    /** The header that makes a mail mandatory, unless the tenant switched it off. */
    public Optional<HeaderTrigger> triggerHeader() {
        Optional<String> set = defaults().triggerHeader();
        if (set.isEmpty()) {
            return Optional.of(DEFAULT_TRIGGER_HEADER);
        }
        return set.filter(text -> !text.isEmpty()).map(HeaderTrigger::parse);
    }

    private PolicySettings defaults() {
        return scopes.getOrDefault(PolicyScope.tenantDefault(), PolicySettings.none());
    }

    /** Partner address, exact domain, covering wildcards by decreasing length, tenant default. */
    private List<PolicyScope> partnerChain(EmailAddress partner) {
        List<PolicyScope> chain = new ArrayList<>();
        chain.add(PolicyScope.partnerAddress(partner));
        scopes.keySet().stream()
            .filter(scope -> scope.kind() == PolicyScope.Kind.PARTNER_DOMAIN && scope.coversDomain(partner.domain()))
            .sorted(Comparator.comparing(PolicyScope::isWildcard).thenComparing(PolicyScope::labels,
                Comparator.reverseOrder()))
            .forEach(chain::add);
        chain.add(PolicyScope.tenantDefault());
        return chain;
    }

    private List<PolicyScope> senderChain(EmailAddress sender) {
        List<PolicyScope> chain = new ArrayList<>();
        chain.add(PolicyScope.senderAddress(sender));
        scopes.keySet().stream()
            .filter(scope -> scope.kind() == PolicyScope.Kind.SENDER_DOMAIN && scope.coversDomain(sender.domain()))
            .forEach(chain::add);
        chain.add(PolicyScope.tenantDefault());
        return chain;
    }

    private <T> Optional<T> resolve(List<PolicyScope> chain, Function<PolicySettings, Optional<T>> field) {
        for (PolicyScope scope : chain) {
            Optional<T> value = Optional.ofNullable(scopes.get(scope)).flatMap(field);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    private Optional<PolicyScope> first(List<PolicyScope> chain, java.util.function.Predicate<PolicySettings> sets) {
        return chain.stream().filter(scope -> scopes.containsKey(scope) && sets.test(scopes.get(scope))).findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantPolicies && ((TenantPolicies) o).scopes.equals(scopes);
    }

    @Override
    public int hashCode() {
        return scopes.hashCode();
    }

    @Override
    public String toString() {
        return scopes().toString();
    }
}
