package dev.tresor.keys.james;

import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.RevocationReason;

/**
 * A James user deleted: every active key Tresor issued to her address is revoked
 * ({@link RevocationReason#CESSATION_OF_OPERATION}, actor {@value #ACTOR}; the lifecycle audits it), so that her
 * certificate is on her tenant's CRL and OCSP answers {@code revoked}. Keys imported by an admin are left alone.
 *
 * <p>James 3.8.1 has no hook for "user deleted" that an extension could join (its {@code DeleteUserDataTaskStep}
 * arrived later), so the users repository calls this: Tresor's distribution does in its {@code removeUser}.
 */
public final class UserKeyRevocation {
    public static final String ACTOR = "user-deleted";
    private static final Logger LOGGER = LoggerFactory.getLogger(UserKeyRevocation.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;

    @Inject
    public UserKeyRevocation(KeyRepository repository, TenantResolver tenants) {
        this.repository = repository;
        this.tenants = tenants;
    }

    /**
     * @return the keys revoked; none for a user name without a domain (no virtual hosting), whose mail Tresor issues
     *     nothing to
     * @throws RuntimeException when the revocation failed: the user is deleted all the same, the caller logs it
     */
    public List<IssuedKey> userDeleted(Username user) {
        if (user.getDomainPart().isEmpty()) {
            return List.of();
        }
        EmailAddress address = EmailAddress.of(user.asString());
        TenantId tenant = tenants.tenantOf(address);
        if (!repository.tenants().exists(tenant)) {
            return List.of();
        }
        List<IssuedKey> revoked = repository.lifecycle().revokeAll(tenant, address,
            RevocationReason.CESSATION_OF_OPERATION, ACTOR);
        if (!revoked.isEmpty()) {
            LOGGER.info("User {} deleted: {} key(s) Tresor issued revoked", address.asString(), revoked.size());
        }
        return revoked;
    }
}
