package dev.tresor.keys.lifecycle;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.TenantId;

/**
 * Keys that look after themselves: a tenant's CA issues certificates (and OpenPGP keys) to its users when they first
 * need one, renews them before they expire, revokes them and publishes its CRL and OCSP answers. Every step is
 * recorded in the tenant's audit log, with the actor for admin calls.
 *
 * <p>Issuance is idempotent per tenant, address and kind, across threads and James nodes: however many first mails of
 * one sender arrive at once, one key is made, and every caller gets it. A user's key is issued only for an address
 * in one of the tenant's own domains.
 */
public interface KeyLifecycle {

    /**
     * Generates the tenant's CA: a key pair of its own (protected like every private key) and a self-signed certificate.
     *
     * @throws IllegalStateException when the tenant has a CA already (a CA is never replaced silently)
     * @throws dev.tresor.keys.UnknownTenantException when the tenant does not exist
     */
    TenantCa createCa(TenantId tenant, CaSettings settings, String actor);

    /**
     * Takes an intermediate CA of the organisation's own PKI as the tenant's CA.
     *
     * @param chain the CA certificate first, then its issuers
     * @throws IllegalArgumentException when the certificate is not a CA that may sign certificates and CRLs, has
     *                                  expired, or the key does not belong to it
     * @throws IllegalStateException    when the tenant has a CA already
     */
    TenantCa importCa(TenantId tenant, List<X509Certificate> chain, PrivateKey key, CaSettings settings, String actor);

    Optional<TenantCa> ca(TenantId tenant);

    /** @throws IllegalStateException when the tenant has no CA */
    TenantCa changeSettings(TenantId tenant, CaSettings settings, String actor);

    /**
     * The key to sign a mail of {@code sender} with: the newest usable one of the tenant's vault, or, when it has
     * none and the tenant's CA issues automatically, one issued now (once, whatever the concurrency).
     *
     * @return empty when the sender has no key and none may be issued; the mail then fails closed as before
     * @throws IllegalStateException with the reason when a key should have been issued and could not be
     */
    Optional<KeyPairEntry> smimeKey(TenantId tenant, EmailAddress sender);

    /** {@link #smimeKey} for OpenPGP. */
    Optional<PgpPrivateKeyEntry> pgpKey(TenantId tenant, EmailAddress sender);

    /** Whether {@link #smimeKey} or {@link #pgpKey} would issue a key for this sender if it had none. */
    boolean issuesAutomatically(TenantId tenant, EmailAddress sender, KeyKind kind);

    /**
     * Issues a key ahead of time (an admin's list of addresses). Returns the address's current issued key when it has
     * an active one that is not due for renewal, so calling it twice issues once.
     *
     * @param validityDays overrides the CA's validity (1 to 825 days)
     * @throws IllegalArgumentException when the address is not in one of the tenant's domains
     * @throws IllegalStateException    when the tenant has no CA
     */
    IssuedKey issue(TenantId tenant, KeyKind kind, EmailAddress address, Optional<Integer> validityDays, String actor);

    /** Every key issued by the tenant's CA (all of them, or one address's), oldest first. */
    List<IssuedKey> issued(TenantId tenant, Optional<EmailAddress> address);

    Optional<IssuedKey> issuedKey(TenantId tenant, KeyKind kind, String id);

    /**
     * Renews every active issued key of the tenant that expires within its CA's {@code renewBeforeDays}: a new key is
     * issued, the old one is superseded (kept to decrypt), both are audited. Refreshes the CRL when it is due. A key
     * that cannot be renewed is logged and retried on the next run; the others go on.
     */
    List<Renewal> renew(TenantId tenant, String actor);

    /** The tenants that have a CA: the ones the renewal job visits. */
    List<TenantId> tenantsWithCa();

    /**
     * Active certificates and OpenPGP keys of the tenant's vault, of every origin, that expire within
     * {@code withinDays}, soonest first.
     */
    List<ExpiringKey> expiring(TenantId tenant, int withinDays);

    /**
     * Revokes an issued key: a certificate goes on the CRL (regenerated now) and OCSP answers {@code revoked}; either
     * kind is never used again to sign or encrypt, and stays to decrypt.
     *
     * @return empty when the tenant's CA issued no such key
     */
    Optional<IssuedKey> revoke(TenantId tenant, KeyKind kind, String id, RevocationReason reason, String actor);

    /** Revokes every active key issued to the address (a user deleted): the keys revoked. */
    List<IssuedKey> revokeAll(TenantId tenant, EmailAddress address, RevocationReason reason, String actor);

    /** The tenant CA's current CRL (DER), regenerated when it changed or half of its validity has passed. */
    Optional<byte[]> crl(TenantId tenant);

    /**
     * The tenant CA's OCSP answer (DER) to a request (DER): good, revoked or unknown per certificate; a malformed
     * request gets OCSP's malformedRequest answer, never an exception.
     *
     * @return empty when the tenant has no CA
     */
    Optional<byte[]> ocsp(TenantId tenant, byte[] request);
}
