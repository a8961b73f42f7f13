package dev.tresor.keys.spi;

import java.util.Objects;
import java.util.Optional;

import dev.tresor.keys.TenantId;

/**
 * What a write to a shared storage changed, as one node tells the others: the rows of one tenant (certificates,
 * OpenPGP keys, grants, passwords, policies) or the mapping of one domain. Nodes forget what they cached about it.
 *
 * <p>Sent as text, {@code tenant <id>} or {@code domain <name>}: neither a tenant id nor a normalised domain contains
 * a space. Text that is neither is refused by {@link #parse}; whoever receives it must assume anything changed.
 */
public final class StorageChange {
    /** What kind of thing changed. */
    public enum Kind {
        TENANT("tenant"), DOMAIN("domain");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Kind kind;
    private final String subject;

    private StorageChange(Kind kind, String subject) {
        this.kind = kind;
        this.subject = subject;
    }

    public static StorageChange tenant(TenantId tenant) {
        return new StorageChange(Kind.TENANT, tenant.asString());
    }

    /** @param domain a normalised domain, as the storage keeps it */
    public static StorageChange domain(String domain) {
        if (domain.isEmpty() || domain.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("Not a normalised domain: '" + domain + "'");
        }
        return new StorageChange(Kind.DOMAIN, domain);
    }

    /** The change {@link #asText()} wrote, or empty for anything else. */
    public static Optional<StorageChange> parse(String text) {
        int space = text.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String label = text.substring(0, space);
        String subject = text.substring(space + 1);
        try {
            if (label.equals(Kind.TENANT.label)) {
                TenantId tenant = TenantId.of(subject);
                return tenant.asString().equals(subject) ? Optional.of(tenant(tenant)) : Optional.empty();
            }
            if (label.equals(Kind.DOMAIN.label)) {
                return Optional.of(domain(subject));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public Kind kind() {
        return kind;
    }

    /** The tenant id or the domain. */
    public String subject() {
        return subject;
    }

    public String asText() {
        return kind.label + " " + subject;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StorageChange)) {
            return false;
        }
        StorageChange other = (StorageChange) o;
        return kind == other.kind && subject.equals(other.subject);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, subject);
    }

    @Override
    public String toString() {
        return asText();
    }
}
