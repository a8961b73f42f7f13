package dev.tresor.keys;

import java.util.Optional;

/** Passwords agreed in advance with recipients who have no key, for PdfWrap. Encrypted at rest. */
public interface PdfPasswordVault {

    void set(TenantId tenant, EmailAddress recipient, char[] password);

    Optional<char[]> get(TenantId tenant, EmailAddress recipient);

    boolean remove(TenantId tenant, EmailAddress recipient);
}
