package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

class HeaderProtectionTest {
    @Test
    void theLegacyDisplayOfATextBodyShouldEndAtTheFirstBlankLine() {
        assertThat(HeaderProtection.withoutHeaderLines("Subject: Dinner\r\nCc: Carol <c@x.example>\r\n\r\nHello\r\n\r\nBye\r\n"))
            .isEqualTo("Hello\r\n\r\nBye\r\n");
        assertThat(HeaderProtection.withoutHeaderLines("Subject: Dinner\n\nHello\n")).isEqualTo("Hello\n");
        assertThat(HeaderProtection.withoutHeaderLines("\r\nHello\r\n")).isEqualTo("Hello\r\n");
    }

    @Test
    void theLegacyDisplayOfAnHtmlBodyShouldBeItsDivWithEverythingInside() {
        String html = "<body><DIV class='x header-protection-legacy-display'><div><pre>Subject: a</pre></div></DIV>"
            + "<div>kept</div></body>";

        assertThat(HeaderProtection.withoutElementDiv(html)).isEqualTo("<body><div>kept</div></body>");
    }

    @Test
    void anUnclosedLegacyDisplayDivShouldLeaveTheHtmlAsItIs() {
        String html = "<div class=\"header-protection-legacy-display\">Subject: a";

        assertThat(HeaderProtection.withoutElementDiv(html)).isEqualTo(html);
    }

    @Test
    void onlyTheRestorableFieldsOfAPayloadShouldBeDeclared() throws Exception {
        InternetHeaders payload = new InternetHeaders(new java.io.ByteArrayInputStream(("Content-Type: text/plain; hp=\"cipher\"\r\n"
            + "Subject: Real\r\nReceived: from forged\r\nX-Tresor-Signature: valid\r\nX-Spam-Status: No\r\nHP-Outer: Subject: ...\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII)));

        HeaderProtection.Declared declared = HeaderProtection.declaredBy(payload).orElseThrow();

        assertThat(declared.scheme()).isEqualTo(HeaderProtection.Scheme.CIPHER);
        assertThat(declared.fields()).containsExactly("Subject: Real");
    }

    @Test
    void aPayloadWithoutHpOrProtectedHeadersShouldDeclareNothing() throws Exception {
        InternetHeaders payload = new InternetHeaders(new java.io.ByteArrayInputStream(
            "Content-Type: text/plain; hp=\"maybe\"\r\nSubject: Inner\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(HeaderProtection.declaredBy(payload)).isEmpty();
    }

    @Test
    void anRfc9788PayloadWithoutFromShouldNotStripTheOuterHeader() throws Exception {
        MimeMessage payload = message("Content-Type: text/plain; hp=\"cipher\"\r\nSubject: Real\r\n\r\nbody\r\n");
        MimeMessage target = message("From: b@x.example\r\nTo: c@x.example\r\nSubject: ...\r\n\r\nbody\r\n");

        HeaderProtection.restore(target, HeaderProtection.declaredBy(payload).orElseThrow());

        assertThat(target.getHeader("Subject")).containsExactly("Real");
        assertThat(target.getHeader("From")).containsExactly("b@x.example");
        assertThat(target.getHeader("To")).containsExactly("c@x.example");
    }

    private static MimeMessage message(String raw) throws Exception {
        return new MimeMessage(Mime.SESSION, new java.io.ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void restoringShouldReplaceEveryOuterFieldOfARestoredNameAndReportTheChange() throws Exception {
        MimeMessage message = new MimeMessage(Mime.SESSION, new java.io.ByteArrayInputStream(("From: a@x.example\r\n"
            + "Subject: ...\r\nSubject: second\r\nX-Tresor-Decryption: decrypted\r\nContent-Type: text/plain; protected-headers=v1\r\n"
            + "\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
        HeaderProtection.Declared declared = HeaderProtection.declaredBy(message).orElseThrow();
        MimeMessage target = new MimeMessage(Mime.SESSION, new java.io.ByteArrayInputStream(("From: b@x.example\r\n"
            + "Subject: ...\r\nX-Tresor-Decryption: decrypted\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));

        HeaderProtection.Restored restored = HeaderProtection.restore(target, declared);

        assertThat(target.getHeader("Subject")).containsExactly("...", "second");
        assertThat(target.getHeader("From")).containsExactly("a@x.example");
        assertThat(target.getHeader("X-Tresor-Decryption")).containsExactly("decrypted");
        assertThat(restored.changed()).containsExactly("From", "Subject");
        assertThat(restored.fromChanged()).isTrue();
    }
}
