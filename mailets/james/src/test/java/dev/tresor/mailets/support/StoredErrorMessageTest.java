package dev.tresor.mailets.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoredErrorMessageTest {
    @Test
    void aMessageThatFitsShouldStayAsItIs() {
        assertThat(StoredErrorMessage.fit("Not sent: no key")).isEqualTo("Not sent: no key");
        assertThat(StoredErrorMessage.fit(null)).isNull();
        assertThat(StoredErrorMessage.fit("x".repeat(200))).hasSize(200);
    }

    @Test
    void aLongerMessageShouldBeCutToWhatAJpaRepositoryStores() {
        assertThat(StoredErrorMessage.fit("Not sent: " + "y".repeat(300)))
            .hasSize(StoredErrorMessage.MAX_LENGTH).startsWith("Not sent: yyy").endsWith("y...");
    }

    @Test
    void aLongHeadShouldBeCutSoThatTheTailStaysWhole() {
        String tail = " (reference Mail1796536789627-2b3def92-ac6e-42c6-bb2c-f8165f47911a)";

        assertThat(StoredErrorMessage.fit("z".repeat(190), tail))
            .hasSize(StoredErrorMessage.MAX_LENGTH).startsWith("zzz").endsWith("z..." + tail);
        assertThat(StoredErrorMessage.fit("short.", tail)).isEqualTo("short." + tail);
        assertThat(StoredErrorMessage.fit("head", "r".repeat(250))).hasSize(StoredErrorMessage.MAX_LENGTH);
    }
}
