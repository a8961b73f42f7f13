package dev.tresor.keys;

import java.security.PrivateKey;
import java.util.List;
import java.util.Optional;

/**
 * The private keys of each tenant's own certificates, encrypted at rest. Private keys never cross tenants, not even
 * through federation.
 */
public interface PrivateKeyVault {

    /**
     * Stores the private key of a certificate the tenant holds.
     *
     * @throws IllegalArgumentException when the tenant holds no such certificate or the key does not belong to it
     */
    void add(TenantId tenant, Fingerprint certificate, PrivateKey privateKey);

    boolean has(TenantId tenant, Fingerprint certificate);

    /**
     * Whether {@link #signingKey} has a certificate with a stored private key to offer, without decrypting the key:
     * a key that then cannot be decrypted makes the signing mailet fail closed, to its {@code onFailure}.
     */
    boolean hasSigningKey(TenantId tenant, EmailAddress sender);

    /** The newest usable signing certificate with its key for this sender, from the tenant's own vault. */
    Optional<KeyPairEntry> signingKey(TenantId tenant, EmailAddress sender);

    /** Every key of the tenant that may have been used to encrypt to this recipient id: all of its history. */
    List<KeyPairEntry> decryptionKeys(TenantId tenant, RecipientId recipientId);
}
