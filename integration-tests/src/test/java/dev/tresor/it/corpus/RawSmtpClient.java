package dev.tresor.it.corpus;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP client that sends a corpus message byte for byte: unlike mail libraries it never repairs line ends, so bare
 * LF, bare CR, NUL bytes and SMTP smuggling reach the server as written. The only change is SMTP's own transparency
 * rule: a '.' that starts a CRLF-terminated line is doubled.
 */
final class RawSmtpClient {

    /** What the server answered: accepted or not, and where it refused (command and reply). */
    static final class Result {
        private final boolean accepted;
        private final String refusal;
        private final List<String> refusedRecipients;

        Result(boolean accepted, String refusal, List<String> refusedRecipients) {
            this.accepted = accepted;
            this.refusal = refusal;
            this.refusedRecipients = List.copyOf(refusedRecipients);
        }

        /** The server took responsibility for the mail (a 250 at the end of DATA). */
        boolean accepted() {
            return accepted;
        }

        /** The command and reply that ended the transaction, when the mail was refused. */
        String refusal() {
            return refusal;
        }

        List<String> refusedRecipients() {
            return refusedRecipients;
        }
    }

    private final int port;
    private final Optional<SSLContext> startTls;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawSmtpClient(int port, Optional<SSLContext> startTls) {
        this.port = port;
        this.startTls = startTls;
    }

    /** One transaction; with {@code user} present the client authenticates (AUTH PLAIN) after STARTTLS. */
    Result send(Optional<String> user, String password, String sender, List<String> recipients, byte[] content) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(180_000);
        try {
            streams();
            String reply = reply();
            if (!reply.startsWith("2")) {
                return refused("CONNECT", reply);
            }
            reply = command("EHLO client.partner.example");
            if (startTls.isPresent()) {
                reply = command("STARTTLS");
                if (!reply.startsWith("220")) {
                    return refused("STARTTLS", reply);
                }
                SSLSocket tls = (SSLSocket) startTls.get().getSocketFactory()
                    .createSocket(socket, "127.0.0.1", port, true);
                tls.startHandshake();
                socket = tls;
                streams();
                command("EHLO client.partner.example");
            }
            if (user.isPresent()) {
                String credentials = Base64.getEncoder().encodeToString(
                    ("\0" + user.get() + "\0" + password).getBytes(StandardCharsets.UTF_8));
                reply = command("AUTH PLAIN " + credentials);
                if (!reply.startsWith("235")) {
                    return refused("AUTH", reply);
                }
            }
            reply = command("MAIL FROM:<" + sender + ">");
            if (!reply.startsWith("2")) {
                return refused("MAIL FROM", reply);
            }
            List<String> refusedRecipients = new ArrayList<>();
            String lastRefusal = null;
            for (String recipient : recipients) {
                reply = command("RCPT TO:<" + recipient + ">");
                if (!reply.startsWith("2")) {
                    refusedRecipients.add(recipient);
                    lastRefusal = "RCPT TO:<" + recipient + "> -> " + reply;
                }
            }
            if (refusedRecipients.size() == recipients.size()) {
                return new Result(false, lastRefusal, refusedRecipients);
            }
            reply = command("DATA");
            if (!reply.startsWith("354")) {
                return new Result(false, "DATA -> " + reply, refusedRecipients);
            }
            writeStuffed(content);
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            reply = reply();
            boolean accepted = reply.startsWith("2");
            String afterwards;
            try {
                // a server that answered before the data ended may answer DATA again here: the report shows it
                afterwards = command("QUIT");
            } catch (IOException e) {
                afterwards = "(connection closed)";
            }
            return new Result(accepted, accepted ? null : "end of DATA -> " + reply + "; then QUIT -> " + afterwards,
                refusedRecipients);
        } finally {
            socket.close();
        }
    }

    private Result refused(String command, String reply) {
        return new Result(false, command + " -> " + reply, List.of());
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    private String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    /** A whole (possibly multi-line) reply, its lines joined by " / ". */
    private String reply() throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            String line = line();
            text.append(text.length() == 0 ? "" : " / ").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return text.toString();
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("The server closed the connection");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** The content, a '.' doubled at the start of each CRLF line, and a final CRLF when it lacks one. */
    private void writeStuffed(byte[] content) throws IOException {
        boolean lineStart = true;
        for (int i = 0; i < content.length; i++) {
            byte b = content[i];
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n' && i > 0 && content[i - 1] == '\r';
        }
        int n = content.length;
        if (n > 0 && !(n >= 2 && content[n - 2] == '\r' && content[n - 1] == '\n')) {
            out.write('\r');
            out.write('\n');
        }
    }
}
