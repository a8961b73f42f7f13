package dev.tresor.tls;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One SMTP client connection, clear text until {@link #startTls}. Every read has a timeout, replies are bounded
 * (line length, line count) and checked for a consistent code, and bytes a server sends ahead of the TLS handshake
 * are refused (the STARTTLS command injection of CVE-2011-0411 and its kin).
 */
final class SmtpSession implements Closeable {
    static final int MAX_LINE = 2048;
    static final int MAX_REPLY_LINES = 100;

    private final long deadlineNanos;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpSession(Socket socket, Duration sessionLimit) throws IOException {
        this.deadlineNanos = System.nanoTime() + sessionLimit.toNanos();
        use(socket);
    }

    /**
     * @param socket a new, unconnected socket; closing it from another thread ends the session at once
     * @param readTimeout how long one read may wait for the server
     * @param sessionLimit how long the whole conversation may take, so that a server dribbling a byte at a time
     *     cannot hold a delivery thread forever
     */
    static SmtpSession connect(Socket socket, InetSocketAddress address, Duration connectTimeout, Duration readTimeout,
                               Duration sessionLimit) throws IOException {
        try {
            socket.connect(address, Math.toIntExact(connectTimeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
            return new SmtpSession(socket, sessionLimit);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void use(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    SmtpReply read() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !isCode(line.substring(0, 3)) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new SmtpProtocolException("malformed SMTP reply line '" + printable(line) + "'");
            }
            int lineCode = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && lineCode != code) {
                throw new SmtpProtocolException("SMTP reply mixes codes " + code + " and " + lineCode);
            }
            code = lineCode;
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new SmtpReply(code, lines);
            }
            if (lines.size() >= MAX_REPLY_LINES) {
                throw new SmtpProtocolException("SMTP reply longer than " + MAX_REPLY_LINES + " lines");
            }
        }
    }

    private static boolean isCode(String digits) {
        return digits.charAt(0) >= '2' && digits.charAt(0) <= '5' && Character.isDigit(digits.charAt(1))
            && Character.isDigit(digits.charAt(2)) && digits.chars().allMatch(c -> c < 128);
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new SocketTimeoutException("the SMTP session took longer than its time limit");
            }
            int b = in.read();
            if (b < 0) {
                throw new SmtpProtocolException("the server closed the connection"
                    + (line.length() > 0 ? " in the middle of a reply" : ""));
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new SmtpProtocolException("SMTP reply line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    SmtpReply command(String line) throws IOException {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("An SMTP command must be one line");
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read();
    }

    /** Upgrades the connection after a positive reply to STARTTLS. */
    SSLSocket startTls(SSLSocketFactory factory, String host, int port, SSLParameters parameters) throws IOException {
        if (in.available() > 0) {
            throw new SmtpProtocolException("the server sent data before the TLS handshake (possible STARTTLS injection)");
        }
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, host, port, true);
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(socket.getSoTimeout());
        tls.startHandshake();
        use(tls);
        return tls;
    }

    /**
     * Sends the message after a 354: line ends as CRLF, leading dots doubled, then the final dot; returns the
     * server's verdict.
     */
    SmtpReply data(MimeMessage message) throws IOException, MessagingException {
        DotStuffing body = new DotStuffing(out);
        message.writeTo(body);
        body.finish();
        out.flush();
        return read();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with a connection that is going away
        }
    }

    private static String printable(String line) {
        StringBuilder text = new StringBuilder();
        line.chars().limit(80).forEach(c -> text.append(c >= 32 && c < 127 ? (char) c : '?'));
        return text.toString();
    }

    /** RFC 5321 transparency (section 4.5.2) and CRLF line ends, streaming. */
    private static final class DotStuffing extends OutputStream {
        private final OutputStream out;
        private boolean atLineStart = true;
        private boolean afterCr;

        DotStuffing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') {
                if (!afterCr) {
                    out.write('\r');
                }
                out.write('\n');
                atLineStart = true;
                afterCr = false;
                return;
            }
            if (afterCr) {
                out.write('\n');
                atLineStart = true;
            }
            afterCr = b == '\r';
            if (afterCr) {
                out.write('\r');
                return;
            }
            if (atLineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            atLineStart = false;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }

        void finish() throws IOException {
            if (afterCr) {
                out.write('\n');
            } else if (!atLineStart) {
                out.write('\r');
                out.write('\n');
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
