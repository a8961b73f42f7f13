package dev.tresor.tls;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Enumeration;
import java.util.Map;
import java.util.Properties;

import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

/**
 * An RFC 3464 delivery status notification for recipients RequireTls gave up on: a human-readable part that says
 * exactly why, a {@code message/delivery-status} part per recipient with status 5.7.10 (encryption needed, RFC 3463 /
 * RFC 8689's REQUIRETLS status 5.7.30 when the sender asked for it) or the remote server's failure, and the original
 * header block.
 */
public final class DeliveryStatusNotification {
    private static final Session SESSION = Session.getInstance(new Properties());

    private DeliveryStatusNotification() {
    }

    /**
     * @param reporter this gateway's host name, for the Reporting-MTA field
     * @param failures recipient address to the reason it failed
     */
    public static MimeMessage create(String reporter, String originalSender, Map<String, String> failures,
                                     MimeMessage original, boolean requireTlsOption, ZonedDateTime now) throws MessagingException {
        StringBuilder text = new StringBuilder()
            .append("This is the mail gateway ").append(reporter).append(".\r\n\r\n")
            .append("Your message could not be delivered to the following recipients, because the connection to their\r\n")
            .append("mail server did not meet the transport security required for them:\r\n\r\n");
        failures.forEach((recipient, reason) -> text.append("  ").append(recipient).append(": ").append(reason).append("\r\n"));
        text.append("\r\nThe message was not sent in clear text or over a weaker connection. The original headers follow.\r\n");

        StringBuilder status = new StringBuilder()
            .append("Reporting-MTA: dns; ").append(reporter).append("\r\n")
            .append("Arrival-Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now)).append("\r\n");
        failures.forEach((recipient, reason) -> status.append("\r\n")
            .append("Final-Recipient: rfc822; ").append(recipient).append("\r\n")
            .append("Action: failed\r\n")
            .append("Status: ").append(requireTlsOption ? "5.7.30" : "5.7.10").append("\r\n")
            .append("Diagnostic-Code: smtp; ").append(oneLine(reason)).append("\r\n"));

        MimeBodyPart human = new MimeBodyPart();
        human.setText(text.toString(), "UTF-8");
        MimeBodyPart machine = new MimeBodyPart(new InternetHeaders(), status.toString().getBytes(StandardCharsets.UTF_8));
        machine.setHeader("Content-Type", "message/delivery-status");
        MimeBodyPart headers = new MimeBodyPart();
        StringBuilder headerBlock = new StringBuilder();
        java.util.Enumeration<String> lines = original.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            headerBlock.append(lines.nextElement()).append("\r\n");
        }
        headers.setContent(headerBlock.toString(), "text/rfc822-headers");

        MimeMultipart report = new MimeMultipart("report; report-type=delivery-status");
        report.addBodyPart(human);
        report.addBodyPart(machine);
        report.addBodyPart(headers);
        MimeMessage dsn = new MimeMessage(SESSION);
        dsn.setFrom("MAILER-DAEMON@" + reporter);
        dsn.setRecipients(Message.RecipientType.TO, originalSender);
        dsn.setSubject("Undelivered Mail: transport security required", "UTF-8");
        dsn.setHeader("Auto-Submitted", "auto-replied");
        dsn.setContent(report);
        dsn.saveChanges();
        return dsn;
    }

    private static String oneLine(String reason) {
        return reason.replaceAll("[\\r\\n]+", " ");
    }
}
