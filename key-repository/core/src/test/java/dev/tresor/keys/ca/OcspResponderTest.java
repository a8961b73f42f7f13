package dev.tresor.keys.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.lifecycle.KeyAlgorithm;
import dev.tresor.keys.lifecycle.RevocationReason;

/** The tenant CA's OCSP responder, asked and checked by {@code openssl ocsp} as a mail client's library would. */
class OcspResponderTest {
    private static final Duration ONE_DAY = Duration.ofDays(1);

    @TempDir
    static Path directory;
    static TestCa acme;
    static TestCa ecAcme;
    static TestCa globex;
    static TestCa.Issued alice;
    static TestCa.Issued mallory;
    static TestCa.Issued carl;
    static TestCa.Issued gina;

    @BeforeAll
    static void issue() {
        acme = new TestCa("Acme", KeyAlgorithm.RSA_2048);
        ecAcme = new TestCa("Acme EC", KeyAlgorithm.EC_P256);
        globex = new TestCa("Globex", KeyAlgorithm.RSA_2048);
        alice = acme.issue("alice@acme.example", KeyAlgorithm.RSA_2048);
        mallory = acme.issue("mallory@acme.example", KeyAlgorithm.EC_P256);
        carl = ecAcme.issue("carl@acme.example", KeyAlgorithm.EC_P256);
        gina = globex.issue("gina@globex.example", KeyAlgorithm.RSA_2048);
        TestCa.pem(directory, "acme.pem", acme.certificate);
        TestCa.pem(directory, "ec-acme.pem", ecAcme.certificate);
        TestCa.pem(directory, "globex.pem", globex.certificate);
        TestCa.pem(directory, "alice.pem", alice.certificate);
        TestCa.pem(directory, "mallory.pem", mallory.certificate);
        TestCa.pem(directory, "carl.pem", carl.certificate);
        TestCa.pem(directory, "gina.pem", gina.certificate);
    }

    @Test
    void anIssuedCertificateShouldBeAnsweredGoodAndTheResponseShouldVerifyAgainstTheCa() throws Exception {
        byte[] request = opensslRequest("acme.pem", "alice.pem", "-no_nonce");

        String checked = opensslCheck(respond(acme, request), "acme.pem", "alice.pem");

        assertThat(checked).contains("Response verify OK", "alice.pem: good", "This Update:", "Next Update:");
    }

    @Test
    void anEcCaShouldSignResponsesOpensslVerifies() throws Exception {
        byte[] request = opensslRequest("ec-acme.pem", "carl.pem", "-no_nonce");

        String checked = opensslCheck(respond(ecAcme, request), "ec-acme.pem", "carl.pem");

        assertThat(checked).contains("Response verify OK", "carl.pem: good");
    }

    @Test
    void aRevokedCertificateShouldBeAnsweredRevokedWithItsReason() throws Exception {
        byte[] request = opensslRequest("acme.pem", "mallory.pem", "-no_nonce");
        Function<BigInteger, OcspStatus> statusOf = serial -> serial.equals(mallory.certificate.getSerialNumber())
            ? OcspStatus.revoked(TestCa.NOW.minus(Duration.ofHours(3)), RevocationReason.KEY_COMPROMISE)
            : OcspStatus.unknown();

        byte[] response = OcspResponder.respond(acme.certificate, acme.keys.getPrivate(), request, statusOf, TestCa.NOW, ONE_DAY);

        assertThat(opensslCheck(response, "acme.pem", "mallory.pem"))
            .contains("Response verify OK", "mallory.pem: revoked", "Reason: keyCompromise", "Revocation Time:");
    }

    @Test
    void aSha256CertIdShouldBeRecognisedAsWellAsSha1() throws Exception {
        byte[] request = opensslRequest("acme.pem", "alice.pem", "-no_nonce", "-sha256");

        assertThat(opensslCheck(respond(acme, request), "acme.pem", "alice.pem", "-sha256"))
            .contains("Response verify OK", "alice.pem: good");
    }

    @Test
    void aRequestWithANonceShouldGetItBack() throws Exception {
        byte[] request = opensslRequest("acme.pem", "alice.pem");
        Path requestFile = Files.write(directory.resolve("nonce-request.der"), request);
        Path responseFile = Files.write(directory.resolve("nonce-response.der"), respond(acme, request));

        String checked = Tool.succeed(directory, "openssl", "ocsp", "-reqin", requestFile.toString(), "-respin",
            responseFile.toString(), "-CAfile", "acme.pem", "-VAfile", "acme.pem");

        assertThat(checked).contains("Response verify OK").doesNotContainIgnoringCase("nonce");
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(Files.readAllBytes(responseFile)).getResponseObject();
        assertThat(basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce).getExtnValue())
            .isEqualTo(new OCSPReq(request).getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce).getExtnValue());
    }

    @Test
    void aRequestForAnotherIssuersCertificateShouldBeAnsweredUnknownWithoutAskingTheCa() throws Exception {
        byte[] request = opensslRequest("globex.pem", "gina.pem", "-no_nonce");
        List<BigInteger> asked = new ArrayList<>();

        byte[] response = OcspResponder.respond(acme.certificate, acme.keys.getPrivate(), request, serial -> {
            asked.add(serial);
            return OcspStatus.good();
        }, TestCa.NOW, ONE_DAY);

        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(response).getResponseObject();
        assertThat(basic.getResponses()).hasSize(1);
        assertThat(basic.getResponses()[0].getCertStatus()).isInstanceOf(UnknownStatus.class);
        assertThat(asked).isEmpty();
    }

    @Test
    void garbageShouldBeAnsweredMalformedRequestNeverWithAnException() throws Exception {
        List<byte[]> garbage = List.of(new byte[0], "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0x30, (byte) 0x84, 0x7f, 0x7f, 0x7f, 0x7f}, new byte[] {0x30, 0x03, 0x02, 0x01, 0x01},
            truncated(opensslRequest("acme.pem", "alice.pem", "-no_nonce")), new byte[100_000]);

        for (byte[] request : garbage) {
            byte[] response = OcspResponder.respond(acme.certificate, acme.keys.getPrivate(), request,
                serial -> OcspStatus.good(), TestCa.NOW, ONE_DAY);
            assertThat(new OCSPResp(response).getStatus()).isEqualTo(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        Path responseFile = Files.write(directory.resolve("malformed.der"), OcspResponder.respond(acme.certificate,
            acme.keys.getPrivate(), null, serial -> OcspStatus.good(), TestCa.NOW, ONE_DAY));
        assertThat(Tool.run(directory, "openssl", "ocsp", "-respin", responseFile.toString(), "-resp_text").output)
            .contains("malformedrequest");
    }

    @Test
    void aValidityOutsideEightHoursToTenDaysShouldBeRefused() {
        assertThatThrownBy(() -> OcspResponder.respond(acme.certificate, acme.keys.getPrivate(), new byte[0],
            serial -> OcspStatus.good(), TestCa.NOW, Duration.ofDays(11)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("eight hours to ten days");
    }

    private static byte[] respond(TestCa ca, byte[] request) {
        return OcspResponder.respond(ca.certificate, ca.keys.getPrivate(), request, serial -> OcspStatus.good(), TestCa.NOW,
            ONE_DAY);
    }

    private static byte[] opensslRequest(String issuer, String certificate, String... options) throws Exception {
        Path out = directory.resolve("request-" + System.nanoTime() + ".der");
        List<String> command = new ArrayList<>(List.of("openssl", "ocsp"));
        command.addAll(List.of(options));
        command.addAll(List.of("-issuer", issuer, "-cert", certificate, "-reqout", out.toString()));
        Tool.succeed(directory, command.toArray(new String[0]));
        return Files.readAllBytes(out);
    }

    /** What openssl makes of the response to a request for the certificate, CertIDs hashed with the digest given. */
    private static String opensslCheck(byte[] response, String issuer, String certificate, String... digest) throws Exception {
        Path in = Files.write(directory.resolve("response-" + System.nanoTime() + ".der"), response);
        List<String> command = new ArrayList<>(List.of("openssl", "ocsp", "-no_nonce"));
        command.addAll(List.of(digest));
        command.addAll(List.of("-respin", in.toString(), "-issuer", issuer, "-cert", certificate, "-CAfile", issuer,
            "-VAfile", issuer));
        return Tool.succeed(directory, command.toArray(new String[0]));
    }

    private static byte[] truncated(byte[] request) {
        return java.util.Arrays.copyOf(request, request.length - 3);
    }
}
