package dev.tresor.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tresor-process} of the assembled distribution, run in a process of its own as an admin runs it, on mail
 * that other tools made.
 */
class ShippedTresorProcessTest {

    @Test
    void verifySmimeShouldGiveAVerdictOnMailClearSignedByOpenssl(@TempDir Path directory) throws Exception {
        // given a partner's mail, clear-signed by openssl with a self-signed certificate nobody trusts here
        OpenSslIdentities openssl = new OpenSslIdentities(directory);
        openssl.selfSigned("carol", "/CN=Carol", "carol@partner.example");
        Files.writeString(directory.resolve("body.txt"), "Hello Bob,\r\nsigned by openssl.\r\n", US_ASCII);
        openssl.run("cms", "-sign", "-in", "body.txt", "-text", "-signer", "carol-cert.pem", "-inkey", "carol-key.pem",
            "-out", "signed.smime");
        Path mail = directory.resolve("signed.eml");
        ByteArrayOutputStream eml = new ByteArrayOutputStream();
        eml.writeBytes("From: carol@partner.example\r\nTo: bob@acme.example\r\nSubject: signed by openssl\r\n".getBytes(US_ASCII));
        eml.writeBytes(Files.readAllBytes(directory.resolve("signed.smime")));
        Files.write(mail, eml.toByteArray());
        Path data = Files.createDirectories(directory.resolve("data"));

        // when the shipped command verifies it
        ShippedDistribution.Run run = ShippedDistribution.run(directory, Map.of("TRESOR_DATA", data.toString()), mail,
            "tresor-process", "--mailet", "VerifySmime");

        // then the verdict is in the mail written out, and nothing broke on the way
        assertThat(run.stderr).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.status).as(run.stderr).isZero();
        assertThat(run.stdout).contains("X-Tresor-Signature: untrusted").contains("signed by openssl.");
    }
}
