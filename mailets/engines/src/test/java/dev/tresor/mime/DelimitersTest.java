package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DelimitersTest {
    private static final byte[] DELIMITER = "--b1".getBytes(StandardCharsets.US_ASCII);

    @Test
    void onlyWholeDelimiterLinesShouldBeFoundWhateverDashesComeBefore() {
        String body = "pre-amble -- with dashes\r\n"
            + "--b12 is another boundary\r\n"
            + " --b1 not at a line start\r\n"
            + "e-mail ---- rule\n"
            + "--b1\r\n"
            + "part\r\n"
            + "--b1--\r\n";
        Delimiters delimiters = delimiters(body);

        int first = delimiters.next(0);
        int second = delimiters.next(delimiters.lineEnd(first));

        assertThat(first).isEqualTo(body.indexOf("--b1\r\n"));
        assertThat(second).isEqualTo(body.indexOf("--b1--"));
        assertThat(delimiters.next(delimiters.lineEnd(second))).isEqualTo(-1);
    }

    @Test
    void aDelimiterShouldBeFoundAtTheStartAndAtTheVeryEndWithoutLineBreak() {
        assertThat(delimiters("--b1\r\nx").next(0)).isZero();
        assertThat(delimiters("x\n--b1").next(0)).isEqualTo(2);
        assertThat(delimiters("x\n--b").next(0)).isEqualTo(-1);
    }

    @Test
    void aSearchFromTheMiddleOfALineShouldNotTakeThatLineForADelimiter() {
        String body = "ab--b1\r\n--b1\r\n";

        assertThat(delimiters(body).next(2)).isEqualTo(8);
    }

    @Test
    void longBase64LinesShouldBeSteppedOver() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            body.append("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n");
        }
        int expected = body.length();
        body.append("--b1--\r\n");

        assertThat(delimiters(body.toString()).next(0)).isEqualTo(expected);
    }

    private static Delimiters delimiters(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        return new Delimiters(bytes, bytes.length, DELIMITER);
    }
}
