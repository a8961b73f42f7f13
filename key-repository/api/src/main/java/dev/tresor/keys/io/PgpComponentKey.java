package dev.tresor.keys.io;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One key of an OpenPGP key ring, the primary key or a subkey (RFC 9580 calls both "component keys"), as established by
 * its verified self-signatures. Immutable.
 */
public final class PgpComponentKey {
    private final String fingerprint;
    private final long keyId;
    private final int version;
    private final boolean primary;
    private final String algorithm;
    private final String curve;
    private final int bitStrength;
    private final Instant creationTime;
    private final Instant expiry;
    private final boolean revoked;
    private final boolean canEncrypt;
    private final boolean canSign;

    PgpComponentKey(String fingerprint, long keyId, int version, boolean primary, String algorithm, String curve,
                    int bitStrength, Instant creationTime, Instant expiry, boolean revoked, boolean canEncrypt,
                    boolean canSign) {
        this.fingerprint = Objects.requireNonNull(fingerprint);
        this.keyId = keyId;
        this.version = version;
        this.primary = primary;
        this.algorithm = Objects.requireNonNull(algorithm);
        this.curve = curve;
        this.bitStrength = bitStrength;
        this.creationTime = Objects.requireNonNull(creationTime);
        this.expiry = expiry;
        this.revoked = revoked;
        this.canEncrypt = canEncrypt;
        this.canSign = canSign;
    }

    /** Upper-case hex, as gpg prints it: 40 digits for v4 keys, 64 for v6. */
    public String fingerprint() {
        return fingerprint;
    }

    public long keyId() {
        return keyId;
    }

    /** The key id as 16 upper-case hex digits, as gpg prints it. */
    public String keyIdHex() {
        return hexKeyId(keyId);
    }

    /** The key packet version: 4, or 6 (RFC 9580). */
    public int version() {
        return version;
    }

    public boolean isPrimary() {
        return primary;
    }

    /** RSA, ElGamal, DSA, ECDH, ECDSA, EdDSA (the legacy algorithm 22), X25519, X448, Ed25519, Ed448. */
    public String algorithm() {
        return algorithm;
    }

    /** For ECDH, ECDSA and legacy EdDSA keys: Curve25519, Ed25519, P-256, brainpoolP256r1, ... or the curve's OID. */
    public Optional<String> curve() {
        return Optional.ofNullable(curve);
    }

    /** The key size in bits as Bouncy Castle reports it (RSA modulus, curve size). */
    public int bitStrength() {
        return bitStrength;
    }

    public Instant creationTime() {
        return creationTime;
    }

    /** When the newest self-signature says the key expires; empty when it does not. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiry);
    }

    /** Whether a verified revocation signature by the primary key revokes this key. */
    public boolean isRevoked() {
        return revoked;
    }

    /** Whether its key flags (or, without key flags, its algorithm) allow encrypting to it. Ignores revocation and expiry. */
    public boolean canEncrypt() {
        return canEncrypt;
    }

    /**
     * Whether its key flags (or, without key flags, its algorithm) allow data signatures; a signing subkey also needs a
     * valid back-signature (primary key binding). Ignores revocation and expiry.
     */
    public boolean canSign() {
        return canSign;
    }

    /** Whether the key is neither revoked nor expired at the given time, nor created after it. */
    public boolean isValidAt(Instant time) {
        return !revoked && !time.isBefore(creationTime) && (expiry == null || time.isBefore(expiry));
    }

    @Override
    public String toString() {
        return (primary ? "primary " : "subkey ") + fingerprint + " " + algorithm + (curve != null ? " " + curve : "")
            + (canSign ? " sign" : "") + (canEncrypt ? " encrypt" : "") + (revoked ? " revoked" : "");
    }

    static String hexKeyId(long keyId) {
        return String.format("%016X", keyId);
    }
}
