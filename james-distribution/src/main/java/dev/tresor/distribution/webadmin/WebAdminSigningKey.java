package dev.tresor.distribution.webadmin;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.distribution.PemFiles;

/**
 * The key pair WebAdmin's JSON Web Tokens are signed with (ECDSA P-256, {@code ES256}), kept in the data directory.
 *
 * <p>James verifies tokens with the public key that {@code conf/webadmin.properties} names:
 * <pre>
 * jwt.enabled=true
 * jwt.publickeypem.url=file://webadmin/jwt-public.pem
 * </pre>
 * A {@code file://} location is resolved as James resolves it (relative: in the data directory, James's working
 * directory). The private key is {@value #PRIVATE_KEY_FILE} in the same directory (PKCS#8 PEM, readable by its owner
 * only); {@code bin/tresor-token} signs with it ({@link WebAdminToken}). When neither file exists, the server generates
 * the pair on its first start, before James reads its configuration, so that authentication is on from the first
 * request without anyone handling a key. An operator who signs tokens elsewhere (an identity provider) puts that
 * public key at the configured location instead; nothing is generated then, and {@code bin/tresor-token} cannot mint.
 */
public final class WebAdminSigningKey {
    public static final String PRIVATE_KEY_FILE = "jwt-private.pem";
    private static final Logger LOGGER = LoggerFactory.getLogger(WebAdminSigningKey.class);
    private static final String CONFIGURATION_FILE = "webadmin.properties";
    private static final String FILE_PROTOCOL = "file://";

    private final Path publicKeyFile;
    private final Path privateKeyFile;

    public WebAdminSigningKey(Path publicKeyFile) {
        this.publicKeyFile = Objects.requireNonNull(publicKeyFile);
        this.privateKeyFile = publicKeyFile.resolveSibling(PRIVATE_KEY_FILE);
    }

    /**
     * The key that {@code webadmin.properties} in {@code configurationDirectory} makes James verify tokens with, when
     * WebAdmin is enabled with JWT authentication and the key is a {@code file://} location; empty otherwise (no
     * authentication, or a key James fetches from elsewhere, which is the operator's to provide).
     */
    public static Optional<WebAdminSigningKey> configuredIn(Path configurationDirectory, Path workingDirectory)
        throws IOException {
        Path file = configurationDirectory.resolve(CONFIGURATION_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            properties.load(in);
        }
        boolean enabled = Boolean.parseBoolean(properties.getProperty("enabled", "false").trim());
        boolean jwt = Boolean.parseBoolean(properties.getProperty("jwt.enabled", "false").trim());
        Optional<String> url = Optional.ofNullable(properties.getProperty("jwt.publickeypem.url"))
            .map(String::trim)
            .filter(location -> location.startsWith(FILE_PROTOCOL));
        if (!enabled || !jwt || url.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new WebAdminSigningKey(resolveJamesUrl(url.get(), workingDirectory)));
    }

    /** James's {@code file://} locations: {@code file://x/y} relative to the working directory, {@code file:///x} absolute. */
    static Path resolveJamesUrl(String url, Path workingDirectory) {
        String path = url.substring(FILE_PROTOCOL.length());
        if (path.startsWith("/")) {
            return Path.of(path);
        }
        return workingDirectory.resolve(path);
    }

    /**
     * Generates the pair when neither file exists.
     *
     * @return true when a pair was written
     * @throws IllegalStateException when only the private key exists: generating a public key next to it would make
     *     every token signed with the old private key invalid without saying why
     */
    public boolean provisionIfMissing() throws IOException, GeneralSecurityException {
        if (Files.exists(publicKeyFile)) {
            return false;
        }
        if (Files.exists(privateKeyFile)) {
            throw new IllegalStateException("WebAdmin's signing key is incomplete: " + privateKeyFile + " exists but "
                + publicKeyFile + " does not. Restore the public key, or remove the private key to let Tresor generate "
                + "a new pair (tokens signed with the old key then stop working).");
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        Files.createDirectories(publicKeyFile.toAbsolutePath().getParent());
        PemFiles.writeOwnerOnly(privateKeyFile, PemFiles.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(publicKeyFile, PemFiles.pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardOpenOption.CREATE_NEW);
        LOGGER.info("Generated WebAdmin's token signing key {} (public: {}); mint tokens with bin/tresor-token",
            privateKeyFile, publicKeyFile);
        return true;
    }

    /** The private key, to sign tokens with. */
    public PrivateKey privateKey() throws IOException, GeneralSecurityException {
        if (!Files.exists(privateKeyFile)) {
            throw new IllegalStateException("No WebAdmin signing key at " + privateKeyFile + ": start the server once "
                + "(it generates the key), or mint tokens where the key of " + publicKeyFile + " lives");
        }
        String pem = Files.readString(privateKeyFile, StandardCharsets.US_ASCII);
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

}
