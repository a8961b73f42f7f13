package dev.tresor.keys.io;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPPublicKeyRing;

import dev.tresor.keys.EmailAddress;

/**
 * An OpenPGP public key ring (a "certificate" in RFC 9580 terms): the primary key, its subkeys, user ids and
 * revocations, as far as verified self-signatures establish them. User ids, subkeys and revocations that the primary key
 * did not sign are not reported. Immutable.
 */
public final class PgpPublicKeyInfo {
    private final PGPPublicKeyRing keyRing;
    private final byte[] encoded;
    private final PgpComponentKey primaryKey;
    private final List<PgpComponentKey> subkeys;
    private final List<String> userIds;
    private final List<EmailAddress> emailAddresses;

    PgpPublicKeyInfo(PGPPublicKeyRing keyRing, PgpComponentKey primaryKey, List<PgpComponentKey> subkeys,
                     List<String> userIds, List<EmailAddress> emailAddresses) {
        this.keyRing = keyRing;
        this.encoded = encode(keyRing);
        this.primaryKey = primaryKey;
        this.subkeys = List.copyOf(subkeys);
        this.userIds = List.copyOf(userIds);
        this.emailAddresses = List.copyOf(emailAddresses);
    }

    /** The primary key's fingerprint, upper-case hex as gpg prints it. */
    public String fingerprint() {
        return primaryKey.fingerprint();
    }

    public long keyId() {
        return primaryKey.keyId();
    }

    public String keyIdHex() {
        return primaryKey.keyIdHex();
    }

    public int version() {
        return primaryKey.version();
    }

    public Instant creationTime() {
        return primaryKey.creationTime();
    }

    /** When the primary key, and with it the whole key, expires. */
    public Optional<Instant> expiry() {
        return primaryKey.expiry();
    }

    /** Whether the primary key, and with it the whole key, is revoked. */
    public boolean isRevoked() {
        return primaryKey.isRevoked();
    }

    /** The user ids with a valid, unrevoked self-certification, as UTF-8 text. */
    public List<String> userIds() {
        return userIds;
    }

    /**
     * The addresses of those user ids ({@code Name <address>} or a bare address), normalised, without duplicates;
     * user ids without a valid address are left out.
     */
    public List<EmailAddress> emailAddresses() {
        return emailAddresses;
    }

    public PgpComponentKey primaryKey() {
        return primaryKey;
    }

    /** The subkeys bound to the primary key by a valid binding signature, in ring order. */
    public List<PgpComponentKey> subkeys() {
        return subkeys;
    }

    /**
     * The keys (primary or subkeys) that may encrypt and are not revoked, in ring order. Expiry is left to the caller,
     * who knows the time of use: see {@link PgpComponentKey#isValidAt(Instant)}. A revoked primary key revokes them all.
     */
    public List<PgpComponentKey> encryptionKeys() {
        return usable(true);
    }

    /** The keys (primary or subkeys) that may sign data and are not revoked, in ring order; see {@link #encryptionKeys()}. */
    public List<PgpComponentKey> signingKeys() {
        return usable(false);
    }

    /** The key ring in binary OpenPGP packets, for storage; {@link PgpKeys#readPublicKeys(byte[])} reads it back. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The Bouncy Castle key ring, for the OpenPGP engine. */
    public PGPPublicKeyRing keyRing() {
        return keyRing;
    }

    @Override
    public String toString() {
        return "PgpPublicKeyInfo[" + fingerprint() + ", " + userIds + (isRevoked() ? ", revoked" : "") + "]";
    }

    private List<PgpComponentKey> usable(boolean forEncryption) {
        List<PgpComponentKey> keys = new ArrayList<>();
        if (primaryKey.isRevoked()) {
            return keys;
        }
        List<PgpComponentKey> all = new ArrayList<>();
        all.add(primaryKey);
        all.addAll(subkeys);
        for (PgpComponentKey key : all) {
            if (!key.isRevoked() && (forEncryption ? key.canEncrypt() : key.canSign())) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static byte[] encode(PGPPublicKeyRing keyRing) {
        try {
            return keyRing.getEncoded(true);
        } catch (IOException e) {
            throw new IllegalStateException("Encoding to memory cannot fail", e);
        }
    }
}
