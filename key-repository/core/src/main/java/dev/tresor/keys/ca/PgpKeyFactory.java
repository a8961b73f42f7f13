package dev.tresor.keys.ca;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyGenerator;
import org.bouncycastle.openpgp.api.SignatureParameters;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.PGPKeyPairGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;

import dev.tresor.keys.EmailAddress;

/**
 * New OpenPGP keys for a tenant's mailboxes, as Tresor issues them: an Ed25519 primary key that certifies and signs,
 * an X25519 subkey that encrypts, and the user id {@code <address>}. The secret key ring is returned binary and
 * without a passphrase: the key repository encrypts it at rest under the tenant key as soon as it is stored
 * ({@code pgpKeys().addSecretKey(tenant, ring, new char[0])}), and a passphrase Tresor would have to keep next to the
 * key would protect nothing.
 *
 * <ul>
 * <li>Version 4 (the default): the Ed25519 and Curve25519 encodings of RFC 4880bis ("EdDSA legacy" and ECDH with
 * Curve25519), which every OpenPGP implementation in use reads, GnuPG 2.2 included.</li>
 * <li>Version 6 (RFC 9580): native Ed25519 and X25519 keys, for clients that read v6; GnuPG 2.2 and 2.4 do not.</li>
 * </ul>
 * The expiry, when given, is written into the self-signatures of the primary key and the subkey binding, where
 * OpenPGP readers look for it. Bouncy Castle's lightweight API does the curves: it is several times faster there
 * than the JDK, and it knows OpenPGP's encodings.
 */
public final class PgpKeyFactory {
    private static final int[] PREFERRED_CIPHERS = {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128};
    private static final int[] PREFERRED_HASHES = {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA256};
    private static final int[] PREFERRED_COMPRESSION = {CompressionAlgorithmTags.UNCOMPRESSED, CompressionAlgorithmTags.ZLIB};
    /** OpenPGP keeps a key's lifetime in an unsigned 32-bit count of seconds. */
    private static final long MAXIMUM_LIFETIME_SECONDS = 0xFFFFFFFFL;

    private PgpKeyFactory() {
    }

    /**
     * @param version 4 or 6
     * @param created the creation time of the keys (whole seconds are kept)
     * @param expires when the key expires; empty for a key that does not expire
     * @throws IllegalArgumentException when the version is neither 4 nor 6, or the expiry is not after the creation
     *                                  or beyond the ≈ 136 years OpenPGP can express
     */
    public static byte[] newSecretKeyRing(EmailAddress address, int version, Instant created, Optional<Instant> expires) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Date creation = Date.from(created.truncatedTo(ChronoUnit.SECONDS));
        long lifetime = lifetimeSeconds(creation.toInstant(), expires);
        String userId = "<" + address.asString() + ">";
        try {
            if (version == PublicKeyPacket.VERSION_4) {
                return version4(userId, creation, lifetime);
            }
            if (version == PublicKeyPacket.VERSION_6) {
                return version6(userId, creation, lifetime);
            }
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("Cannot generate an OpenPGP v" + version + " key for " + address, e);
        }
        throw new IllegalArgumentException("OpenPGP key version " + version + " is not supported: 4 (the default, read by"
            + " every client) or 6 (RFC 9580)");
    }

    private static byte[] version4(String userId, Date creation, long lifetime) throws PGPException, IOException {
        PGPKeyPairGenerator generator = new BcPGPKeyPairGeneratorProvider().get(PublicKeyPacket.VERSION_4, creation);
        PGPKeyPair primary = generator.generateLegacyEd25519KeyPair();
        PGPKeyPair encryption = generator.generateLegacyX25519KeyPair();

        PGPSignatureSubpacketGenerator primarySubpackets = new PGPSignatureSubpacketGenerator();
        primarySubpackets.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        primarySubpackets.setPreferredSymmetricAlgorithms(false, PREFERRED_CIPHERS);
        primarySubpackets.setPreferredHashAlgorithms(false, PREFERRED_HASHES);
        primarySubpackets.setPreferredCompressionAlgorithms(false, PREFERRED_COMPRESSION);
        primarySubpackets.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        primarySubpackets.setPrimaryUserID(false, true);
        if (lifetime > 0) {
            primarySubpackets.setKeyExpirationTime(false, lifetime);
        }
        PGPSignatureSubpacketGenerator subkeySubpackets = new PGPSignatureSubpacketGenerator();
        subkeySubpackets.setKeyFlags(true, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
        if (lifetime > 0) {
            subkeySubpackets.setKeyExpirationTime(false, lifetime);
        }
        PGPKeyRingGenerator ring = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
            new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), primarySubpackets.generate(), null,
            new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA512), null);
        ring.addSubKey(encryption, subkeySubpackets.generate(), null);
        return ring.generateSecretKeyRing().getEncoded();
    }

    private static byte[] version6(String userId, Date creation, long lifetime) throws PGPException, IOException {
        OpenPGPKey key = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), PublicKeyPacket.VERSION_6, false, creation)
            .withPrimaryKey(PGPKeyPairGenerator::generateEd25519KeyPair, withFlagsAndLifetime(
                KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA, lifetime))
            .addEncryptionSubkey(PGPKeyPairGenerator::generateX25519KeyPair, withFlagsAndLifetime(
                KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE, lifetime))
            .addUserId(userId, withFlagsAndLifetime(KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA, lifetime))
            .build();
        return key.getEncoded(PacketFormat.CURRENT);
    }

    /**
     * Replaces Bouncy Castle's defaults (a five-year lifetime, a certify-only primary key) with ours, in the
     * signature that carries them.
     */
    private static SignatureParameters.Callback withFlagsAndLifetime(int flags, long lifetime) {
        return new SignatureParameters.Callback() {
            @Override
            public SignatureParameters apply(SignatureParameters parameters) {
                return parameters.setHashedSubpacketsFunction(subpackets -> {
                    subpackets.removePacketsOfType(SignatureSubpacketTags.KEY_FLAGS);
                    subpackets.removePacketsOfType(SignatureSubpacketTags.KEY_EXPIRE_TIME);
                    subpackets.setKeyFlags(true, flags);
                    if (lifetime > 0) {
                        subpackets.setKeyExpirationTime(false, lifetime);
                    }
                    return subpackets;
                });
            }
        };
    }

    private static long lifetimeSeconds(Instant created, Optional<Instant> expires) {
        if (expires.isEmpty()) {
            return 0;
        }
        long seconds = Duration.between(created, expires.get().truncatedTo(ChronoUnit.SECONDS)).getSeconds();
        if (seconds <= 0) {
            throw new IllegalArgumentException("An OpenPGP key must expire after its creation (" + created + "), not at "
                + expires.get());
        }
        if (seconds > MAXIMUM_LIFETIME_SECONDS) {
            throw new IllegalArgumentException("OpenPGP cannot express an expiry " + seconds + " seconds after the creation:"
                + " at most " + MAXIMUM_LIFETIME_SECONDS);
        }
        return seconds;
    }
}
