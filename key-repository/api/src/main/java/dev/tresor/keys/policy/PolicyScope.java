package dev.tresor.keys.policy;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.tresor.keys.DomainName;
import dev.tresor.keys.EmailAddress;

/**
 * Where a set of policy settings applies within a tenant. Settings inherit field by field from the less specific
 * scopes, as admins know it from other gateways:
 * <ul>
 *     <li>partner side (the other end of the mail): tenant default ← partner domain ({@code *.example.com} is a
 *         wildcard for every subdomain, the exact {@code example.com} wins over it) ← partner address;</li>
 *     <li>sending side (our own users): tenant default ← sender domain ← sender address.</li>
 * </ul>
 * Written as one word: {@code default}, {@code partner:example.com}, {@code partner:*.example.com},
 * {@code partner:bob@example.com}, {@code sender:acme.example}, {@code sender:alice@acme.example}. Domains and
 * addresses are kept normalised (lower case, IDN as punycode).
 */
public final class PolicyScope implements Comparable<PolicyScope> {
    private static final String WILDCARD = "*.";

    public enum Kind {
        DEFAULT, PARTNER_DOMAIN, PARTNER_ADDRESS, SENDER_DOMAIN, SENDER_ADDRESS;

        public boolean isPartner() {
            return this == PARTNER_DOMAIN || this == PARTNER_ADDRESS;
        }

        public boolean isSender() {
            return this == SENDER_DOMAIN || this == SENDER_ADDRESS;
        }
    }

    private static final PolicyScope DEFAULT = new PolicyScope(Kind.DEFAULT, "");

    private final Kind kind;
    private final String name;

    private PolicyScope(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    public static PolicyScope tenantDefault() {
        return DEFAULT;
    }

    /** A partner domain, or a wildcard {@code *.example.com} for all its subdomains (not example.com itself). */
    public static PolicyScope partnerDomain(String domain) {
        return new PolicyScope(Kind.PARTNER_DOMAIN, domainPattern(domain));
    }

    public static PolicyScope partnerAddress(EmailAddress address) {
        return new PolicyScope(Kind.PARTNER_ADDRESS, address.asString());
    }

    public static PolicyScope senderDomain(String domain) {
        return new PolicyScope(Kind.SENDER_DOMAIN, DomainName.canonical(domain));
    }

    public static PolicyScope senderAddress(EmailAddress address) {
        return new PolicyScope(Kind.SENDER_ADDRESS, address.asString());
    }

    /** A partner scope: an address if {@code domainOrAddress} has an {@code @}, else a domain or wildcard. */
    public static PolicyScope partner(String domainOrAddress) {
        return domainOrAddress.contains("@") ? partnerAddress(address(domainOrAddress)) : partnerDomain(domainOrAddress);
    }

    /** A sender scope: an address if {@code domainOrAddress} has an {@code @}, else a domain. */
    public static PolicyScope sender(String domainOrAddress) {
        return domainOrAddress.contains("@") ? senderAddress(address(domainOrAddress)) : senderDomain(domainOrAddress);
    }

    /** Reads the one-word form ({@link #asString()}). */
    public static PolicyScope parse(String text) {
        Objects.requireNonNull(text);
        if (text.equals("default")) {
            return DEFAULT;
        }
        if (text.startsWith("partner:")) {
            return partner(text.substring("partner:".length()));
        }
        if (text.startsWith("sender:")) {
            return sender(text.substring("sender:".length()));
        }
        throw new IllegalArgumentException("'" + text + "' is not a policy scope; write default, partner:<domain>, "
            + "partner:*.<domain>, partner:<address>, sender:<domain> or sender:<address>");
    }

    private static EmailAddress address(String text) {
        try {
            return EmailAddress.of(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid e-mail address");
        }
    }

    private static String domainPattern(String domain) {
        if (domain.startsWith(WILDCARD)) {
            return WILDCARD + DomainName.canonical(domain.substring(WILDCARD.length()));
        }
        return DomainName.canonical(domain);
    }

    public Kind kind() {
        return kind;
    }

    /** The domain, wildcard or address; empty for the tenant default. */
    public String name() {
        return name;
    }

    public boolean isWildcard() {
        return kind == Kind.PARTNER_DOMAIN && name.startsWith(WILDCARD);
    }

    /** Whether this partner domain scope applies to mail with a partner in {@code domain} (normalised). */
    public boolean coversDomain(String domain) {
        if (kind != Kind.PARTNER_DOMAIN && kind != Kind.SENDER_DOMAIN) {
            return false;
        }
        String wanted = domain.toLowerCase(Locale.ROOT);
        if (isWildcard()) {
            return wanted.endsWith(name.substring(1));
        }
        return wanted.equals(name);
    }

    /** How many labels the domain or wildcard names: a longer one is more specific. */
    int labels() {
        return (int) name.chars().filter(c -> c == '.').count() + 1;
    }

    public String asString() {
        switch (kind) {
            case DEFAULT:
                return "default";
            case PARTNER_DOMAIN:
            case PARTNER_ADDRESS:
                return "partner:" + name;
            default:
                return "sender:" + name;
        }
    }

    public Optional<EmailAddress> address() {
        return kind == Kind.PARTNER_ADDRESS || kind == Kind.SENDER_ADDRESS ? Optional.of(EmailAddress.of(name))
            : Optional.empty();
    }

    @Override
    public int compareTo(PolicyScope other) {
        int byKind = kind.compareTo(other.kind);
        return byKind != 0 ? byKind : name.compareTo(other.name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyScope && ((PolicyScope) o).kind == kind && ((PolicyScope) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name);
    }

    @Override
    public String toString() {
        return asString();
    }
}
