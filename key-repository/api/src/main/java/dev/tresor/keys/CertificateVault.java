package dev.tresor.keys;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** The X.509 certificates of each tenant: its own and its partners'. */
public interface CertificateVault {

    /**
     * Adds a certificate (and its issuers) to the tenant's vault. Importing a certificate the tenant already holds
     * changes nothing and returns the entry it has.
     *
     * @param chain the certificate first, then its issuers
     * @throws UnknownTenantException when the tenant does not exist
     * @throws IllegalArgumentException when the certificate names no e-mail address
     */
    CertificateEntry add(TenantId tenant, List<X509Certificate> chain, Origin origin);

    /**
     * Adds many certificates to the tenant's vault in one go (a bulk import), with the same rules as {@link #add}.
     * Every chain is checked before anything is stored: one certificate without an e-mail address stores none.
     *
     * @return how many certificates were new
     */
    int addAll(TenantId tenant, List<List<X509Certificate>> chains, Origin origin);

    Optional<CertificateEntry> get(TenantId tenant, Fingerprint fingerprint);

    /** A page of the tenant's certificates ordered by fingerprint, after {@code after} when given. */
    List<CertificateEntry> list(TenantId tenant, Optional<Fingerprint> after, int limit);

    /** @return false if the tenant holds no such certificate */
    boolean setStatus(TenantId tenant, Fingerprint fingerprint, KeyStatus status);

    /**
     * The certificates to encrypt a mail from {@code tenant} to {@code recipient}: active, valid now, able to encrypt,
     * naming the address. The tenant's own vault is searched first; the vaults of tenants that granted it
     * federation only when its own has none. Newest first.
     */
    List<CertificateEntry> encryptionCertificates(TenantId tenant, EmailAddress recipient, SelectionPolicy policy);

    /** Every certificate of the tenant matching a CMS recipient identifier, whatever its status or validity. */
    List<CertificateEntry> find(TenantId tenant, RecipientId recipientId);
}
