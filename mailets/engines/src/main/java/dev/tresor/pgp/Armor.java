package dev.tresor.pgp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.tresor.mime.Base64Lines;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.Canonical;

/**
 * OpenPGP's ASCII armor (RFC 9580, 6.2), written and read in bulk. Bouncy Castle's {@code ArmoredOutputStream} encodes
 * byte by byte and spends about two thirds of a 1 MB encryption there; here the base64 goes through the JDK's
 * intrinsified codec in chunks ({@link Base64Lines}: lines of 76 characters, CRLF) and the checksum is a table CRC.
 *
 * <p>Layout written: {@code -----BEGIN PGP <kind>-----}, an empty line (no armor headers: they would only advertise the
 * software), the base64 lines, the checksum line {@code =XXXX} (left out for messages protected by SEIPD v2, which
 * RFC 9580 says must not carry one), {@code -----END PGP <kind>-----}, every line ending in CRLF. Reading skips the
 * armor headers and the checksum line.
 *
 * <p>The checksum stays for SEIPD v1 although RFC 9580 (6.1) says not to write it unless a reader needs it: GnuPG 2.2
 * (Debian 12's) does. Without it, gpg reads the footer line as more base64 after some messages and fails with
 * "invalid packet" once it has decrypted them (seen in PgpMailetsTest when the checksum was left out).
 */
final class Armor {
    static final String MESSAGE = "MESSAGE";
    static final String SIGNATURE = "SIGNATURE";

    private Armor() {
    }

    /** Writes the header lines and returns the stream for the binary packets; its {@code close()} ends the armor. */
    static OutputStream writer(ByteSink sink, String kind, boolean withChecksum) {
        sink.ascii("-----BEGIN PGP " + kind + "-----").crlf().crlf();
        return new Writer(sink, kind, withChecksum);
    }

    /** The armored bytes as one block of text, for small things such as a detached signature. */
    static void write(ByteSink sink, String kind, byte[] packets) throws IOException {
        try (OutputStream out = writer(sink, kind, true)) {
            out.write(packets);
        }
    }

    /** Whether the text starts (after white space) with an armor header line of that kind. */
    static boolean startsWith(byte[] text, int offset, int length, String kind) {
        byte[] header = ("-----BEGIN PGP " + kind + "-----").getBytes(StandardCharsets.US_ASCII);
        int start = skipWhiteSpace(text, offset, offset + length);
        return matches(text, start, offset + length, header);
    }

    /**
     * The binary packets of the first armored block of that kind in the text.
     *
     * @throws PgpException when there is no such block, it does not end, or its checksum is wrong
     */
    static ByteSink read(byte[] text, int offset, int length, String kind) throws PgpException {
        int end = offset + length;
        byte[] header = ("-----BEGIN PGP " + kind + "-----").getBytes(StandardCharsets.US_ASCII);
        byte[] footer = ("-----END PGP " + kind + "-----").getBytes(StandardCharsets.US_ASCII);
        int line = findLine(text, offset, end, header);
        if (line < 0) {
            throw new PgpException("no '-----BEGIN PGP " + kind + "-----' line");
        }
        // armor headers ("Version: ...", "Comment: ...") up to the first empty line
        line = nextLine(text, line, end);
        while (line < end && !isBlank(text, line, lineEnd(text, line, end))) {
            line = nextLine(text, line, end);
        }
        line = nextLine(text, line, end);
        int dataStart = line;
        int dataEnd = -1;
        int checksumLine = -1;
        // neither '=' nor '-' is a base64 letter: the lines before the first of them are data, which the loop
        // below would only step over; padding at the end of the data, the checksum and the footer start there
        int special = Canonical.indexOfEither(text, dataStart, end, (byte) '=', (byte) '-');
        if (special > dataStart) {
            int lf = lastLineFeed(text, dataStart, special);
            line = lf < 0 ? dataStart : lf + 1;
        }
        while (line < end) {
            if (text[line] == '=') {
                checksumLine = line;
                dataEnd = line;
            } else if (matches(text, line, end, footer)) {
                if (dataEnd < 0) {
                    dataEnd = line;
                }
                return decode(text, dataStart, dataEnd);
            } else if (checksumLine >= 0 && !isBlank(text, line, lineEnd(text, line, end))) {
                throw new PgpException("corrupt ASCII armor: text after the checksum line");
            }
            line = nextLine(text, line, end);
        }
        throw new PgpException("corrupt ASCII armor: no '-----END PGP " + kind + "-----' line");
    }

    /**
     * The checksum line is skipped, not checked: RFC 9580 (6.1) says a reader must not reject armor whose CRC-24 is
     * missing or wrong. What the armor carries is protected by the MDC or AEAD tag of the encrypted data, or by the
     * signature, which fail on any altered byte.
     */
    private static ByteSink decode(byte[] text, int start, int end) throws PgpException {
        ByteSink binary = new ByteSink((end - start) / 4 * 3 + 16);
        try (InputStream decoder = Base64Lines.decoder(new java.io.ByteArrayInputStream(text, start, end - start), end - start)) {
            binary.readFrom(decoder);
        } catch (IOException | IllegalArgumentException e) {
            throw new PgpException("corrupt ASCII armor (damaged, or not OpenPGP data)", e);
        }
        return binary;
    }

    /**
     * The first byte of the packets of the first armored block of that kind, decoded from its first base64 quantum
     * only: enough to tell what the message holds without decoding all of it. Empty when there is no such block.
     */
    static java.util.OptionalInt firstByte(byte[] text, int offset, int length, String kind) {
        int end = offset + length;
        int line = findLine(text, offset, end, ("-----BEGIN PGP " + kind + "-----").getBytes(StandardCharsets.US_ASCII));
        if (line < 0) {
            return java.util.OptionalInt.empty();
        }
        line = nextLine(text, line, end);
        while (line < end && !isBlank(text, line, lineEnd(text, line, end))) {
            line = nextLine(text, line, end);
        }
        byte[] quantum = new byte[4];
        int filled = 0;
        for (int i = nextLine(text, line, end); i < end && filled < 4; i++) {
            byte b = text[i];
            if (b != '\r' && b != '\n' && b != ' ' && b != '\t') {
                quantum[filled++] = b;
            }
        }
        try {
            byte[] decoded = Base64.getDecoder().decode(quantum);
            return filled == 4 && decoded.length > 0 ? java.util.OptionalInt.of(decoded[0] & 0xFF) : java.util.OptionalInt.empty();
        } catch (IllegalArgumentException e) {
            return java.util.OptionalInt.empty();
        }
    }

    private static int findLine(byte[] text, int from, int end, byte[] prefix) {
        for (int line = from; line < end; line = nextLine(text, line, end)) {
            if (matches(text, skipSpacesOnly(text, line, end), end, prefix)) {
                return line;
            }
        }
        return -1;
    }

    private static boolean matches(byte[] text, int position, int end, byte[] prefix) {
        if (position + prefix.length > end) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (text[position + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int lastLineFeed(byte[] text, int from, int before) {
        for (int i = before - 1; i >= from; i--) {
            if (text[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int nextLine(byte[] text, int line, int end) {
        int lf = Canonical.indexOfLineFeed(text, line, end);
        return lf < 0 ? end : lf + 1;
    }

    private static int lineEnd(byte[] text, int line, int end) {
        int lf = Canonical.indexOfLineFeed(text, line, end);
        return lf < 0 ? end : lf;
    }

    private static boolean isBlank(byte[] text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static int skipWhiteSpace(byte[] text, int from, int end) {
        int i = from;
        while (i < end && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
            i++;
        }
        return i;
    }

    private static int skipSpacesOnly(byte[] text, int from, int end) {
        int i = from;
        while (i < end && (text[i] == ' ' || text[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static final class Writer extends OutputStream {
        private final ByteSink sink;
        private final String kind;
        private final boolean withChecksum;
        private final OutputStream base64;
        private final Crc24 crc = new Crc24();
        private boolean closed;

        Writer(ByteSink sink, String kind, boolean withChecksum) {
            this.sink = sink;
            this.kind = kind;
            this.withChecksum = withChecksum;
            this.base64 = Base64Lines.encoder(sink);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (withChecksum) {
                crc.update(bytes, offset, length);
            }
            base64.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            base64.close();
            sink.crlf();
            if (withChecksum) {
                int value = crc.value();
                byte[] checksum = {(byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
                sink.ascii("=" + Base64.getEncoder().encodeToString(checksum)).crlf();
            }
            sink.ascii("-----END PGP " + kind + "-----").crlf();
        }
    }
}
