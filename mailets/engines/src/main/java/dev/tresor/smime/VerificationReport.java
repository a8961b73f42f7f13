package dev.tresor.smime;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tresor.keys.Fingerprint;

/** A short report of a {@link SmimeVerdict} for the recipient, as plain text or as HTML. */
public final class VerificationReport {
    private static final Map<SmimeVerdict.Status, String> HEADLINES = Map.of(
        SmimeVerdict.Status.VALID, "The signature of this message is valid.",
        SmimeVerdict.Status.INVALID, "WARNING: the signature of this message is invalid.",
        SmimeVerdict.Status.UNTRUSTED, "CAUTION: the signature of this message cannot be trusted.",
        SmimeVerdict.Status.REVOKED, "WARNING: the signer's certificate has been revoked.",
        SmimeVerdict.Status.NONE, "This message is not signed.");

    private VerificationReport() {
    }

    public static String text(SmimeVerdict verdict) {
        StringBuilder text = new StringBuilder("S/MIME signature check: ").append(verdict.status().asText()).append("\r\n")
            .append(HEADLINES.get(verdict.status())).append("\r\n\r\n");
        for (String[] line : lines(verdict)) {
            text.append(line[0]).append(": ").append(line[1]).append("\r\n");
        }
        return text.toString();
    }

    public static String html(SmimeVerdict verdict) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\r\n<html><body>\r\n<p><strong>")
            .append(escape(HEADLINES.get(verdict.status()))).append("</strong></p>\r\n<table>\r\n")
            .append("<tr><th align=\"left\">Status</th><td>").append(verdict.status().asText()).append("</td></tr>\r\n");
        for (String[] line : lines(verdict)) {
            html.append("<tr><th align=\"left\">").append(escape(line[0])).append("</th><td>").append(escape(line[1]))
                .append("</td></tr>\r\n");
        }
        return html.append("</table>\r\n</body></html>\r\n").toString();
    }

    private static List<String[]> lines(SmimeVerdict verdict) {
        List<String[]> lines = new ArrayList<>();
        verdict.signerAddress().ifPresent(address -> lines.add(new String[] {"Signer", address.asString()}));
        verdict.signer().ifPresent(certificate -> {
            lines.add(new String[] {"Certificate", certificate.getSubjectX500Principal().getName()});
            lines.add(new String[] {"Issued by", certificate.getIssuerX500Principal().getName()});
            lines.add(new String[] {"Valid", certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant()});
            lines.add(new String[] {"SHA-256 fingerprint", fingerprint(certificate)});
        });
        verdict.signingTime().ifPresent(time -> lines.add(new String[] {"Signed at", time.toString()}));
        lines.add(new String[] {"Details", verdict.reason()});
        return lines;
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            return Fingerprint.of(certificate).asString();
        } catch (IllegalArgumentException e) {
            return "(not encodable)";
        }
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<':
                    escaped.append("&lt;");
                    break;
                case '>':
                    escaped.append("&gt;");
                    break;
                case '&':
                    escaped.append("&amp;");
                    break;
                case '"':
                    escaped.append("&quot;");
                    break;
                default:
                    escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
