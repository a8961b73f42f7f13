package dev.tresor.distribution;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.security.auth.x500.X500Principal;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The TLS key and certificate our SMTP and IMAP listeners use, written as a self-signed pair when the configured PEM
 * files do not exist yet, so that a fresh server offers STARTTLS from its first start.
 *
 * <p>The private key is RSA-2048 in unencrypted PKCS#8 PEM, readable by its owner only; the certificate is
 * self-signed with SHA-256, valid for two years, for the host name and {@code localhost}. Existing files are never
 * touched; a key without its certificate (or the reverse) is a configuration error, not something to repair.
 */
public final class ServerTlsIdentity {
    private static final Logger LOGGER = LoggerFactory.getLogger(ServerTlsIdentity.class);
    private static final Duration VALIDITY = Duration.ofDays(730);
    private static final String FILE_PROTOCOL = "file://";
    private static final List<String> PROTOCOL_CONFIGURATIONS = List.of("smtpserver.xml", "imapserver.xml");

    private final Path privateKeyFile;
    private final Path certificateFile;

    public ServerTlsIdentity(Path privateKeyFile, Path certificateFile) {
        this.privateKeyFile = Objects.requireNonNull(privateKeyFile);
        this.certificateFile = Objects.requireNonNull(certificateFile);
    }

    /** {@link #configuredIn(Path, Path)} with the configuration in {@code workingDirectory/conf}. */
    public static Set<ServerTlsIdentity> configuredIn(Path workingDirectory) throws IOException {
        return configuredIn(workingDirectory.resolve("conf"), workingDirectory);
    }

    /**
     * The PEM key and certificate pairs that the enabled, TLS-using listeners of {@code smtpserver.xml} and
     * {@code imapserver.xml} in {@code configurationDirectory} point to, their {@code file://} locations resolved as
     * James resolves them, against its {@code workingDirectory}. Listeners that use a keystore instead are left to
     * the operator.
     */
    public static Set<ServerTlsIdentity> configuredIn(Path configurationDirectory, Path workingDirectory) throws IOException {
        Set<ServerTlsIdentity> identities = new LinkedHashSet<>();
        for (String file : PROTOCOL_CONFIGURATIONS) {
            Path configuration = configurationDirectory.resolve(file);
            if (Files.exists(configuration)) {
                identities.addAll(listedIn(configuration, workingDirectory));
            }
        }
        return identities;
    }

    private static List<ServerTlsIdentity> listedIn(Path configuration, Path workingDirectory) throws IOException {
        List<ServerTlsIdentity> identities = new ArrayList<>();
        Element root = parse(configuration).getDocumentElement();
        for (Element server : children(root)) {
            if ("false".equalsIgnoreCase(server.getAttribute("enabled").trim())) {
                continue;
            }
            for (Element tls : children(server, "tls")) {
                Optional<String> privateKey = childText(tls, "privateKey");
                Optional<String> certificates = childText(tls, "certificates");
                if (usesTls(tls) && privateKey.isPresent() && certificates.isPresent()) {
                    identities.add(new ServerTlsIdentity(
                        resolveJamesUrl(privateKey.get(), workingDirectory),
                        resolveJamesUrl(certificates.get(), workingDirectory)));
                }
            }
        }
        return identities;
    }

    private static boolean usesTls(Element tls) {
        return Boolean.parseBoolean(tls.getAttribute("startTLS").trim())
            || Boolean.parseBoolean(tls.getAttribute("socketTLS").trim());
    }

    /** James's {@code file://} URLs: {@code file://tls/x} and {@code file://conf/x} are relative to the working directory, {@code file:///x} absolute. */
    static Path resolveJamesUrl(String url, Path workingDirectory) {
        String trimmed = url.trim();
        if (!trimmed.startsWith(FILE_PROTOCOL)) {
            throw new IllegalArgumentException("Only file:// locations can be provisioned, got " + trimmed);
        }
        String path = trimmed.substring(FILE_PROTOCOL.length());
        if (path.startsWith("/")) {
            return Path.of(path);
        }
        return workingDirectory.resolve(path);
    }

    private static Document parse(Path file) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element) {
                elements.add((Element) nodes.item(i));
            }
        }
        return elements;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> elements = new ArrayList<>(children(parent));
        elements.removeIf(element -> !element.getTagName().equals(name));
        return elements;
    }

    private static Optional<String> childText(Element parent, String name) {
        return children(parent, name).stream()
            .map(element -> element.getTextContent().trim())
            .filter(text -> !text.isEmpty())
            .findFirst();
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

    public Path certificateFile() {
        return certificateFile;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof ServerTlsIdentity) {
            ServerTlsIdentity that = (ServerTlsIdentity) o;
            return privateKeyFile.equals(that.privateKeyFile) && certificateFile.equals(that.certificateFile);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(privateKeyFile, certificateFile);
    }

    /**
     * Writes a self-signed pair unless both files exist.
     *
     * @return true when a pair was written
     * @throws IllegalStateException when exactly one of the two files exists
     */
    public boolean provisionIfMissing() throws IOException, GeneralSecurityException {
        boolean keyExists = Files.exists(privateKeyFile);
        boolean certificateExists = Files.exists(certificateFile);
        if (keyExists && certificateExists) {
            return false;
        }
        if (keyExists || certificateExists) {
            throw new IllegalStateException("TLS identity is incomplete: " + (keyExists ? privateKeyFile : certificateFile)
                + " exists but " + (keyExists ? certificateFile : privateKeyFile) + " does not. Provide both files, or"
                + " remove the one left to let Tresor generate a self-signed pair.");
        }
        writeSelfSigned(hostNames());
        return true;
    }

    private void writeSelfSigned(Set<String> hostNames) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        KeyPair keyPair = generator.generateKeyPair();
        X509Certificate certificate = selfSign(keyPair, hostNames);

        Files.createDirectories(privateKeyFile.toAbsolutePath().getParent());
        Files.createDirectories(certificateFile.toAbsolutePath().getParent());
        PemFiles.writeOwnerOnly(privateKeyFile, PemFiles.pem("PRIVATE KEY", keyPair.getPrivate().getEncoded()));
        Files.writeString(certificateFile, PemFiles.pem("CERTIFICATE", certificate.getEncoded()), StandardOpenOption.CREATE_NEW);
        LOGGER.warn("Generated a self-signed TLS certificate for {} in {}: clients will not trust it. Replace {} and {} "
            + "with your own key and certificate chain.", hostNames, certificateFile, privateKeyFile, certificateFile);
    }

    private static X509Certificate selfSign(KeyPair keyPair, Set<String> hostNames) throws GeneralSecurityException {
        X500Principal subject = new X500Principal("CN=" + hostNames.iterator().next() + ", O=Tresor self-signed");
        Instant now = Instant.now();
        GeneralName[] subjectAlternativeNames = hostNames.stream()
            .map(name -> new GeneralName(GeneralName.dNSName, name))
            .toArray(GeneralName[]::new);
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(128, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(VALIDITY)),
                subject,
                keyPair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(subjectAlternativeNames));
            return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate())));
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException("Cannot build the self-signed TLS certificate", e);
        }
    }

    private static Set<String> hostNames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            LOGGER.info("Host name unknown, the self-signed certificate names localhost only", e);
        }
        names.add("localhost");
        return names;
    }
}
