package dev.tresor.keys;

import java.util.List;
import java.util.Optional;

/**
 * The OpenPGP keys of each tenant: its partners' public keys, and its own keys with their secret keys, encrypted at
 * rest. Keys are identified by the fingerprint of their primary key.
 *
 * <p>Input is what {@code gpg --armor --export} or {@code gpg --armor --export-secret-keys} writes, ASCII-armored or
 * binary, holding exactly one key ring: an input with several is refused (import them one at a time), so that an
 * administrator always knows which key an answer, or an error, is about.
 */
public interface PgpKeyVault {

    /**
     * Adds a public key ring to the tenant's vault. If the tenant holds the key already, the two copies are merged:
     * new user ids, subkeys and signatures (a revocation, a prolonged expiry) are added, nothing is removed, so a
     * stale copy never undoes a revocation. The status and the time it was first added stay; the origin becomes the
     * more trusted one. Exception: a {@link Origin#HARVESTED harvested} copy changes nothing of a key an
     * administrator imported.
     *
     * @throws UnknownTenantException when the tenant does not exist
     * @throws IllegalArgumentException with a message for the administrator: not OpenPGP, corrupt, a secret key,
     *                                  several key rings, or no user id with an e-mail address
     */
    PgpKeyEntry addPublicKey(TenantId tenant, byte[] armoredOrBinary, Origin origin);

    /**
     * Adds one of the tenant's own keys: its public part as {@link #addPublicKey} would (origin
     * {@link Origin#IMPORTED}), and its secret keys, unlocked with {@code passphrase} and then kept encrypted by the
     * key protection layer only (not under the passphrase, which Tresor does not keep). Secret keys already stored
     * for the same key and missing from this input are kept, so an export without an old subkey loses no history.
     *
     * @throws IllegalArgumentException "wrong OpenPGP passphrase for key ..." and the reasons of {@link #addPublicKey}
     */
    PgpKeyEntry addSecretKey(TenantId tenant, byte[] armoredOrBinary, char[] passphrase);

    Optional<PgpKeyEntry> get(TenantId tenant, PgpFingerprint fingerprint);

    /** A page of the tenant's keys ordered by fingerprint, after {@code after} when given. */
    List<PgpKeyEntry> list(TenantId tenant, Optional<PgpFingerprint> after, int limit);

    /** @return false if the tenant holds no such key */
    boolean setStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status);

    /**
     * The keys to encrypt a mail from {@code tenant} to {@code recipient}: active, neither revoked nor expired, with a
     * valid encryption key now, and a valid user id naming the address. The tenant's own vault is searched first; the
     * vaults of tenants that granted it federation only when its own has none. Newest (by creation time) first.
     */
    List<PgpKeyEntry> encryptionKeys(TenantId tenant, EmailAddress recipient, SelectionPolicy policy);

    /**
     * The private key to sign a mail of {@code sender} with: from the newest usable key of the tenant's own vault
     * that holds a secret signing key, its newest valid signing key. Never from a federated vault.
     */
    Optional<PgpPrivateKeyEntry> signingKey(TenantId tenant, EmailAddress sender);

    /**
     * Whether the tenant's own vault holds a usable key with a secret key and a valid signing key for
     * {@code sender}, without decrypting the secret: a key that then cannot be decrypted makes the signing mailet
     * fail closed, to its {@code onFailure}.
     */
    boolean hasSigningKey(TenantId tenant, EmailAddress sender);

    /**
     * Every private key of the tenant's own vault with this key id (as an encrypted message names its recipient
     * key), whatever its status, expiry or revocation: all of its history. Usually one; key ids may collide.
     */
    List<PgpPrivateKeyEntry> decryptionKeys(TenantId tenant, long keyId);

    /** {@link #decryptionKeys(TenantId, long)} by the fingerprint of the primary key or subkey (v6 messages name it). */
    List<PgpPrivateKeyEntry> decryptionKeys(TenantId tenant, PgpFingerprint keyFingerprint);

    /**
     * Every key ring of the tenant's own vault that holds a key (primary or subkey) with this key id, whatever its
     * status, expiry or revocation, newest first: the candidates for the signer of a signature that names this issuer.
     * The caller judges validity at the time of signing. Never from a federated vault.
     */
    List<PgpKeyEntry> keysWithKeyId(TenantId tenant, long keyId);

    /** The public key ring, ASCII-armored, as {@code gpg --import} takes it; empty if the tenant holds no such key. */
    Optional<byte[]> exportPublic(TenantId tenant, PgpFingerprint fingerprint);
}
