package dev.tresor.pdf;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.imageio.ImageIO;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import dev.tresor.smime.SmimeFixtures;

/** Mails as a business partner would receive them, built as raw MIME text so the test controls every byte. */
public final class PdfFixtures {
    public static final String GERMAN = "Grüße aus München: Die Straße ist schön, Äpfel kosten 5 €.";
    public static final String JAPANESE = "本日の会議は午後三時に始まります。";
    public static final String GREEK = "Καλημέρα από την Αθήνα";
    public static final String RUSSIAN = "Привет из Москвы";
    public static final String KOREAN = "회의는 세 시에 시작합니다";

    private PdfFixtures() {
    }

    /** A plain text body in four scripts, a PDF-like file, random binary data and a forwarded message. */
    public static MimeMessage businessMail(byte[] binary, byte[] document) throws MessagingException {
        String body = "Dear partner,\r\n\r\n" + GERMAN + "\r\n" + JAPANESE + "\r\n" + GREEK + "\r\n" + RUSSIAN + "\r\n" + KOREAN + "\r\n\r\n"
            + "    indented line kept\r\nKind regards\r\nAlice\r\n";
        String forwarded = "From: carol@acme.example\r\nTo: alice@acme.example\r\nSubject: Forwarded draft\r\n\r\nThe draft is ready.\r\n";
        String raw = "From: Alice Example <alice@acme.example>\r\nTo: bob@partner.example\r\nCc: carol@partner.example\r\n"
            + "Date: Sun, 22 Nov 2026 10:00:00 +0100\r\nSubject: =?UTF-8?Q?Angebot_f=C3=BCr_M=C3=BCnchen?=\r\n"
            + "Message-ID: <offer-1@acme.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n"
            + "--mix\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\r\n"
            + "--mix\r\nContent-Type: application/pdf; name=\"Angebot März.pdf\"\r\n"
            + "Content-Disposition: attachment; filename*=UTF-8''Angebot%20M%C3%A4rz.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(document) + "\r\n"
            + "--mix\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
            + "Content-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(binary) + "\r\n"
            + "--mix\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"draft\"\r\n\r\n"
            + forwarded + "\r\n--mix--\r\n";
        return SmimeFixtures.parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The forwarded message of {@link #businessMail} as its bytes, which the PDF must carry unchanged. */
    public static byte[] forwardedBytes() {
        return ("From: carol@acme.example\r\nTo: alice@acme.example\r\nSubject: Forwarded draft\r\n\r\nThe draft is ready.\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /** A newsletter: text and HTML alternatives, the HTML with a table layout, inline styles and a cid: picture. */
    public static MimeMessage newsletter(byte[] png) throws MessagingException {
        String html = "<!DOCTYPE html><html><head><style>.x{color:red}</style><title>News</title></head><body>"
            + "<div style=\"display:none\">hidden preheader</div>"
            + "<table width=\"100%\" border=\"1\"><tr><td bgcolor=\"#eeeeee\" width=\"30%\"><b>Product</b></td><td>Price</td></tr>"
            + "<tr><td>Widget</td><td style=\"color:#cc0000\">12 EUR</td></tr></table>"
            + "<div class=\"x\"><h1>Monthly news</h1><p>Our <i>new</i> catalogue is out. " + GERMAN + "</p>"
            + "<ul><li>First point</li><li>Second point</li></ul>"
            + "<img src=\"cid:logo@acme\" alt=\"Logo\" width=\"120\">"
            + "<p><a href=\"https://acme.example/unsubscribe\">Unsubscribe</a></p>"
            + "<img src=\"https://tracker.example/pixel.gif\" width=\"1\" height=\"1\">"
            + "<script>alert('x')</script></div></body></html>";
        String raw = "From: news@acme.example\r\nTo: bob@partner.example\r\nSubject: Newsletter\r\nMessage-ID: <news-1@acme.example>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
            + "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain version\r\n"
            + "--alt\r\nContent-Type: multipart/related; boundary=\"rel\"\r\n\r\n"
            + "--rel\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(html.getBytes(StandardCharsets.UTF_8)) + "\r\n"
            + "--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@acme>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(png) + "\r\n--rel--\r\n--alt--\r\n";
        return SmimeFixtures.parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(0x20, 0x60, 0xa0));
        graphics.fillRect(0, 0, width, height);
        graphics.setColor(Color.WHITE);
        graphics.fillOval(width / 4, height / 4, width / 2, height / 2);
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
