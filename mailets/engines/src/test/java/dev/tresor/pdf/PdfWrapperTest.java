package dev.tresor.pdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.smime.SmimeFixtures;

/** What recipients see, checked with the tools they might use: qpdf and poppler (pdftotext, pdfdetach, pdfimages). */
class PdfWrapperTest {
    private static final String PASSWORD = "correct horse battery";
    private static PdfFonts fonts;

    @TempDir
    Path directory;

    @BeforeAll
    static void fonts() {
        fonts = PdfFonts.defaults();
    }

    private Path wrap(MimeMessage message, PdfProtection protection) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PdfWrapper(fonts, protection).wrap(message, PASSWORD.toCharArray(), out);
        Path pdf = directory.resolve("mail.pdf");
        Files.write(pdf, out.toByteArray());
        return pdf;
    }

    private Path wrap(MimeMessage message) throws Exception {
        return wrap(message, PdfProtection.DEFAULT);
    }

    private String text(Path pdf) {
        return PdfTools.succeed(directory, "pdftotext", "-upw", PASSWORD, "-enc", "UTF-8", pdf.toString(), "-");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theDefaultShouldBeAes256Revision6() throws Exception {
        Path pdf = wrap(PdfFixtures.businessMail(new byte[10], new byte[10]));

        String encryption = PdfTools.succeed(directory, "qpdf", "--show-encryption", "--password=" + PASSWORD, pdf.toString());

        assertThat(encryption).contains("R = 6").contains("P = ").contains("stream encryption method: AESv3")
            .contains("string encryption method: AESv3").contains("file encryption method: AESv3");
    }

    @Test
    void aPasswordBeyondAsciiShouldOpenTheDocumentToo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PdfWrapper(fonts, PdfProtection.DEFAULT).wrap(PdfFixtures.businessMail(new byte[10], new byte[10]), "Grüße-Paßwort".toCharArray(), out);
        Path pdf = directory.resolve("unicode.pdf");
        Files.write(pdf, out.toByteArray());

        assertThat(PdfTools.succeed(directory, "qpdf", "--show-encryption", "--password=Grüße-Paßwort", pdf.toString())).contains("R = 6");
        assertThat(PdfTools.run(directory, "qpdf", "--check", "--password=Grusse-Passwort", pdf.toString()).exitCode).isNotZero();
    }

    @Test
    void aes128ShouldBeRevision4() throws Exception {
        Path pdf = wrap(PdfFixtures.businessMail(new byte[10], new byte[10]), new PdfProtection(PdfProtection.Cipher.AES_128, true, true));

        String encryption = PdfTools.succeed(directory, "qpdf", "--show-encryption", "--password=" + PASSWORD, pdf.toString());

        assertThat(encryption).contains("R = 4").contains("stream encryption method: AESv2");
    }

    @Test
    void theToolsShouldOpenThePdfOnlyWithThePassword() throws Exception {
        Path pdf = wrap(PdfFixtures.businessMail(new byte[10], new byte[10]));

        PdfTools.Outcome checkWithout = PdfTools.run(directory, "qpdf", "--check", pdf.toString());
        PdfTools.Outcome checkWrong = PdfTools.run(directory, "qpdf", "--check", "--password=wrong", pdf.toString());
        PdfTools.Outcome textWithout = PdfTools.run(directory, "pdftotext", pdf.toString(), "-");
        String checkWith = PdfTools.succeed(directory, "qpdf", "--check", "--password=" + PASSWORD, pdf.toString());

        assertThat(checkWithout.exitCode).as(checkWithout.toString()).isNotZero();
        assertThat(checkWithout.output).contains("invalid password");
        assertThat(checkWrong.exitCode).isNotZero();
        assertThat(textWithout.exitCode).as(textWithout.toString()).isNotZero();
        assertThat(textWithout.output).doesNotContain("Dear partner");
        assertThat(checkWith).contains("No syntax or stream encoding errors found");
        assertThat(Files.readString(pdf, StandardCharsets.ISO_8859_1)).doesNotContain("Dear partner").doesNotContain("data.bin");
    }

    @Test
    void theTextShouldShowHeadersAndBodyInEveryScript() throws Exception {
        Path pdf = wrap(PdfFixtures.businessMail(new byte[10], new byte[10]));

        String text = text(pdf);

        assertThat(text).contains("From: Alice Example <alice@acme.example>").contains("To: bob@partner.example")
            .contains("Cc: carol@partner.example").contains("Subject: Angebot für München").contains("Date: Sun, 22 Nov 2026")
            .contains(PdfFixtures.GERMAN).contains(PdfFixtures.JAPANESE).contains(PdfFixtures.GREEK).contains(PdfFixtures.RUSSIAN)
            .contains(PdfFixtures.KOREAN)
            .contains("indented line kept");
        PdfTools.succeed(directory, "pdffonts", "-upw", PASSWORD, pdf.toString());
        assertThat(PdfTools.succeed(directory, "pdffonts", "-upw", PASSWORD, pdf.toString()))
            .as("every font embedded as a subset").doesNotContainPattern("\\bno\\s+(yes|no)\\s+(yes|no)\\s+\\d+ +0\\s*$");
    }

    @Test
    void everyAttachmentShouldBeEmbeddedUnderItsNameWithItsBytes() throws Exception {
        byte[] binary = SmimeFixtures.randomBytes(300_000, 7);
        byte[] document = SmimeFixtures.randomBytes(50_000, 8);
        Path pdf = wrap(PdfFixtures.businessMail(binary, document));

        String list = PdfTools.succeed(directory, "pdfdetach", "-list", "-upw", PASSWORD, pdf.toString());
        Path out = Files.createDirectory(directory.resolve("out"));
        PdfTools.succeed(directory, "pdfdetach", "-saveall", "-upw", PASSWORD, "-o", out.toString(), pdf.toString());

        assertThat(list).contains("3 embedded files").contains("Angebot März.pdf").contains("data.bin").contains("draft.eml");
        assertThat(sha256(Files.readAllBytes(out.resolve("data.bin")))).isEqualTo(sha256(binary));
        assertThat(sha256(Files.readAllBytes(out.resolve("Angebot März.pdf")))).isEqualTo(sha256(document));
        assertThat(sha256(Files.readAllBytes(out.resolve("draft.eml")))).isEqualTo(sha256(PdfFixtures.forwardedBytes()));
        assertThat(text(pdf)).contains("Attachments (3)").contains("data.bin (application/octet-stream)");
    }

    @Test
    void anHtmlNewsletterShouldBeLaidOutNotShownAsMarkup() throws Exception {
        Path pdf = wrap(PdfFixtures.newsletter(PdfFixtures.png(200, 80)));

        String text = text(pdf);
        String images = PdfTools.succeed(directory, "pdfimages", "-list", "-upw", PASSWORD, pdf.toString());

        assertThat(text).contains("Monthly news").contains("Product").contains("Widget").contains("12 EUR")
            .contains("First point").contains(PdfFixtures.GERMAN).contains("Unsubscribe <https://acme.example/unsubscribe>");
        assertThat(text).doesNotContain("<div").doesNotContain("<table").doesNotContain("<td").doesNotContain("<p>")
            .doesNotContain("alert(").doesNotContain("hidden preheader").doesNotContain(".x{color").doesNotContain("Plain version");
        assertThat(images.lines().filter(line -> line.matches("\\s*\\d+\\s+\\d+\\s+image\\s+200\\s+80\\s.*"))).hasSize(1);
        assertThat(PdfTools.succeed(directory, "pdfdetach", "-list", "-upw", PASSWORD, pdf.toString())).contains("0 embedded files");
    }

    @Test
    void attachedTextFilesAndPicturesTheHtmlDoesNotShowShouldBeEmbeddedNotShown() throws Exception {
        MimeMessage message = SmimeFixtures.parse(("From: a@acme.example\r\nTo: b@partner.example\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
            + "--m\r\nContent-Type: multipart/related; boundary=\"r\"\r\n\r\n"
            + "--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Shown text</p>\r\n"
            + "--r\r\nContent-Type: image/png\r\nContent-ID: <unused@acme>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + java.util.Base64.getMimeEncoder().encodeToString(PdfFixtures.png(10, 10)) + "\r\n--r--\r\n"
            + "--m\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n\r\nnotes content\r\n"
            + "--m\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=\"page.html\"\r\n\r\n<b>page content</b>\r\n"
            + "--m--\r\n").getBytes(StandardCharsets.UTF_8));

        Path pdf = wrap(message);

        assertThat(text(pdf)).contains("Shown text").doesNotContain("notes content").doesNotContain("page content");
        assertThat(PdfTools.succeed(directory, "pdfdetach", "-list", "-upw", PASSWORD, pdf.toString()))
            .contains("3 embedded files").contains("notes.txt").contains("page.html").contains("attachment-3.png");
    }

    @Test
    void permissionsShouldBeWhatWasConfigured() throws Exception {
        Path pdf = wrap(PdfFixtures.businessMail(new byte[10], new byte[10]), new PdfProtection(PdfProtection.Cipher.AES_256, false, false));

        String encryption = PdfTools.succeed(directory, "qpdf", "--show-encryption", "--password=" + PASSWORD, pdf.toString());

        assertThat(encryption).contains("print low resolution: not allowed").contains("extract for any purpose: not allowed")
            .contains("modify other: not allowed");
    }

    @Test
    void aPictureThatCannotBeDecodedShouldBeNamedInTheText() throws Exception {
        Path pdf = wrap(PdfFixtures.newsletter("not a png at all".getBytes(StandardCharsets.US_ASCII)));

        assertThat(text(pdf)).contains("[picture not shown: Logo").contains("Monthly news");
    }

    @Test
    void hostileHtmlShouldRenderInBoundedTime() throws Exception {
        StringBuilder html = new StringBuilder("<html><body>");
        html.append("<div>".repeat(5000)).append("deep inside").append("</div>".repeat(5000));
        html.append("<table><tr>").append("<td>cell</td>".repeat(300)).append("</tr></table>");
        html.append("<table><tr><td width=\"1\">").append("unbreakable".repeat(200)).append("</td><td>right</td></tr></table>");
        html.append("<p><b><i>unclosed <table><tr><td>stray <img src=\"data:image/png;base64,!!!!\" alt=\"broken\">");
        html.append("<img src=\"cid:nowhere\" alt=\"lost\">");
        MimeMessage message = SmimeFixtures.parse(("From: a@acme.example\r\nTo: b@partner.example\r\nSubject: hostile\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html).getBytes(StandardCharsets.UTF_8));

        Path pdf = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> wrap(message));

        assertThat(text(pdf)).contains("deep inside").contains("right").contains("[picture not shown: broken, not a picture format")
            .contains("[missing picture: lost]").doesNotContain("<td");
    }

    @Test
    void malformedMimeShouldFailWithAReason() throws Exception {
        MimeMessage broken = SmimeFixtures.parse("From: a@acme.example\r\nTo: b@partner.example\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"never\"\r\n\r\nno boundary anywhere\r\n");

        assertThatThrownBy(() -> new PdfWrapper(fonts, PdfProtection.DEFAULT).wrap(broken, PASSWORD.toCharArray(), new ByteArrayOutputStream()))
            .isInstanceOf(PdfWrapException.class)
            .hasMessageContaining("Malformed MIME");
    }

    @Test
    void charactersNoFontHasShouldBeCounted() throws Exception {
        MimeMessage message = SmimeFixtures.textMail("a@acme.example", "b@partner.example", "Smile \uD83D\uDE00 please\n");

        PdfWrapper.Result result = new PdfWrapper(fonts, PdfProtection.DEFAULT).wrap(message, PASSWORD.toCharArray(), new ByteArrayOutputStream());

        assertThat(result.missingGlyphs()).isEqualTo(1);
    }
}
