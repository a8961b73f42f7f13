package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.Refusals;

/**
 * {@link Certificates#read}, what certificate uploads and harvesting go through: any bytes yield certificates or a
 * {@link KeyMaterialException} that says what is wrong. What it accepts, the JDK reads as the same certificates, and
 * writing them as PEM and as PKCS#7 reads back the same list.
 */
class CertificatesFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void anyInputShouldGiveCertificatesOrAClearRefusal(byte[] input) throws Exception {
        List<X509Certificate> certificates;
        try {
            certificates = Certificates.read(input);
        } catch (KeyMaterialException e) {
            Refusals.assertClear(e);
            return;
        }
        assertThat(certificates).isNotEmpty();
        for (X509Certificate certificate : certificates) {
            assertThat(readByTheJdk(certificate.getEncoded())).isEqualTo(certificate);
        }
        assertThat(Certificates.read(Certificates.toPem(certificates))).isEqualTo(certificates);
        assertThat(Certificates.read(Certificates.toPkcs7(certificates))).isEqualTo(certificates);
    }

    private static X509Certificate readByTheJdk(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
