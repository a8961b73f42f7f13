package dev.tresor.keys;

import java.util.Arrays;
import java.util.Optional;

/** Passwords agreed in advance with recipients who have no key, for PdfWrap. Encrypted at rest. */
public interface PdfPasswordVault {

    void set(TenantId tenant, EmailAddress recipient, char[] password);

    Optional<char[]> get(TenantId tenant, EmailAddress recipient);

    boolean remove(TenantId tenant, EmailAddress recipient);

    /**
     * Whether the tenant agreed a password with the recipient (what the chain asks before it chooses PDF). The password
     * is read to know, and wiped at once.
     */
    default boolean exists(TenantId tenant, EmailAddress recipient) {
        Optional<char[]> password = get(tenant, recipient);
        password.ifPresent(chars -> Arrays.fill(chars, '\0'));
        return password.isPresent();
    }
}
