package dev.tresor.keys.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.keys.lifecycle.KeyAlgorithm;

/**
 * {@link OcspResponder}: whatever bytes a client posts, the answer is an OCSP response, successful or
 * malformedRequest, never an exception. The seed is a request {@code openssl ocsp} wrote, with a nonce.
 */
class OcspResponderFuzzTest {
    private static final TestCa CA = new TestCa("Acme", KeyAlgorithm.EC_P256);

    @FuzzTest(maxDuration = "10m")
    void anyRequestShouldGetAResponse(byte[] request) throws IOException {
        byte[] response = OcspResponder.respond(CA.certificate, CA.keys.getPrivate(), request, serial -> OcspStatus.good(),
            TestCa.NOW, Duration.ofDays(1));

        assertThat(new OCSPResp(response).getStatus()).isIn(OCSPRespBuilder.SUCCESSFUL, OCSPRespBuilder.MALFORMED_REQUEST);
    }
}
