package dev.tresor.keys.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.teletrust.TeleTrusTNamedCurves;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGKey;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPadding;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.util.Strings;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Hex;

/**
 * Reading OpenPGP keys (ASCII-armored or binary, one or more key rings, as {@code gpg --export} and
 * {@code gpg --export-secret-keys} write them) and writing public keys for other OpenPGP software.
 *
 * <p>What a key ring claims is believed only where the primary key signed it: user ids need a self-certification that
 * is newer than any revocation of them, subkeys a binding signature (signing subkeys also a back-signature), and
 * revocations must be made by the primary key itself. Without this, anyone could append their own encryption subkey or
 * a victim's address to a key that passes through a mail or a key server. Revocations by designated revokers are not
 * considered: their keys are not at hand.
 *
 * <p>Signatures are checked with Bouncy Castle's lightweight API, which needs no JCA provider.
 */
public final class PgpKeys {
    private static final String ARMOR_BEGIN = "-----BEGIN PGP ";
    private static final String ARMOR_END = "-----END PGP ";
    private static final Set<String> KEY_ARMOR_LABELS = Set.of("PUBLIC KEY BLOCK", "PRIVATE KEY BLOCK");
    private static final int ENCRYPTION_FLAGS = KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE;
    /** Curves of ECDH/ECDSA/EdDSA-legacy keys that the named-curve tables of Bouncy Castle do not name. */
    private static final Map<String, String> OPENPGP_CURVES = Map.of(
        "1.3.6.1.4.1.3029.1.5.1", "Curve25519",
        "1.3.6.1.4.1.11591.15.1", "Ed25519",
        "1.3.101.110", "X25519",
        "1.3.101.111", "X448",
        "1.3.101.112", "Ed25519",
        "1.3.101.113", "Ed448");

    private PgpKeys() {
    }

    /**
     * One {@link PgpPublicKeyInfo} per public key ring of the input, in input order.
     *
     * @throws KeyMaterialException when the input is empty, not OpenPGP, corrupt, holds something other than public
     *                              keys (a secret key, a message), or a key ring has no primary key
     */
    public static List<PgpPublicKeyInfo> readPublicKeys(byte[] armoredOrBinary) throws KeyMaterialException {
        List<PgpPublicKeyInfo> keys = new ArrayList<>();
        for (Object ring : keyRings(armoredOrBinary)) {
            if (ring instanceof PGPSecretKeyRing) {
                throw new KeyMaterialException("the input holds the OpenPGP secret key "
                    + Hex.encodeUpperCase(((PGPSecretKeyRing) ring).getPublicKey().getFingerprint())
                    + "; import it as a secret key, or give its public key only (gpg --armor --export)");
            }
            keys.add(describe((PGPPublicKeyRing) ring));
        }
        return Collections.unmodifiableList(keys);
    }

    /**
     * One {@link PgpSecretKeyInfo} per secret key ring of the input, in input order, after checking that the
     * passphrase unlocks each of them.
     *
     * @throws KeyMaterialException as {@link #readPublicKeys(byte[])}, when a ring is a public key only, or with
     *                              "wrong OpenPGP passphrase for key ..."
     */
    public static List<PgpSecretKeyInfo> readSecretKeys(byte[] armoredOrBinary, char[] passphrase)
            throws KeyMaterialException {
        List<PgpSecretKeyInfo> keys = new ArrayList<>();
        for (Object ring : keyRings(armoredOrBinary)) {
            if (ring instanceof PGPPublicKeyRing) {
                throw new KeyMaterialException("the input holds the OpenPGP public key "
                    + Hex.encodeUpperCase(((PGPPublicKeyRing) ring).getPublicKey().getFingerprint()) + " without its secret key;"
                    + " export the secret key (gpg --armor --export-secret-keys)");
            }
            PGPSecretKeyRing secretRing = (PGPSecretKeyRing) ring;
            // Bouncy Castle's toCertificate() throws IllegalArgumentException for a ring that starts with a subkey
            // (found by PgpKeysFuzzTest's long run): refuse it here with the sentence the public key path gives.
            if (!secretRing.getSecretKey().isMasterKey()) {
                throw new KeyMaterialException("corrupt OpenPGP key: the key ring does not start with a primary key");
            }
            PgpSecretKeyInfo key = new PgpSecretKeyInfo(secretRing, describe(secretRing.toCertificate()));
            key.unlock(passphrase);
            keys.add(key);
        }
        return Collections.unmodifiableList(keys);
    }

    /**
     * The private keys of one binary secret key ring that a store wrote itself without passphrase protection
     * ({@link PgpSecretKeyInfo#withoutPassphrase}), unlocked. Its self-signatures are not checked again, which for
     * Curve25519 keys costs several times the signature a mail needs: they were checked when the key was imported,
     * and the store seals the ring with authenticated encryption, so it is still exactly what was checked.
     *
     * @throws KeyMaterialException when the bytes are not one secret key ring or hold no secret key material
     */
    public static Map<Long, PGPPrivateKey> unlockStoredSecretKey(byte[] packets) throws KeyMaterialException {
        List<Object> rings = keyRingsIn(packets);
        if (rings.size() != 1 || !(rings.get(0) instanceof PGPSecretKeyRing)) {
            throw new KeyMaterialException("a stored OpenPGP secret key must be one secret key ring, not " + rings.size()
                + " key rings");
        }
        return PgpSecretKeyInfo.unlock((PGPSecretKeyRing) rings.get(0), new char[0]);
    }

    /**
     * One key ring with everything two copies of it hold: user ids, subkeys and signatures of both (a revocation in
     * either stays), checked again as {@link #readPublicKeys(byte[])} checks them.
     *
     * @throws KeyMaterialException when the two are not copies of the same key (their primary keys differ)
     */
    public static PgpPublicKeyInfo merge(PgpPublicKeyInfo stored, PgpPublicKeyInfo update) throws KeyMaterialException {
        if (!stored.fingerprint().equals(update.fingerprint())) {
            throw new KeyMaterialException("OpenPGP key " + update.fingerprint() + " is not a copy of key "
                + stored.fingerprint());
        }
        try {
            return describe(PGPPublicKeyRing.join(stored.keyRing(), update.keyRing(), false, false));
        } catch (PGPException e) {
            throw new KeyMaterialException("OpenPGP key " + update.fingerprint() + " cannot be merged with the stored"
                + " copy: " + e.getMessage(), e);
        }
    }

    /** The public key ring, ASCII-armored without headers, as {@code gpg --import} and other OpenPGP software take it. */
    public static byte[] armor(PgpPublicKeyInfo key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            key.keyRing().encode(armored, true);
        } catch (IOException e) {
            throw new IllegalStateException("Encoding to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Every key ring of the input: {@link PGPPublicKeyRing}s and {@link PGPSecretKeyRing}s, in order. */
    private static List<Object> keyRings(byte[] input) throws KeyMaterialException {
        if (input == null || input.length == 0 || new String(input, StandardCharsets.ISO_8859_1).isBlank()) {
            throw new KeyMaterialException("empty input");
        }
        List<Object> rings = new ArrayList<>();
        for (byte[] packets : packetStreams(input)) {
            rings.addAll(keyRingsIn(packets));
        }
        if (rings.isEmpty()) {
            throw new KeyMaterialException("not an OpenPGP key: the input holds no key");
        }
        return rings;
    }

    /** The binary packets of the input: one stream per armor block, or the input itself when binary. */
    private static List<byte[]> packetStreams(byte[] input) throws KeyMaterialException {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        if (text.contains(ARMOR_BEGIN)) {
            return dearmor(text);
        }
        if ((input[0] & 0x80) != 0) {
            return List.of(input);
        }
        if (Pem.isPem(input)) {
            throw new KeyMaterialException("not an OpenPGP key: the input is PEM (X.509 or PKCS) text, not OpenPGP armor");
        }
        throw new KeyMaterialException("not an OpenPGP key: the input is neither ASCII armor (no -----BEGIN PGP line)"
            + " nor binary OpenPGP packets");
    }

    private static List<byte[]> dearmor(String text) throws KeyMaterialException {
        List<byte[]> blocks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int number = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (!line.startsWith(ARMOR_BEGIN)) {
                continue;
            }
            number++;
            String label = line.substring(ARMOR_BEGIN.length()).replace("-", "").trim();
            String where = "armor block " + number + " (line " + (i + 1) + ")";
            if (!KEY_ARMOR_LABELS.contains(label)) {
                throw new KeyMaterialException("not an OpenPGP key: " + where + " is a PGP " + label);
            }
            StringBuilder block = new StringBuilder(line).append('\n');
            int end = i + 1;
            while (end < lines.length && !lines[end].trim().startsWith(ARMOR_END)) {
                block.append(lines[end].trim()).append('\n');
                end++;
            }
            if (end == lines.length) {
                throw new KeyMaterialException("corrupt OpenPGP armor: " + where + " has no END line (is the input"
                    + " truncated?)");
            }
            block.append(lines[end].trim()).append('\n');
            blocks.add(dearmorBlock(block.toString(), where));
            i = end;
        }
        return blocks;
    }

    private static byte[] dearmorBlock(String block, String where) throws KeyMaterialException {
        try (InputStream in = new ArmoredInputStream(new ByteArrayInputStream(block.getBytes(StandardCharsets.ISO_8859_1)))) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException("corrupt OpenPGP armor in " + where + ": " + Certificates.rootMessage(e), e);
        }
    }

    private static List<Object> keyRingsIn(byte[] packets) throws KeyMaterialException {
        List<Object> rings = new ArrayList<>();
        PGPObjectFactory factory = new BcPGPObjectFactory(packets);
        try {
            for (Object object = factory.nextObject(); object != null; object = factory.nextObject()) {
                if (object instanceof PGPPublicKeyRing || object instanceof PGPSecretKeyRing) {
                    rings.add(object);
                } else if (!(object instanceof PGPMarker || object instanceof PGPPadding)) {
                    throw new KeyMaterialException("not an OpenPGP key: the input holds " + describeObject(object));
                }
            }
        } catch (EOFException e) {
            throw new KeyMaterialException("corrupt OpenPGP key: the data ends inside a packet (is the input truncated?)", e);
        } catch (IOException | RuntimeException e) {
            // "unexpected packet in stream: null" is Bouncy Castle naming a packet it could not make (PgpKeysFuzzTest)
            throw new KeyMaterialException("not an OpenPGP key, or a corrupt one: "
                + Certificates.rootMessage(e).replaceFirst(":\\s*null$", ""), e);
        }
        return rings;
    }

    private static String describeObject(Object object) {
        if (object instanceof PGPSignatureList) {
            return "a signature (a revocation certificate must be imported into its key with gpg first)";
        }
        if (object instanceof PGPEncryptedDataList) {
            return "an encrypted message";
        }
        if (object instanceof PGPCompressedData || object instanceof PGPLiteralData
            || object instanceof PGPOnePassSignatureList) {
            return "a message";
        }
        return "an unexpected " + object.getClass().getSimpleName();
    }

    private static PgpPublicKeyInfo describe(PGPPublicKeyRing ring) throws KeyMaterialException {
        PGPPublicKey primary = ring.getPublicKey();
        if (primary == null || !primary.isMasterKey()) {
            throw new KeyMaterialException("corrupt OpenPGP key: the key ring does not start with a primary key");
        }
        PGPContentVerifierBuilderProvider verifiers = new BcPGPContentVerifierBuilderProvider();
        List<String> userIds = new ArrayList<>();
        Set<EmailAddress> addresses = new LinkedHashSet<>();
        PGPSignature newestSelfSignature = null;
        Iterator<byte[]> rawUserIds = primary.getRawUserIDs();
        while (rawUserIds.hasNext()) {
            byte[] rawUserId = rawUserIds.next();
            PGPSignature certification = newestValidUserIdSignature(primary, rawUserId, verifiers, false);
            PGPSignature revocation = newestValidUserIdSignature(primary, rawUserId, verifiers, true);
            if (certification == null || revocation != null && !certification.getCreationTime().after(revocation.getCreationTime())) {
                continue;
            }
            String userId = Strings.fromUTF8ByteArray(rawUserId);
            userIds.add(userId);
            emailAddress(userId).ifPresent(addresses::add);
            newestSelfSignature = newer(newestSelfSignature, certification);
        }
        Iterator<PGPSignature> directKeySignatures = primary.getSignaturesOfType(PGPSignature.DIRECT_KEY);
        while (directKeySignatures.hasNext()) {
            PGPSignature signature = directKeySignatures.next();
            if (verifies(signature, primary, verifiers, null)) {
                newestSelfSignature = newer(newestSelfSignature, signature);
            }
        }
        boolean revoked = hasValidRevocation(primary, PGPSignature.KEY_REVOCATION, primary, null, verifiers);
        PgpComponentKey primaryKey = componentKey(primary, true, newestSelfSignature, revoked, true);

        List<PgpComponentKey> subkeys = new ArrayList<>();
        Iterator<PGPPublicKey> keys = ring.getPublicKeys();
        while (keys.hasNext()) {
            PGPPublicKey key = keys.next();
            if (key.isMasterKey()) {
                continue;
            }
            PGPSignature binding = newestValidBinding(primary, key, verifiers);
            if (binding == null) {
                continue;
            }
            boolean subkeyRevoked = hasValidRevocation(key, PGPSignature.SUBKEY_REVOCATION, primary, key, verifiers);
            subkeys.add(componentKey(key, false, binding, subkeyRevoked, hasValidBackSignature(binding, primary, key)));
        }
        return new PgpPublicKeyInfo(ring, primaryKey, subkeys, userIds, new ArrayList<>(addresses));
    }

    private static PgpComponentKey componentKey(PGPPublicKey key, boolean primary, PGPSignature selfSignature,
                                                boolean revoked, boolean signingAllowed) {
        int algorithm = key.getAlgorithm();
        PGPSignatureSubpacketVector hashed = selfSignature != null ? selfSignature.getHashedSubPackets() : null;
        boolean hasFlags = hashed != null && hashed.hasSubpacket(SignatureSubpacketTags.KEY_FLAGS);
        int flags = hasFlags ? hashed.getKeyFlags() : 0;
        boolean canEncrypt = canEncrypt(algorithm) && (!hasFlags || (flags & ENCRYPTION_FLAGS) != 0);
        boolean canSign = signingAllowed && canSign(algorithm) && (!hasFlags || (flags & KeyFlags.SIGN_DATA) != 0);
        Instant created = key.getCreationTime().toInstant();
        long validSeconds = hashed != null ? hashed.getKeyExpirationTime() : 0;
        Instant expiry = validSeconds > 0 ? created.plusSeconds(validSeconds) : null;
        return new PgpComponentKey(Hex.encodeUpperCase(key.getFingerprint()), key.getKeyID(), key.getVersion(), primary,
            algorithmName(algorithm), curve(key), key.getBitStrength(), created, expiry, revoked, canEncrypt, canSign);
    }

    /** The newest self-certification (or, with {@code revocation}, certification revocation) that verifies. */
    private static PGPSignature newestValidUserIdSignature(PGPPublicKey primary, byte[] rawUserId,
                                                           PGPContentVerifierBuilderProvider verifiers,
                                                           boolean revocation) {
        PGPSignature newest = null;
        Iterator<PGPSignature> signatures = primary.getSignaturesForID(rawUserId);
        while (signatures != null && signatures.hasNext()) {
            PGPSignature signature = signatures.next();
            int type = signature.getSignatureType();
            boolean wanted = revocation ? type == PGPSignature.CERTIFICATION_REVOCATION : isCertification(type);
            if (wanted && isIssuedBy(signature, primary) && verifiesUserId(signature, rawUserId, primary, verifiers)) {
                newest = newer(newest, signature);
            }
        }
        return newest;
    }

    private static PGPSignature newestValidBinding(PGPPublicKey primary, PGPPublicKey subkey,
                                                   PGPContentVerifierBuilderProvider verifiers) {
        PGPSignature newest = null;
        Iterator<PGPSignature> signatures = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING);
        while (signatures.hasNext()) {
            PGPSignature signature = signatures.next();
            if (verifies(signature, primary, verifiers, subkey)) {
                newest = newer(newest, signature);
            }
        }
        return newest;
    }

    private static boolean hasValidRevocation(PGPPublicKey key, int type, PGPPublicKey primary, PGPPublicKey subkey,
                                              PGPContentVerifierBuilderProvider verifiers) {
        Iterator<PGPSignature> signatures = key.getSignaturesOfType(type);
        while (signatures.hasNext()) {
            if (verifies(signatures.next(), primary, verifiers, subkey)) {
                return true;
            }
        }
        return false;
    }

    /** A signing subkey must sign its own binding (RFC 9580 5.2.1), or anyone could claim someone else's signatures. */
    private static boolean hasValidBackSignature(PGPSignature binding, PGPPublicKey primary, PGPPublicKey subkey) {
        PGPContentVerifierBuilderProvider verifiers = new BcPGPContentVerifierBuilderProvider();
        for (PGPSignatureSubpacketVector subpackets
            : List.of(binding.getHashedSubPackets(), binding.getUnhashedSubPackets())) {
            try {
                for (PGPSignature embedded : subpackets.getEmbeddedSignatures()) {
                    if (embedded.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING) {
                        embedded.init(verifiers, subkey);
                        if (embedded.verifyCertification(primary, subkey)) {
                            return true;
                        }
                    }
                }
            } catch (PGPException | RuntimeException e) {
                // An unreadable or unverifiable back-signature is no back-signature.
            }
        }
        return false;
    }

    /** Verifies a signature by the primary key over the primary key alone, or over the primary key and a subkey. */
    private static boolean verifies(PGPSignature signature, PGPPublicKey primary,
                                    PGPContentVerifierBuilderProvider verifiers, PGPPublicKey subkey) {
        if (!isIssuedBy(signature, primary)) {
            return false;
        }
        try {
            signature.init(verifiers, primary);
            return subkey == null ? signature.verifyCertification(primary) : signature.verifyCertification(primary, subkey);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private static boolean verifiesUserId(PGPSignature signature, byte[] rawUserId, PGPPublicKey primary,
                                          PGPContentVerifierBuilderProvider verifiers) {
        try {
            signature.init(verifiers, primary);
            return signature.verifyCertification(rawUserId, primary);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    /** Skips signatures that name another issuer, so third-party certifications cost no verification. */
    private static boolean isIssuedBy(PGPSignature signature, PGPPublicKey primary) {
        long issuer = signature.getKeyID();
        return issuer == 0 || issuer == primary.getKeyID();
    }

    private static boolean isCertification(int type) {
        return type == PGPSignature.DEFAULT_CERTIFICATION || type == PGPSignature.NO_CERTIFICATION
            || type == PGPSignature.CASUAL_CERTIFICATION || type == PGPSignature.POSITIVE_CERTIFICATION;
    }

    private static PGPSignature newer(PGPSignature current, PGPSignature candidate) {
        return current == null || candidate.getCreationTime().after(current.getCreationTime()) ? candidate : current;
    }

    /** The address of {@code Name <address>}, or of a user id that is a bare address. */
    private static Optional<EmailAddress> emailAddress(String userId) {
        int open = userId.lastIndexOf('<');
        int close = userId.lastIndexOf('>');
        String address = open >= 0 && close > open ? userId.substring(open + 1, close) : userId;
        if (address.isBlank() || address.chars().anyMatch(c -> Character.isWhitespace(c) || c == '<' || c == '>')) {
            return Optional.empty();
        }
        try {
            return Optional.of(EmailAddress.of(address));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("deprecation") // RFC 9580 deprecates some algorithms that old keys still use
    private static boolean canEncrypt(int algorithm) {
        switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL:
            case PublicKeyAlgorithmTags.RSA_ENCRYPT:
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT:
            case PublicKeyAlgorithmTags.ELGAMAL_GENERAL:
            case PublicKeyAlgorithmTags.ECDH:
            case PublicKeyAlgorithmTags.X25519:
            case PublicKeyAlgorithmTags.X448:
                return true;
            default:
                return false;
        }
    }

    @SuppressWarnings("deprecation") // RFC 9580 deprecates some algorithms that old keys still use
    private static boolean canSign(int algorithm) {
        switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL:
            case PublicKeyAlgorithmTags.RSA_SIGN:
            case PublicKeyAlgorithmTags.DSA:
            case PublicKeyAlgorithmTags.ECDSA:
            case PublicKeyAlgorithmTags.EDDSA_LEGACY:
            case PublicKeyAlgorithmTags.Ed25519:
            case PublicKeyAlgorithmTags.Ed448:
                return true;
            default:
                return false;
        }
    }

    @SuppressWarnings("deprecation") // RFC 9580 deprecates some algorithms that old keys still use
    private static String algorithmName(int algorithm) {
        switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL:
            case PublicKeyAlgorithmTags.RSA_ENCRYPT:
            case PublicKeyAlgorithmTags.RSA_SIGN:
                return "RSA";
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT:
            case PublicKeyAlgorithmTags.ELGAMAL_GENERAL:
                return "ElGamal";
            case PublicKeyAlgorithmTags.DSA:
                return "DSA";
            case PublicKeyAlgorithmTags.ECDH:
                return "ECDH";
            case PublicKeyAlgorithmTags.ECDSA:
                return "ECDSA";
            case PublicKeyAlgorithmTags.EDDSA_LEGACY:
                return "EdDSA";
            case PublicKeyAlgorithmTags.X25519:
                return "X25519";
            case PublicKeyAlgorithmTags.X448:
                return "X448";
            case PublicKeyAlgorithmTags.Ed25519:
                return "Ed25519";
            case PublicKeyAlgorithmTags.Ed448:
                return "Ed448";
            default:
                return "algorithm " + algorithm;
        }
    }

    private static String curve(PGPPublicKey key) {
        BCPGKey material = key.getPublicKeyPacket().getKey();
        if (!(material instanceof ECPublicBCPGKey)) {
            return null;
        }
        ASN1ObjectIdentifier oid = ((ECPublicBCPGKey) material).getCurveOID();
        String name = OPENPGP_CURVES.get(oid.getId());
        if (name == null) {
            name = NISTNamedCurves.getName(oid);
        }
        if (name == null) {
            name = TeleTrusTNamedCurves.getName(oid);
        }
        return name != null ? name : oid.getId();
    }
}
