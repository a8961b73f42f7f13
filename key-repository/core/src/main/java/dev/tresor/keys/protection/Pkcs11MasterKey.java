package dev.tresor.keys.protection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.Arrays;
import java.util.Objects;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master key that never leaves an HSM: an AES-256 secret key object on a PKCS#11 token, used through the JDK's
 * SunPKCS11 provider. Wrapping and unwrapping run AES-GCM ({@code CKM_AES_GCM}) inside the token; the tenant keys
 * passed in and out are the only key material the JVM sees. Wrapped keys have the layout of every built-in master
 * key: version byte {@code 0x01}, 12-byte nonce, ciphertext and 16-byte tag.
 *
 * <p>The key is found by its label ({@code CKA_LABEL}). If the token has no object with that label, {@link #open}
 * generates one in the token ({@code CKM_AES_KEY_GEN}, 256 bits, {@code CKA_TOKEN}, {@code CKA_SENSITIVE},
 * {@code CKA_EXTRACTABLE=false}) and logs that it did. The {@linkplain #id() id} is {@code pkcs11:<label>}: a new
 * master key version needs a new label (e.g. {@code tresor-master-2025}), then {@code KeyProtection.rotateMasterKey}.
 *
 * <p>The token is chosen by its PKCS#11 slot id ({@code softhsm2-util --show-slots}, {@code pkcs11-tool -L}).
 * SunPKCS11 cannot select a token by its label, and its slot list index proved unreliable with SoftHSM2, so neither
 * is offered.
 */
public final class Pkcs11MasterKey implements MasterKey {
    private static final Logger LOGGER = LoggerFactory.getLogger(Pkcs11MasterKey.class);
    private static final String ID_PREFIX = "pkcs11:";

    private final String label;
    private final long slot;
    private final Key key;
    private final AesGcm gcm;

    private Pkcs11MasterKey(String label, long slot, Key key, AesGcm gcm) {
        this.label = label;
        this.slot = slot;
        this.key = key;
        this.gcm = gcm;
    }

    /**
     * Logs into the token in {@code slot} of the PKCS#11 {@code library} and finds, or generates, the AES key
     * labelled {@code keyLabel}, then checks with one wrap and unwrap that the token can do AES-GCM with it.
     *
     * @param library the PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
     * @param slot the slot id of the token
     * @param pin the user PIN; not kept, the caller may wipe it afterwards
     * @param keyLabel the label of the AES key object
     * @throws KeyProtectionException naming the parameter or the token's error if any step fails
     */
    public static Pkcs11MasterKey open(Path library, long slot, char[] pin, String keyLabel) {
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(pin, "pin");
        checkLabel(keyLabel);
        if (slot < 0) {
            throw new KeyProtectionException("PKCS#11 slot must be a slot id >= 0, not " + slot);
        }
        Path absoluteLibrary = library.toAbsolutePath();
        if (!Files.isRegularFile(absoluteLibrary)) {
            throw new KeyProtectionException("PKCS#11 library " + absoluteLibrary + " does not exist or is not a "
                + "file; install the HSM's PKCS#11 module or correct the path");
        }
        Provider provider = configureProvider(absoluteLibrary, slot);
        KeyStore token = login(provider, absoluteLibrary, slot, pin);
        Key key = findOrGenerate(token, provider, keyLabel, slot);
        Pkcs11MasterKey masterKey = new Pkcs11MasterKey(keyLabel, slot, key, AesGcm.of(provider));
        masterKey.selfTest();
        return masterKey;
    }

    private static void checkLabel(String keyLabel) {
        Objects.requireNonNull(keyLabel, "keyLabel");
        if (keyLabel.trim().isEmpty() || keyLabel.length() > 128
            || !StandardCharsets.US_ASCII.newEncoder().canEncode(keyLabel)
            || keyLabel.chars().anyMatch(Character::isISOControl)) {
            throw new KeyProtectionException("PKCS#11 key label '" + keyLabel + "' is not usable: use 1 to 128 "
                + "printable ASCII characters");
        }
    }

    private static Provider configureProvider(Path library, long slot) {
        if (library.toString().contains("\"") || library.toString().contains("\n")) {
            throw new KeyProtectionException("PKCS#11 library path " + library + " contains a quote or line break");
        }
        String config = "--name = Tresor\n"
            + "library = \"" + library + "\"\n"
            + "slot = " + slot + "\n"
            + "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
            + "  CKA_SENSITIVE = true\n"
            + "  CKA_EXTRACTABLE = false\n"
            + "}\n";
        Provider sunPkcs11 = Security.getProvider("SunPKCS11");
        if (sunPkcs11 == null) {
            throw new KeyProtectionException("This JVM has no SunPKCS11 provider (module jdk.crypto.cryptoki); "
                + "Pkcs11MasterKey needs it");
        }
        try {
            return sunPkcs11.configure(config);
        } catch (ProviderException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new KeyProtectionException("Cannot use PKCS#11 slot " + slot + " of " + library + ": "
                + describe(e), e);
        }
    }

    private static KeyStore login(Provider provider, Path library, long slot, char[] pin) {
        try {
            KeyStore token = KeyStore.getInstance("PKCS11", provider);
            token.load(null, pin);
            return token;
        } catch (IOException | GeneralSecurityException | ProviderException e) {
            throw new KeyProtectionException("PKCS#11 login to slot " + slot + " of " + library + " failed (wrong "
                + "PIN, or PIN locked?): " + describe(e), e);
        }
    }

    private static Key findOrGenerate(KeyStore token, Provider provider, String keyLabel, long slot) {
        try {
            if (!token.containsAlias(keyLabel)) {
                generate(token, provider, keyLabel, slot);
            }
            if (!token.entryInstanceOf(keyLabel, KeyStore.SecretKeyEntry.class)) {
                throw new KeyProtectionException("PKCS#11 object '" + keyLabel + "' in slot " + slot + " is not a "
                    + "secret key; choose another key label");
            }
            Key key = token.getKey(keyLabel, null);
            if (!"AES".equals(key.getAlgorithm())) {
                throw new KeyProtectionException("PKCS#11 key '" + keyLabel + "' in slot " + slot + " is a "
                    + key.getAlgorithm() + " key; the master key must be AES-256");
            }
            return key;
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KeyProtectionException("Cannot find or create the PKCS#11 key '" + keyLabel + "' in slot "
                + slot + ": " + describe(e), e);
        }
    }

    private static void generate(KeyStore token, Provider provider, String keyLabel, long slot)
        throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
        generator.init(256);
        SecretKey sessionKey = generator.generateKey();
        // Stores a token-object copy labelled keyLabel; the session key goes when the session does.
        token.setEntry(keyLabel, new KeyStore.SecretKeyEntry(sessionKey), null);
        LOGGER.warn("Generated a new AES-256 master key '{}' in PKCS#11 slot {}; it cannot be exported, so back up "
            + "the token as its vendor describes", keyLabel, slot);
    }

    private void selfTest() {
        byte[] probe = AesGcm.randomBytes(AesGcm.KEY_BYTES);
        byte[] associatedData = "tresor pkcs11 self-test".getBytes(StandardCharsets.US_ASCII);
        try {
            byte[] unwrapped = unwrap(wrap(probe, associatedData), associatedData);
            if (!Arrays.equals(probe, unwrapped)) {
                throw new KeyProtectionException("PKCS#11 key '" + label + "' in slot " + slot + " failed the AES-GCM "
                    + "self-test: unwrap returned other bytes than were wrapped");
            }
        } catch (KeyProtectionException e) {
            throw new KeyProtectionException("PKCS#11 key '" + label + "' in slot " + slot + " cannot do AES-GCM "
                + "(CKM_AES_GCM; the key needs CKA_ENCRYPT and CKA_DECRYPT): " + e.getMessage(), e);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder description = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            description.append(": ").append(cause.getMessage());
        }
        return description.toString();
    }

    /** {@code pkcs11:} followed by the key label. */
    @Override
    public String id() {
        return ID_PREFIX + label;
    }

    @Override
    public byte[] wrap(byte[] keyToWrap, byte[] associatedData) {
        try {
            return MasterKeyWrapFormat.wrap(gcm, key, keyToWrap, associatedData);
        } catch (ProviderException e) {
            throw new KeyProtectionException("PKCS#11 key '" + label + "' in slot " + slot + " failed to wrap: "
                + describe(e), e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) {
        try {
            return MasterKeyWrapFormat.unwrap(gcm, key, id(), wrapped, associatedData);
        } catch (ProviderException e) {
            throw new KeyProtectionException("PKCS#11 key '" + label + "' in slot " + slot + " failed to unwrap: "
                + describe(e), e);
        }
    }

    @Override
    public String toString() {
        return "Pkcs11MasterKey[slot " + slot + ", " + id() + "]";
    }
}
