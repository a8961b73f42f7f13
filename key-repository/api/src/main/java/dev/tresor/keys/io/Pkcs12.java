package dev.tresor.keys.io;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.CertBag;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS12ParametersGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.bc.BcDefaultDigestProvider;
import org.bouncycastle.operator.jcajce.JceGenericKey;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

import dev.tresor.keys.Fingerprint;

/**
 * PKCS#12 files ({@code .p12}, {@code .pfx}): how admins bring their S/MIME keys in, and the only form in which a
 * private key ever leaves the repository (an explicit backup).
 *
 * <p>Reading accepts what OpenSSL 3 writes by default (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, HMAC-SHA256 MAC), what it
 * writes with {@code -legacy} and what older Windows and Java write (PKCS#12 PBE with RC2 or 3DES, HMAC-SHA1 MAC).
 *
 * <p>Writing produces OpenSSL 3's default layout: one encrypted SafeContents with the certificate bags, then one
 * shrouded key bag per key, each encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, own salt and IV) and the whole
 * protected by an HMAC-SHA256 MAC. Iterations are {@value #ITERATIONS} for both, not OpenSSL's 2,048: these files hold
 * private keys and are made to be carried away. Each key bag and its certificate's bag share a friendlyName (the alias)
 * and a localKeyId (the certificate's SHA-256 fingerprint).
 */
public final class Pkcs12 {
    static final int ITERATIONS = 100_000;
    /** Far above what any tool writes (OpenSSL 2,048, Java 10,000); a corrupt or hostile count must not stall a reader. */
    private static final BigInteger MAX_ITERATIONS = BigInteger.valueOf(10_000_000);
    private static final int SALT_LENGTH = 16;
    private static final int AES_BLOCK_LENGTH = 16;
    private static final int AES_256_KEY_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Reading only: a few KB per file, and Bouncy Castle implements every scheme found in the wild (RC2-40 included),
     * which the JDK does not promise. Writing uses the JDK's PBKDF2 and AES.
     */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private Pkcs12() {
    }

    /**
     * Every private key of the file with its certificate chain (end-entity first, then issuers found in the file,
     * nearest first) and its alias (the friendlyName, or else the certificate's SHA-256 fingerprint), in file order.
     * A key's certificate is the one with the same localKeyId, or the same friendlyName, or, for a single key without
     * either, the only certificate in the file that issued no other one. Certificates belonging to no key are ignored.
     *
     * @throws KeyMaterialException "wrong PKCS#12 password", or what is corrupt or unsupported in the file
     */
    public static List<KeyAndChain> read(byte[] pkcs12, char[] password) throws KeyMaterialException {
        Objects.requireNonNull(password, "password");
        if (pkcs12 == null || pkcs12.length == 0) {
            throw new KeyMaterialException("empty input");
        }
        if (Pem.isPem(pkcs12)) {
            throw new KeyMaterialException("not a PKCS#12 file: the input is PEM text; PKCS#12 (.p12, .pfx) is binary");
        }
        if (!Der.startsLikeDer(pkcs12)) {
            throw new KeyMaterialException("not a PKCS#12 file: the input is not binary ASN.1 (DER)");
        }
        PKCS12PfxPdu pfx = pfx(pkcs12);
        try {
            boolean macVerified = verifyMac(pfx, password);
            return keysWithChains(bags(pfx, password, macVerified), password, macVerified);
        } catch (RuntimeException e) {
            throw new KeyMaterialException("corrupt PKCS#12 file: " + Certificates.rootMessage(e), e);
        }
    }

    /**
     * A PKCS#12 file holding the given keys and chains, readable by OpenSSL 3, Java and current Windows (see class
     * comment for the layout). A certificate shared by several chains is stored once.
     *
     * @throws IllegalArgumentException when the password is empty, or a key cannot leave its provider (an HSM key)
     */
    public static byte[] write(List<KeyAndChain> entries, char[] password) {
        if (password.length == 0) {
            throw new IllegalArgumentException("A PKCS#12 file with private keys needs a password");
        }
        for (KeyAndChain entry : entries) {
            if (entry.privateKey().getEncoded() == null) {
                throw new IllegalArgumentException("Private key '" + entry.alias() + "' cannot be exported: its provider"
                    + " does not release it (a hardware key?)");
            }
        }
        try {
            Map<Fingerprint, PKCS12SafeBag> certificateBags = new LinkedHashMap<>();
            List<PKCS12SafeBag> keyBags = new ArrayList<>();
            for (KeyAndChain entry : entries) {
                byte[] certificate = encoded(entry.certificate());
                Fingerprint fingerprint = Fingerprint.sha256(certificate);
                DEROctetString localKeyId = new DEROctetString(sha256(certificate));
                DERBMPString friendlyName = new DERBMPString(entry.alias());
                certificateBags.put(fingerprint, new JcaPKCS12SafeBagBuilder(entry.certificate())
                    .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, friendlyName)
                    .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId)
                    .build());
                for (X509Certificate issuer : entry.chain().subList(1, entry.chain().size())) {
                    certificateBags.putIfAbsent(Fingerprint.sha256(encoded(issuer)),
                        new JcaPKCS12SafeBagBuilder(issuer).build());
                }
                keyBags.add(new JcaPKCS12SafeBagBuilder(entry.privateKey(), encryptor(password))
                    .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, friendlyName)
                    .addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId)
                    .build());
            }
            PKCS12PfxPduBuilder builder = new PKCS12PfxPduBuilder();
            builder.addEncryptedData(encryptor(password), certificateBags.values().toArray(new PKCS12SafeBag[0]));
            for (PKCS12SafeBag keyBag : keyBags) {
                builder.addData(keyBag);
            }
            BcPKCS12MacCalculatorBuilder mac = new BcPKCS12MacCalculatorBuilder(new SHA256Digest(),
                new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE)).setIterationCount(ITERATIONS);
            return builder.build(mac, password).getEncoded(ASN1Encoding.DER);
        } catch (IOException | PKCSException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot write PKCS#12: " + e.getMessage(), e);
        }
    }

    private static PKCS12PfxPdu pfx(byte[] pkcs12) throws KeyMaterialException {
        ASN1Encodable der = Der.parse(pkcs12, "PKCS#12 file");
        Pfx pfx;
        try {
            pfx = Pfx.getInstance(der);
        } catch (RuntimeException e) {
            throw new KeyMaterialException("not a PKCS#12 file: " + Certificates.rootMessage(e), e);
        }
        ASN1ObjectIdentifier integrityMode = pfx.getAuthSafe().getContentType();
        if (!PKCSObjectIdentifiers.data.equals(integrityMode)) {
            throw new KeyMaterialException("unsupported PKCS#12 file: its content is of type " + integrityMode.getId()
                + "; only password integrity mode (as OpenSSL, Java and Windows write) is supported");
        }
        return new PKCS12PfxPdu(pfx);
    }

    /**
     * Returns whether a MAC proved the password; a file without MAC (rare) can only be checked by decrypting it.
     *
     * <p>The MAC is computed here and only its value compared, as OpenSSL and Java do. Bouncy Castle's
     * {@code PKCS12PfxPdu.isMacValid} compares the whole re-encoded MacData instead, so a file whose digest
     * AlgorithmIdentifier has no NULL parameters (both encodings are allowed; the S/MIME sample keys of RFC 9216's
     * drafts are written so) was reported as a wrong password although the password was right.
     */
    private static boolean verifyMac(PKCS12PfxPdu pfx, char[] password) throws KeyMaterialException {
        if (!pfx.hasMac()) {
            return false;
        }
        MacData macData = pfx.toASN1Structure().getMacData();
        BigInteger iterations = macData.getIterationCount();
        if (isImplausible(iterations)) {
            throw new KeyMaterialException("corrupt PKCS#12 file: implausible MAC iteration count " + iterations);
        }
        AlgorithmIdentifier digestAlgorithm = macData.getMac().getAlgorithmId();
        byte[] expected;
        try {
            Digest digest = BcDefaultDigestProvider.INSTANCE.get(digestAlgorithm);
            PKCS12ParametersGenerator generator = new PKCS12ParametersGenerator(digest);
            generator.init(PKCS12ParametersGenerator.PKCS12PasswordToBytes(password), macData.getSalt(),
                iterations.intValueExact());
            HMac hmac = new HMac(digest);
            hmac.init(generator.generateDerivedMacParameters(digest.getDigestSize() * 8));
            byte[] content = ASN1OctetString.getInstance(pfx.toASN1Structure().getAuthSafe().getContent()).getOctets();
            hmac.update(content, 0, content.length);
            expected = new byte[hmac.getMacSize()];
            hmac.doFinal(expected, 0);
        } catch (OperatorCreationException | RuntimeException e) {
            throw new KeyMaterialException("unsupported PKCS#12 integrity protection (MAC with "
                + digestAlgorithm.getAlgorithm().getId() + "): " + Certificates.rootMessage(e), e);
        }
        if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(expected, macData.getMac().getDigest())) {
            throw new KeyMaterialException("wrong PKCS#12 password");
        }
        return true;
    }

    private static List<PKCS12SafeBag> bags(PKCS12PfxPdu pfx, char[] password, boolean macVerified)
            throws KeyMaterialException {
        InputDecryptorProvider decryptor = decryptor(password);
        List<PKCS12SafeBag> bags = new ArrayList<>();
        for (ContentInfo content : pfx.getContentInfos()) {
            ASN1ObjectIdentifier type = content.getContentType();
            PKCS12SafeBagFactory factory;
            if (PKCSObjectIdentifiers.data.equals(type)) {
                factory = new PKCS12SafeBagFactory(content);
            } else if (PKCSObjectIdentifiers.encryptedData.equals(type)) {
                try {
                    factory = new PKCS12SafeBagFactory(content, decryptor);
                } catch (PKCSException e) {
                    throw decryptionFailure("the certificates", e, macVerified);
                }
            } else {
                throw new KeyMaterialException("unsupported PKCS#12 file: content of type " + type.getId()
                    + " (only password privacy mode is supported, not public-key privacy mode)");
            }
            bags.addAll(Arrays.asList(factory.getSafeBags()));
        }
        return bags;
    }

    private static List<KeyAndChain> keysWithChains(List<PKCS12SafeBag> bags, char[] password, boolean macVerified)
            throws KeyMaterialException {
        List<PKCS12SafeBag> keyBags = new ArrayList<>();
        List<X509Certificate> certificates = new ArrayList<>();
        List<PKCS12SafeBag> certificateBags = new ArrayList<>();
        for (PKCS12SafeBag bag : bags) {
            ASN1ObjectIdentifier type = bag.getType();
            if (PKCSObjectIdentifiers.pkcs8ShroudedKeyBag.equals(type) || PKCSObjectIdentifiers.keyBag.equals(type)) {
                keyBags.add(bag);
            } else if (PKCSObjectIdentifiers.certBag.equals(type)) {
                CertBag certBag = CertBag.getInstance(bag.toASN1Structure().getBagValue());
                if (PKCSObjectIdentifiers.x509Certificate.equals(certBag.getCertId())) {
                    byte[] der = ASN1OctetString.getInstance(certBag.getCertValue()).getOctets();
                    certificates.add(Certificates.certificate(der, "certificate " + (certificates.size() + 1)
                        + " of the PKCS#12 file"));
                    certificateBags.add(bag);
                }
            }
        }
        if (keyBags.isEmpty()) {
            throw new KeyMaterialException("the PKCS#12 file holds no private key (" + certificates.size()
                + " certificate(s) only); import certificates without keys as certificates");
        }
        InputDecryptorProvider decryptor = decryptor(password);
        List<KeyAndChain> keys = new ArrayList<>();
        for (PKCS12SafeBag keyBag : keyBags) {
            String name = friendlyName(keyBag);
            String description = name != null ? "private key '" + name + "'" : "private key " + (keys.size() + 1);
            int certificateIndex = certificateOf(keyBag, keyBags.size(), certificateBags, certificates);
            if (certificateIndex < 0) {
                throw new KeyMaterialException("the PKCS#12 " + description + " has no certificate in the file");
            }
            X509Certificate certificate = certificates.get(certificateIndex);
            String alias = name != null && !name.isBlank() ? name
                : Fingerprint.sha256(encoded(certificate)).asString();
            PrivateKey privateKey = privateKey(privateKeyInfo(keyBag, decryptor, description, macVerified), certificate,
                description);
            keys.add(new KeyAndChain(alias, privateKey, chain(certificate, certificates)));
        }
        return Collections.unmodifiableList(keys);
    }

    private static int certificateOf(PKCS12SafeBag keyBag, int keyCount, List<PKCS12SafeBag> certificateBags,
                                     List<X509Certificate> certificates) {
        byte[] localKeyId = localKeyId(keyBag);
        String name = friendlyName(keyBag);
        for (int i = 0; i < certificateBags.size(); i++) {
            if (localKeyId != null && Arrays.equals(localKeyId, localKeyId(certificateBags.get(i)))) {
                return i;
            }
        }
        for (int i = 0; i < certificateBags.size(); i++) {
            if (localKeyId == null && name != null && name.equals(friendlyName(certificateBags.get(i)))) {
                return i;
            }
        }
        if (keyCount == 1 && localKeyId == null && name == null) {
            return onlyLeaf(certificates);
        }
        return -1;
    }

    private static int onlyLeaf(List<X509Certificate> certificates) {
        int leaf = -1;
        for (int i = 0; i < certificates.size(); i++) {
            if (!issuesAnother(certificates.get(i), certificates)) {
                if (leaf >= 0) {
                    return -1;
                }
                leaf = i;
            }
        }
        return leaf;
    }

    private static boolean issuesAnother(X509Certificate candidate, List<X509Certificate> certificates) {
        for (X509Certificate other : certificates) {
            if (other != candidate && other.getIssuerX500Principal().equals(candidate.getSubjectX500Principal())) {
                return true;
            }
        }
        return false;
    }

    /** The certificate, then the issuer of each from the file, until a self-issued one or one whose issuer is absent. */
    private static List<X509Certificate> chain(X509Certificate endEntity, List<X509Certificate> certificates) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(endEntity);
        X509Certificate current = endEntity;
        while (!current.getIssuerX500Principal().equals(current.getSubjectX500Principal())) {
            X509Certificate issuer = null;
            for (X509Certificate candidate : certificates) {
                if (!chain.contains(candidate)
                    && candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
                    issuer = candidate;
                    break;
                }
            }
            if (issuer == null) {
                break;
            }
            chain.add(issuer);
            current = issuer;
        }
        return chain;
    }

    private static PrivateKeyInfo privateKeyInfo(PKCS12SafeBag keyBag, InputDecryptorProvider decryptor,
                                                 String description, boolean macVerified) throws KeyMaterialException {
        Object value = keyBag.getBagValue();
        if (value instanceof PrivateKeyInfo) {
            return (PrivateKeyInfo) value;
        }
        try {
            return ((PKCS8EncryptedPrivateKeyInfo) value).decryptPrivateKeyInfo(decryptor);
        } catch (PKCSException e) {
            throw decryptionFailure("the " + description, e, macVerified);
        }
    }

    /**
     * The key in the JDK's own classes, asked for by the algorithm name of its certificate's public key ({@code EC},
     * {@code RSA}, {@code Ed25519}, ...): every JCA provider accepts those, and the key's algorithm is the
     * certificate's. Not by Bouncy Castle's name for the OID: where Bouncy Castle is a registered provider (James
     * registers it), {@code ECDSA} found its key factory, and an EC key from OpenSSL was then refused as "the ECDSA
     * private key does not belong to the EC certificate". Bouncy Castle only for what the JDK cannot decode.
     */
    private static PrivateKey privateKey(PrivateKeyInfo info, X509Certificate certificate, String description)
            throws KeyMaterialException {
        try {
            return KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | IOException | RuntimeException jdkFailure) {
            try {
                return new JcaPEMKeyConverter().setProvider(BOUNCY_CASTLE).getPrivateKey(info);
            } catch (PEMException | RuntimeException e) {
                throw new KeyMaterialException("the PKCS#12 " + description + " cannot be read (algorithm "
                    + info.getPrivateKeyAlgorithm().getAlgorithm().getId() + "): " + Certificates.rootMessage(e), e);
            }
        }
    }

    /**
     * With a verified MAC the password is right, so a failure to decrypt means a corrupt or unsupported file; without a
     * MAC, a wrong password is the likely cause.
     */
    private static KeyMaterialException decryptionFailure(String what, Exception e, boolean macVerified) {
        if (!macVerified) {
            return new KeyMaterialException("wrong PKCS#12 password", e);
        }
        return new KeyMaterialException("cannot decrypt " + what + " of the PKCS#12 file (corrupt, or encrypted with an"
            + " unsupported algorithm): " + Certificates.rootMessage(e), e);
    }

    private static InputDecryptorProvider decryptor(char[] password) {
        InputDecryptorProvider decryptor = new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(BOUNCY_CASTLE)
            .build(password);
        return algorithm -> {
            BigInteger iterations = iterationCount(algorithm);
            if (isImplausible(iterations)) {
                throw new OperatorCreationException("implausible iteration count " + iterations);
            }
            return decryptor.get(algorithm);
        };
    }

    /** The iteration count of PBES2/PBKDF2 or PKCS#12 PBE parameters; 0 for other schemes. */
    private static BigInteger iterationCount(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier scheme = algorithm.getAlgorithm();
        if (PKCSObjectIdentifiers.id_PBES2.equals(scheme)) {
            KeyDerivationFunc kdf = PBES2Parameters.getInstance(algorithm.getParameters()).getKeyDerivationFunc();
            return PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())
                ? PBKDF2Params.getInstance(kdf.getParameters()).getIterationCount() : BigInteger.ZERO;
        }
        if (scheme.on(PKCSObjectIdentifiers.pkcs_12PbeIds)) {
            return PKCS12PBEParams.getInstance(algorithm.getParameters()).getIterations();
        }
        return BigInteger.ZERO;
    }

    private static boolean isImplausible(BigInteger iterations) {
        return iterations.compareTo(MAX_ITERATIONS) > 0;
    }

    /**
     * PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, fresh salt and IV per call, on the JDK's providers (their AES and
     * HMAC use CPU intrinsics). Bouncy Castle's JCE builder cannot be used with the JDK: it asks for the cipher by its OID,
     * which the JDK maps to AES without padding.
     */
    private static OutputEncryptor encryptor(char[] password) throws OperatorCreationException {
        byte[] salt = new byte[SALT_LENGTH];
        byte[] iv = new byte[AES_BLOCK_LENGTH];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(iv);
        AlgorithmIdentifier prf = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
        AlgorithmIdentifier algorithm = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, new PBES2Parameters(
            new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, ITERATIONS, prf)),
            new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv))));
        try {
            PBEKeySpec keySpec = new PBEKeySpec(password, salt, ITERATIONS, AES_256_KEY_BITS);
            SecretKey key = new SecretKeySpec(
                SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(keySpec).getEncoded(), "AES");
            keySpec.clearPassword();
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            return new OutputEncryptor() {
                @Override
                public AlgorithmIdentifier getAlgorithmIdentifier() {
                    return algorithm;
                }

                @Override
                public OutputStream getOutputStream(OutputStream out) {
                    return new CipherOutputStream(out, cipher);
                }

                @Override
                public GenericKey getKey() {
                    return new JceGenericKey(algorithm, key);
                }
            };
        } catch (GeneralSecurityException e) {
            throw new OperatorCreationException("PBKDF2-HMAC-SHA256 or AES-256-CBC unavailable: " + e.getMessage(), e);
        }
    }

    private static String friendlyName(PKCS12SafeBag bag) {
        ASN1Encodable value = attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_friendlyName);
        return value instanceof ASN1String ? ((ASN1String) value).getString() : null;
    }

    private static byte[] localKeyId(PKCS12SafeBag bag) {
        ASN1Encodable value = attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_localKeyId);
        return value instanceof ASN1OctetString ? ((ASN1OctetString) value).getOctets() : null;
    }

    private static ASN1Encodable attribute(PKCS12SafeBag bag, ASN1ObjectIdentifier type) {
        Attribute[] attributes = bag.getAttributes();
        if (attributes == null) {
            return null;
        }
        for (Attribute attribute : attributes) {
            if (type.equals(attribute.getAttrType()) && attribute.getAttrValues().size() > 0) {
                return attribute.getAttrValues().getObjectAt(0);
            }
        }
        return null;
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("Certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
