package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CertificatesTest {
    @TempDir
    static Path directory;
    static OpenSslPki pki;
    static Path alice;

    @BeforeAll
    static void makePki() {
        pki = new OpenSslPki(directory);
        alice = pki.issue("alice", OpenSslPki.EC, "/CN=Alice", "subjectAltName=email:alice@example.com");
    }

    @Test
    void readShouldReturnAPemChainInFileOrder() throws Exception {
        Path chain = pki.concatenate("chain.pem", alice, pki.intermediate(), pki.root());

        List<X509Certificate> certificates = Certificates.read(pki.bytes(chain));

        assertThat(subjects(certificates)).containsExactly("CN=Alice", "CN=Test Intermediate CA,O=Tresor tests",
            "CN=Test Root CA,O=Tresor tests");
    }

    @Test
    void readShouldIgnoreTextAroundPemBlocksAndBlocksOfOtherTypes() throws Exception {
        String text = "Subject: CN=Alice\r\nsome notes from the admin\r\n"
            + Files.readString(alice).replace("\n", "\r\n")
            + "and a key that does not belong here:\n" + Files.readString(pki.key("alice"));

        List<X509Certificate> certificates = Certificates.read(text.getBytes(StandardCharsets.UTF_8));

        assertThat(subjects(certificates)).containsExactly("CN=Alice");
    }

    @Test
    void readShouldAcceptAnOpensslTextDumpWithThePemAtTheEnd() throws Exception {
        byte[] dump = ExternalTool.run(directory, "openssl", "x509", "-in", alice.toString(), "-text");

        assertThat(subjects(Certificates.read(dump))).containsExactly("CN=Alice");
    }

    @Test
    void readShouldAcceptASingleDerCertificate() throws Exception {
        byte[] der = ExternalTool.run(directory, "openssl", "x509", "-in", alice.toString(), "-outform", "DER");

        List<X509Certificate> certificates = Certificates.read(der);

        assertThat(certificates).hasSize(1);
        assertThat(certificates.get(0).getEncoded()).isEqualTo(der);
    }

    @Test
    void readShouldReturnEveryCertificateOfADerPkcs7MadeByOpensslInItsOrder() throws Exception {
        byte[] pkcs7 = ExternalTool.run(directory, "openssl", "crl2pkcs7", "-nocrl", "-certfile", alice.toString(),
            "-certfile", pki.intermediate().toString(), "-certfile", pki.root().toString(), "-outform", "DER");

        List<X509Certificate> certificates = Certificates.read(pkcs7);

        assertThat(subjects(certificates)).containsExactly("CN=Alice", "CN=Test Intermediate CA,O=Tresor tests",
            "CN=Test Root CA,O=Tresor tests");
    }

    @Test
    void readShouldAcceptAPemPkcs7Block() throws Exception {
        byte[] pkcs7 = ExternalTool.run(directory, "openssl", "crl2pkcs7", "-nocrl", "-certfile", pki.root().toString(),
            "-certfile", alice.toString());

        assertThat(new String(pkcs7, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PKCS7-----");
        assertThat(subjects(Certificates.read(pkcs7))).containsExactly("CN=Test Root CA,O=Tresor tests", "CN=Alice");
    }

    @Test
    void toPemShouldWriteWhatOpensslReadsBackUnchanged() throws Exception {
        List<X509Certificate> chain = Certificates.read(pki.bytes(pki.concatenate("pem-chain.pem", alice, pki.root())));
        Path written = Files.write(directory.resolve("written.pem"), Certificates.toPem(chain));

        byte[] opensslDer = ExternalTool.run(directory, "openssl", "x509", "-in", written.toString(), "-outform", "DER");

        assertThat(opensslDer).isEqualTo(chain.get(0).getEncoded());
        assertThat(Certificates.read(Files.readAllBytes(written))).isEqualTo(chain);
    }

    @Test
    void toPkcs7ShouldKeepTheChainOrderForOpenssl() throws Exception {
        List<X509Certificate> chain = Certificates.read(
            pki.bytes(pki.concatenate("p7-chain.pem", alice, pki.intermediate(), pki.root())));
        Path written = Files.write(directory.resolve("written.p7b"), Certificates.toPkcs7(chain));

        String printed = ExternalTool.runForText(directory, "openssl", "pkcs7", "-inform", "DER", "-in", written.toString(),
            "-print_certs", "-noout");

        assertThat(Arrays.stream(printed.split("\n")).filter(line -> line.startsWith("subject="))
            .collect(Collectors.toList()))
            .containsExactly("subject=CN = Alice", "subject=O = Tresor tests, CN = Test Intermediate CA",
                "subject=O = Tresor tests, CN = Test Root CA");
        assertThat(Certificates.read(Files.readAllBytes(written))).isEqualTo(chain);
    }

    /** Found by CertificatesFuzzTest: the message quoted the whole END line, binary bytes and all. */
    @Test
    void aWrongEndLineShouldBeQuotedPrintableAndShort() {
        String binaryEnd = "-----END CER" + "\u0000\u00ff".repeat(100) + "-----";
        byte[] pem = ("-----BEGIN CERTIFICATE-----\nMIIB\n" + binaryEnd + "\n").getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> Certificates.read(pem))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt PEM: CERTIFICATE block 1 (line 1) ends with '-----END CER"
                + "?".repeat(48) + "...' (line 3)");
    }

    /**
     * CertificatesFuzzTest, in CI's short run: a certificate whose extensions are a SET passed the JDK's parser, was
     * imported, and then made Bouncy Castle throw when it was written as PKCS#7 (and would have on every mail to it).
     */
    @Test
    void aCertificateBouncyCastleCannotReadShouldBeRefusedAtImport() throws Exception {
        byte[] input;
        try (java.io.InputStream in = CertificatesTest.class.getResourceAsStream(
                "CertificatesFuzzTestInputs/anyInputShouldGiveCertificatesOrAClearRefusal/extensions-as-a-set")) {
            input = in.readAllBytes();
        }

        assertThatThrownBy(() -> Certificates.read(input))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessageEndingWith("is not a valid X.509 certificate: its structure is not the one RFC 5280 requires");
    }

    /**
     * Found by CertificatesFuzzTest: the certificates were written as a DER SET, which sorts them, so one of the two
     * orders of any two certificates came back swapped (the test above passed only because its chain sorts as listed).
     */
    @Test
    void toPkcs7ShouldKeepTheListOrderWhateverTheEncodingsSortAs() throws Exception {
        List<X509Certificate> chain = Certificates.read(pki.bytes(pki.concatenate("either-order.pem", alice, pki.root())));
        List<X509Certificate> reversed = List.of(chain.get(1), chain.get(0));

        assertThat(Certificates.read(Certificates.toPkcs7(chain))).isEqualTo(chain);
        assertThat(Certificates.read(Certificates.toPkcs7(reversed))).isEqualTo(reversed);
    }

    @Test
    void readShouldNameTheBlockAndLineOfCorruptBase64() throws Exception {
        List<String> lines = Files.readAllLines(pki.concatenate("broken-chain.pem", pki.root(), alice));
        int secondBlockFirstDataLine = lines.lastIndexOf("-----BEGIN CERTIFICATE-----") + 1;
        lines.set(secondBlockFirstDataLine + 2, "MIIB*" + lines.get(secondBlockFirstDataLine + 2).substring(5));

        assertThatThrownBy(() -> Certificates.read(String.join("\n", lines).getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt PEM: base64 error in CERTIFICATE block 2 (line " + (secondBlockFirstDataLine + 3) + ")");
    }

    @Test
    void readShouldReportABase64BlockWithAMissingLine() throws Exception {
        List<String> lines = Files.readAllLines(alice);
        lines.remove(3);
        String pem = String.join("\n", lines);
        lines.set(1, lines.get(1).substring(1));

        assertThatThrownBy(() -> Certificates.read(String.join("\n", lines).getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessageStartingWith("corrupt PEM: base64 error in CERTIFICATE block 1 (line 1)");
        assertThatThrownBy(() -> Certificates.read(pem.getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessageStartingWith("corrupt DER in CERTIFICATE block 1 (line 1)");
    }

    @Test
    void readShouldReportAPemBlockWithoutEndLine() throws Exception {
        String pem = Files.readString(alice);
        String truncated = pem.substring(0, pem.indexOf("-----END"));

        assertThatThrownBy(() -> Certificates.read(truncated.getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt PEM: CERTIFICATE block 1 (line 1) has no END line (is the input truncated?)");
    }

    @Test
    void readShouldReportTruncatedDer() throws Exception {
        byte[] der = Certificates.read(pki.bytes(alice)).get(0).getEncoded();

        assertThatThrownBy(() -> Certificates.read(Arrays.copyOf(der, der.length - 10)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt DER in DER input: truncated: the object declares " + der.length + " bytes but only "
                + (der.length - 10) + " are present");
    }

    @Test
    void readShouldReportDataAfterADerCertificate() throws Exception {
        byte[] der = Certificates.read(pki.bytes(alice)).get(0).getEncoded();
        byte[] twoCertificates = Arrays.copyOf(der, der.length * 2);
        System.arraycopy(der, 0, twoCertificates, der.length, der.length);

        assertThatThrownBy(() -> Certificates.read(twoCertificates))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt DER in DER input: " + der.length + " unexpected bytes after the end of the object ("
                + der.length + " bytes); were two files joined?");
    }

    @Test
    void readShouldRejectEmptyAndBlankInput() {
        for (String input : List.of("", " \r\n\t\n")) {
            assertThatThrownBy(() -> Certificates.read(input.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(KeyMaterialException.class)
                .hasMessage("empty input");
        }
        assertThatThrownBy(() -> Certificates.read(null)).isInstanceOf(KeyMaterialException.class).hasMessage("empty input");
    }

    @Test
    void readShouldSayWhatItFoundInPemWithoutCertificates() {
        assertThatThrownBy(() -> Certificates.read(pki.bytes(pki.key("alice"))))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("no certificate in the PEM input: it has no CERTIFICATE, PKCS7 or CMS block (found: PRIVATE KEY)");
    }

    @Test
    void readShouldNameAnOpenPgpKeyGivenAsCertificateWithoutTryingItsArmor() {
        String armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: Alice\n\nmDMEZk3rQRYJKwYBBAHaRw8BAQdA\n=T5Ab\n"
            + "-----END PGP PUBLIC KEY BLOCK-----\n";

        assertThatThrownBy(() -> Certificates.read(armored.getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("no certificate in the PEM input: it has no CERTIFICATE, PKCS7 or CMS block (found: PGP PUBLIC KEY"
                + " BLOCK)");
    }

    @Test
    void readShouldRecogniseAPkcs12FileGivenAsCertificate() {
        byte[] pkcs12 = ExternalTool.run(directory, "openssl", "pkcs12", "-export", "-in", alice.toString(), "-inkey",
            pki.key("alice").toString(), "-passout", "pass:secret");

        assertThatThrownBy(() -> Certificates.read(pkcs12))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("not a certificate: the input is a PKCS#12 file (.p12/.pfx); import it as a private key with its"
                + " password");
    }

    @Test
    void readShouldRefuseAnEncryptedCmsMessage() throws Exception {
        Files.writeString(directory.resolve("message.txt"), "hello", StandardCharsets.US_ASCII);
        byte[] enveloped = ExternalTool.run(directory, "openssl", "cms", "-encrypt", "-in", "message.txt", "-outform", "DER",
            "-aes256", alice.toString());

        assertThatThrownBy(() -> Certificates.read(enveloped))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("DER input is a PKCS#7 enveloped-data (an encrypted message), not a signed-data: it cannot carry"
                + " certificates");
    }

    @Test
    void readShouldRejectTextThatIsNeitherPemNorDer() {
        assertThatThrownBy(() -> Certificates.read("hello, this is my certificate".getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("not a certificate: the input is neither PEM (no -----BEGIN line) nor DER (which starts with an"
                + " ASN.1 SEQUENCE)");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readShouldRejectRandomBytesWithKeyMaterialExceptionOnly() {
        Random random = new Random(20240601);
        for (int i = 0; i < 3000; i++) {
            byte[] garbage = new byte[1 + random.nextInt(i % 10 == 0 ? 20000 : 600)];
            random.nextBytes(garbage);
            if (i % 2 == 0) {
                garbage[0] = 0x30;
            }
            assertThat(catchThrowable(() -> Certificates.read(garbage)))
                .as("random input %d", i)
                .isInstanceOf(KeyMaterialException.class);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readShouldRejectEveryTruncationOfADerCertificateAndOfAPkcs7() throws Exception {
        byte[] certificate = Certificates.read(pki.bytes(alice)).get(0).getEncoded();
        byte[] pkcs7 = Certificates.toPkcs7(Certificates.read(pki.bytes(pki.concatenate("t.pem", alice, pki.root()))));
        for (byte[] complete : List.of(certificate, pkcs7)) {
            for (int length = 0; length < complete.length; length++) {
                byte[] prefix = Arrays.copyOf(complete, length);
                assertThat(catchThrowable(() -> Certificates.read(prefix)))
                    .as("first %d of %d bytes", length, complete.length)
                    .isInstanceOf(KeyMaterialException.class);
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readShouldRejectEveryTruncationOfAPemCertificateThatLosesData() throws Exception {
        String pem = Files.readString(alice);
        X509Certificate expected = Certificates.read(pem.getBytes(StandardCharsets.US_ASCII)).get(0);
        int endOfEndLine = pem.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length();
        for (int length = 0; length < pem.length(); length++) {
            byte[] prefix = pem.substring(0, length).getBytes(StandardCharsets.US_ASCII);
            if (length >= endOfEndLine) {
                assertThat(Certificates.read(prefix)).containsExactly(expected);
            } else {
                assertThat(catchThrowable(() -> Certificates.read(prefix)))
                    .as("first %d of %d characters", length, pem.length())
                    .isInstanceOf(KeyMaterialException.class);
            }
        }
    }

    private static List<String> subjects(List<X509Certificate> certificates) {
        return certificates.stream().map(certificate -> certificate.getSubjectX500Principal().getName())
            .collect(Collectors.toList());
    }
}
