package dev.tresor.keys.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class CertificateRowsTest {
    @Test
    void aChainShouldDecodeToTheSameCertificatesWhateverTheirBytes() {
        byte[] large = "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII);
        byte[] empty = new byte[0];
        byte[] lookingLikeALength = {0, 0, 0, 4};

        List<byte[]> decoded = CertificateRows.decodeChain(CertificateRows.encodeChain(List.of(large, empty, lookingLikeALength)));

        assertThat(decoded).containsExactly(large, empty, lookingLikeALength);
    }

    @Test
    void anEmptyChainShouldBeAnEmptyBlob() {
        assertThat(CertificateRows.encodeChain(List.of())).isEmpty();
        assertThat(CertificateRows.decodeChain(new byte[0])).isEmpty();
    }
}
