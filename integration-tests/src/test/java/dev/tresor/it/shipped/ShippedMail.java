package dev.tresor.it.shipped;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.List;
import java.util.stream.Collectors;

/** Small readers and writers of whole messages, as bytes on the wire, for the shipped-server tests. */
final class ShippedMail {
    private ShippedMail() {
    }

    /** A plain text mail with CRLF line ends. */
    static byte[] plainText(String from, String to, String subject, String text) {
        return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + text + "\r\n").getBytes(US_ASCII);
    }

    /** The values of one header field of a whole message (top-level header block only), unfolded, in order. */
    static List<String> headerValues(String message, String name) {
        return headerBlock(message).lines()
            .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
            .map(line -> line.substring(name.length() + 1).trim())
            .collect(Collectors.toList());
    }

    /** The top-level header block, folded lines joined. */
    static String headerBlock(String message) {
        return message.split("\r?\n\r?\n", 2)[0].replaceAll("\r?\n[ \t]+", " ");
    }
}
