package dev.tresor.keys.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The PEM text format (RFC 7468): {@code -----BEGIN TYPE-----}, base64 lines, {@code -----END TYPE-----}. Text around
 * the blocks (such as the {@code openssl x509 -text} dump people paste along) is ignored, as are RFC 1421 headers at the
 * start of a block. Blocks are numbered from 1 in input order, whatever their type, so an admin can count the BEGIN lines
 * to find the one a message names.
 */
final class Pem {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";
    private static final int LINE_LENGTH = 64;

    /**
     * One block. Its base64 is decoded only when asked for, so that a block the caller skips (an OpenPGP armor with its
     * checksum line, say) cannot fail the input.
     */
    static final class Block {
        private final String type;
        private final int number;
        private final int line;
        private final String base64;
        private final int firstBadLine;

        private Block(String type, int number, int line, String base64, int firstBadLine) {
            this.type = type;
            this.number = number;
            this.line = line;
            this.base64 = base64;
            this.firstBadLine = firstBadLine;
        }

        String type() {
            return type;
        }

        byte[] content() throws KeyMaterialException {
            if (firstBadLine != 0) {
                throw new KeyMaterialException("corrupt PEM: base64 error in " + type + " block " + number + " (line "
                    + firstBadLine + ")");
            }
            if (base64.isEmpty()) {
                throw new KeyMaterialException("corrupt PEM: " + describe() + " is empty");
            }
            try {
                if (base64.length() % 4 != 0) {
                    // Java's decoder accepts a final group without its padding; RFC 7468 does not, and a missing line or
                    // character shows up exactly so.
                    throw new IllegalArgumentException("base64 length " + base64.length() + " is not a multiple of 4");
                }
                return Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new KeyMaterialException("corrupt PEM: base64 error in " + type + " block " + number + " (line "
                    + line + "): wrong length or padding, is a line missing?", e);
            }
        }

        /** How messages name this block, e.g. {@code CERTIFICATE block 2 (line 14)}. */
        String describe() {
            return describe(type, number, line);
        }

        private static String describe(String type, int number, int line) {
            return type + " block " + number + " (line " + line + ")";
        }
    }

    private Pem() {
    }

    static boolean isPem(byte[] input) {
        return latin1(input).contains(BEGIN);
    }

    /**
     * Every block of the input, in order; text outside blocks is skipped.
     *
     * @throws KeyMaterialException when a block has no matching END line
     */
    static List<Block> parse(byte[] input) throws KeyMaterialException {
        String[] lines = latin1(input).split("\n", -1);
        List<Block> blocks = new ArrayList<>();
        String type = null;
        int number = 0;
        int startLine = 0;
        int firstBadLine = 0;
        boolean inHeaders = false;
        StringBuilder base64 = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i].trim();
            if (type == null) {
                if (isBoundary(line, BEGIN)) {
                    type = label(line, BEGIN);
                    number++;
                    startLine = lineNumber;
                    firstBadLine = 0;
                    inHeaders = true;
                    base64.setLength(0);
                }
            } else if (line.startsWith(END)) {
                String endType = isBoundary(line, END) ? label(line, END) : line;
                if (!endType.equals(type)) {
                    throw new KeyMaterialException("corrupt PEM: " + Block.describe(type, number, startLine)
                        + " ends with '" + quoted(line) + "' (line " + lineNumber + ")");
                }
                blocks.add(new Block(type, number, startLine, base64.toString(), firstBadLine));
                type = null;
            } else if (line.startsWith(BEGIN)) {
                throw new KeyMaterialException("corrupt PEM: " + Block.describe(type, number, startLine)
                    + " has no END line before the next BEGIN line (line " + lineNumber + ")");
            } else if (inHeaders && (line.indexOf(':') >= 0 || line.isEmpty())) {
                continue;
            } else {
                inHeaders = false;
                if (firstBadLine == 0 && !isBase64(line)) {
                    firstBadLine = lineNumber;
                }
                base64.append(line);
            }
        }
        if (type != null) {
            throw new KeyMaterialException("corrupt PEM: " + Block.describe(type, number, startLine)
                + " has no END line (is the input truncated?)");
        }
        return blocks;
    }

    /**
     * A line of the input as a message shows it: printable ASCII only, at most 60 characters. The line is what the
     * admin uploaded, and may be binary or megabytes long (found by CertificatesFuzzTest).
     */
    private static String quoted(String line) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < line.length() && shown.length() < 60; i++) {
            char c = line.charAt(i);
            shown.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return line.length() > 60 ? shown + "..." : shown.toString();
    }

    static String encode(String type, byte[] content) {
        return BEGIN + type + DASHES + "\n"
            + Base64.getMimeEncoder(LINE_LENGTH, new byte[] {'\n'}).encodeToString(content) + "\n"
            + END + type + DASHES + "\n";
    }

    private static boolean isBoundary(String line, String prefix) {
        return line.startsWith(prefix) && line.endsWith(DASHES) && line.length() > prefix.length() + DASHES.length();
    }

    private static String label(String line, String prefix) {
        return line.substring(prefix.length(), line.length() - DASHES.length()).trim();
    }

    private static boolean isBase64(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '+' || c == '/' || c == '=';
            if (!valid) {
                return false;
            }
        }
        return true;
    }

    /** Every byte maps to one char, so garbage never fails to decode and positions stay byte positions. */
    private static String latin1(byte[] input) {
        return new String(input, StandardCharsets.ISO_8859_1);
    }
}
