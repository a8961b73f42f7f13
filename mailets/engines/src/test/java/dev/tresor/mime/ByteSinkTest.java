package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ByteSinkTest {
    @Test
    void readingExactlyWhatFitsShouldNotGrowTheBuffer() throws Exception {
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);
        ByteSink sink = new ByteSink(data.length);

        assertThat(sink.readFrom(new ByteArrayInputStream(data))).isEqualTo(data.length);

        assertThat(sink.array()).hasSize(data.length).isEqualTo(data);
    }

    @Test
    void readingMoreThanFitsShouldGrowAndKeepEveryByte() throws Exception {
        byte[] data = new byte[100_001];
        new Random(4).nextBytes(data);
        ByteSink sink = new ByteSink(10);

        assertThat(sink.readFrom(new ByteArrayInputStream(data))).isEqualTo(data.length);

        assertThat(sink.toByteArray()).isEqualTo(data);
    }
}
