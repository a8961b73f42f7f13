package dev.tresor.it.corpus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A security property the outcome of one corpus message must have, beyond "accounted for and no stack trace sent":
 * a forged verdict never reaches the inbox, a mail that had to be encrypted never leaves in clear text, and so on.
 */
@FunctionalInterface
public interface Check {

    /** What became of one message: the copies delivered to local mailboxes and the mails relayed to the outside. */
    interface Arrivals {
        /** Raw copies read over IMAP from the local recipients' mailboxes. */
        List<byte[]> delivered();

        /** Raw mails the loopback "Internet" received for this envelope recipient. */
        List<byte[]> relayedTo(String address);
    }

    /** Empty when the property holds, else what is wrong. */
    Optional<String> violation(Arrivals arrivals);

    /** The marker corpus messages put into every header they forge. */
    String FORGED = "forged-by-corpus";

    /** No delivered copy carries, in its own header, a Tresor header value the corpus forged. */
    static Check noForgedVerdictDelivered() {
        return arrivals -> {
            for (byte[] copy : arrivals.delivered()) {
                for (String field : headerFields(copy)) {
                    if (field.toLowerCase(Locale.ROOT).startsWith("x-tresor-") && field.toLowerCase(Locale.ROOT).contains(FORGED)) {
                        return Optional.of("delivered with the forged header \"" + shorten(field) + "\"");
                    }
                }
            }
            return Optional.empty();
        };
    }

    /** Every delivered copy says, in a header of its own, what the gateway did with the encrypted content. */
    static Check deliveredWithHeader(String name) {
        return arrivals -> {
            for (byte[] copy : arrivals.delivered()) {
                if (headerValues(copy, name).isEmpty()) {
                    return Optional.of("delivered without a " + name + " header");
                }
            }
            return Optional.empty();
        };
    }

    /** No delivered copy carries this header with a value matching the pattern (e.g. a valid verdict). */
    static Check noDeliveredHeaderMatching(String name, String valuePattern) {
        Pattern pattern = Pattern.compile(valuePattern, Pattern.CASE_INSENSITIVE);
        return arrivals -> {
            for (byte[] copy : arrivals.delivered()) {
                for (String value : headerValues(copy, name)) {
                    if (pattern.matcher(value).find()) {
                        return Optional.of("delivered with " + name + ": " + shorten(value));
                    }
                }
            }
            return Optional.empty();
        };
    }

    /** At least one copy is delivered, and each carries this header with a value matching the pattern. */
    static Check deliveredWithHeaderMatching(String name, String valuePattern) {
        Pattern pattern = Pattern.compile(valuePattern, Pattern.CASE_INSENSITIVE);
        return arrivals -> {
            if (arrivals.delivered().isEmpty()) {
                return Optional.of("not delivered");
            }
            for (byte[] copy : arrivals.delivered()) {
                List<String> values = headerValues(copy, name);
                if (values.stream().noneMatch(value -> pattern.matcher(value).find())) {
                    return Optional.of("delivered with " + name + ": " + (values.isEmpty() ? "(none)" : shorten(String.join(" | ", values)))
                        + ", expected /" + valuePattern + "/");
                }
            }
            return Optional.empty();
        };
    }

    /** No delivered copy contains the text (e.g. the plaintext of content that must not have been opened). */
    static Check deliveredNeverContains(String text) {
        return arrivals -> {
            for (byte[] copy : arrivals.delivered()) {
                if (new String(copy, StandardCharsets.ISO_8859_1).contains(text)) {
                    return Optional.of("delivered copy contains \"" + text + "\"");
                }
            }
            return Optional.empty();
        };
    }

    /** Whatever left for this recipient is S/MIME or OpenPGP encrypted and does not show the secret text. */
    static Check neverInClearTextTo(String address, String secret) {
        return arrivals -> {
            for (byte[] mail : arrivals.relayedTo(address)) {
                if (new String(mail, StandardCharsets.ISO_8859_1).contains(secret)) {
                    return Optional.of("left for " + address + " with its content readable");
                }
                String type = String.join(" ", headerValues(mail, "Content-Type")).toLowerCase(Locale.ROOT);
                if (!type.contains("application/pkcs7-mime") && !type.contains("application/x-pkcs7-mime")
                    && !type.contains("multipart/encrypted")) {
                    return Optional.of("left for " + address + " as " + (type.isEmpty() ? "(no Content-Type)" : shorten(type)));
                }
            }
            return Optional.empty();
        };
    }

    /** The unfolded header fields of a raw message's top-level header section. */
    static List<String> headerFields(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            end = text.indexOf("\n\n");
        }
        String section = end < 0 ? text : text.substring(0, end);
        List<String> fields = new ArrayList<>();
        for (String line : section.split("\r\n|\n|\r")) {
            if (!fields.isEmpty() && (line.startsWith(" ") || line.startsWith("\t"))) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + " " + line.trim());
            } else {
                fields.add(line);
            }
        }
        return fields;
    }

    static List<String> headerValues(byte[] raw, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        List<String> values = new ArrayList<>();
        for (String field : headerFields(raw)) {
            if (field.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                values.add(field.substring(prefix.length()).trim());
            }
        }
        return values;
    }

    private static String shorten(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
