package dev.tresor.tls;

import java.util.List;
import java.util.Locale;

/** One SMTP reply: its three-digit code and its text lines (without code and separator). */
public final class SmtpReply {
    private final int code;
    private final List<String> lines;

    SmtpReply(int code, List<String> lines) {
        this.code = code;
        this.lines = List.copyOf(lines);
    }

    public int code() {
        return code;
    }

    public List<String> lines() {
        return lines;
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isTransientFailure() {
        return code >= 400 && code < 500;
    }

    /** Whether an EHLO reply lists this extension keyword (case-insensitive), e.g. {@code STARTTLS}. */
    public boolean hasExtension(String keyword) {
        String wanted = keyword.toUpperCase(Locale.ROOT);
        return lines.stream().skip(1)
            .map(line -> line.trim().split("\\s+", 2)[0].toUpperCase(Locale.ROOT))
            .anyMatch(wanted::equals);
    }

    /** The reply as the server sent it, on one line, shortened for DSNs and logs. */
    public String asText() {
        String text = code + " " + String.join(" ", lines);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    @Override
    public String toString() {
        return asText();
    }
}
