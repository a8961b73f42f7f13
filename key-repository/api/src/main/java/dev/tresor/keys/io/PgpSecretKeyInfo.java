package dev.tresor.keys.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

import dev.tresor.keys.Hex;

/**
 * An OpenPGP secret key ring: the facts of its public part, and the still-encrypted secret keys. The private keys are
 * decrypted only on {@link #unlock(char[])} and are never kept here. Immutable.
 */
public final class PgpSecretKeyInfo {
    private static final Set<Integer> JDK_CIPHERS = Set.of(SymmetricKeyAlgorithmTags.AES_128,
        SymmetricKeyAlgorithmTags.AES_192, SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.TRIPLE_DES);

    private final PGPSecretKeyRing keyRing;
    private final byte[] encoded;
    private final PgpPublicKeyInfo publicKeyInfo;

    PgpSecretKeyInfo(PGPSecretKeyRing keyRing, PgpPublicKeyInfo publicKeyInfo) {
        this.keyRing = keyRing;
        this.encoded = encode(keyRing);
        this.publicKeyInfo = publicKeyInfo;
    }

    /** What the public part says: fingerprint, user ids, e-mail addresses, subkeys and their capabilities. */
    public PgpPublicKeyInfo publicKeyInfo() {
        return publicKeyInfo;
    }

    /** The primary key's fingerprint, upper-case hex. */
    public String fingerprint() {
        return publicKeyInfo.fingerprint();
    }

    /**
     * The secret key ring in binary OpenPGP packets, secret keys still encrypted under their passphrase, for storage;
     * {@link PgpKeys#readSecretKeys(byte[], char[])} reads it back.
     */
    public byte[] encoded() {
        return encoded.clone();
    }

    /**
     * Decrypts every secret key of the ring that has secret material (gpg's stubs for keys kept elsewhere, such as an
     * offline primary key, have none), revoked and expired ones included, so old mail stays readable.
     *
     * @return the private keys by key id, in ring order
     * @throws KeyMaterialException "wrong OpenPGP passphrase for key ...", or when the ring holds no secret material
     */
    public Map<Long, PGPPrivateKey> unlock(char[] passphrase) throws KeyMaterialException {
        return unlock(keyRing, passphrase);
    }

    static Map<Long, PGPPrivateKey> unlock(PGPSecretKeyRing keyRing, char[] passphrase) throws KeyMaterialException {
        Map<Long, PGPPrivateKey> privateKeys = new LinkedHashMap<>();
        Iterator<PGPSecretKey> secretKeys = keyRing.getSecretKeys();
        while (secretKeys.hasNext()) {
            PGPSecretKey secretKey = secretKeys.next();
            if (secretKey.isPrivateKeyEmpty()) {
                continue;
            }
            try {
                PGPPrivateKey privateKey = secretKey.extractPrivateKey(decryptor(secretKey, passphrase));
                if (privateKey == null) {
                    continue;
                }
                privateKeys.put(secretKey.getKeyID(), privateKey);
            } catch (PGPException | RuntimeException e) {
                throw new KeyMaterialException("wrong OpenPGP passphrase for key "
                    + Hex.encodeUpperCase(secretKey.getFingerprint()), e);
            }
        }
        if (privateKeys.isEmpty()) {
            throw new KeyMaterialException("OpenPGP key " + Hex.encodeUpperCase(keyRing.getPublicKey().getFingerprint())
                + " holds no secret key material (only stubs for keys kept elsewhere, e.g. on a smartcard)");
        }
        return Collections.unmodifiableMap(privateKeys);
    }

    /**
     * The secret key ring with each secret key unlocked and stored without any passphrase protection, in binary
     * OpenPGP packets: for a store that protects the whole ring by other means, and then unlocks it with an empty
     * passphrase. Stubs (keys kept elsewhere) stay stubs. Secret keys of {@code older} (another copy of the same key,
     * also without passphrase) that this ring lacks are added, so that a newer export without an old subkey loses no
     * key history.
     *
     * @throws KeyMaterialException "wrong OpenPGP passphrase for key ...", or when {@code older} is another key
     */
    public byte[] withoutPassphrase(char[] passphrase, Optional<PgpSecretKeyInfo> older)
            throws KeyMaterialException {
        List<PGPSecretKey> unprotected = new ArrayList<>();
        Iterator<PGPSecretKey> secretKeys = keyRing.getSecretKeys();
        while (secretKeys.hasNext()) {
            PGPSecretKey secretKey = secretKeys.next();
            if (secretKey.isPrivateKeyEmpty()) {
                unprotected.add(secretKey);
                continue;
            }
            try {
                unprotected.add(PGPSecretKey.copyWithNewPassword(secretKey, decryptor(secretKey, passphrase), null));
            } catch (PGPException | RuntimeException e) {
                throw new KeyMaterialException("wrong OpenPGP passphrase for key "
                    + Hex.encodeUpperCase(secretKey.getFingerprint()), e);
            }
        }
        PGPSecretKeyRing ring = new PGPSecretKeyRing(unprotected);
        if (older.isPresent()) {
            if (!older.get().fingerprint().equals(fingerprint())) {
                throw new KeyMaterialException("OpenPGP key " + fingerprint() + " is not a copy of key "
                    + older.get().fingerprint());
            }
            Iterator<PGPSecretKey> olderKeys = older.get().keyRing.getSecretKeys();
            while (olderKeys.hasNext()) {
                PGPSecretKey olderKey = olderKeys.next();
                if (!olderKey.isPrivateKeyEmpty() && ring.getSecretKey(olderKey.getKeyID()) == null) {
                    ring = PGPSecretKeyRing.insertSecretKey(ring, olderKey);
                }
            }
        }
        return encode(ring);
    }

    /**
     * The JDK for the common case, AES or 3DES in CFB mode under an iterated S2K: gpg 2.2 calibrates its S2K to about
     * 65 million hashed bytes, which the JDK's intrinsic SHA-1 gets through about three times faster. Bouncy Castle for
     * what the JDK lacks: AEAD (OCB) protection of v6 keys, and old ciphers such as CAST5.
     */
    private static PBESecretKeyDecryptor decryptor(PGPSecretKey secretKey, char[] passphrase) throws PGPException {
        if (secretKey.getS2KUsage() != SecretKeyPacket.USAGE_AEAD
            && JDK_CIPHERS.contains(secretKey.getKeyEncryptionAlgorithm())) {
            return new JcePBESecretKeyDecryptorBuilder(new JcaPGPDigestCalculatorProviderBuilder().build())
                .build(passphrase.clone());
        }
        return new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase.clone());
    }

    /** The Bouncy Castle key ring, for the OpenPGP engine. */
    public PGPSecretKeyRing keyRing() {
        return keyRing;
    }

    @Override
    public String toString() {
        return "PgpSecretKeyInfo[" + fingerprint() + ", " + publicKeyInfo.userIds() + "]";
    }

    private static byte[] encode(PGPSecretKeyRing keyRing) {
        try {
            return keyRing.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("Encoding to memory cannot fail", e);
        }
    }
}
