package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import javax.servlet.ServletRequest;
import javax.servlet.ServletRequestWrapper;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.ErrorResponder.ErrorType;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.util.MultiMap;

import spark.HaltException;
import spark.Request;

/**
 * The body of a request to a Tresor route, read at most up to the route's limit, whatever {@code Content-Type} it came
 * with: a body larger than the limit gets 413 naming the limit, before it is read (by its {@code Content-Length}) or
 * as soon as the limit is passed (a body without length), never read whole into memory.
 *
 * <p>curl sends {@code --data} and {@code --data-binary} as {@code application/x-www-form-urlencoded} unless told
 * otherwise. Jetty would then parse the body as form parameters the first time anyone asked for a parameter, and the
 * route found it consumed (PKCS#12 uploads failed with 500, JSON with "Missing JSON body"). The Tresor API takes no form
 * parameters: {@link #claim} tells Jetty so for every Tresor request, query parameters are read from the query string
 * only ({@link RequestParameters#query}), and JSON is accepted as {@code application/json}, without type or with
 * curl's default; another type gets 415.
 */
final class RequestBody {
    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;
    /** PKCS#12 files: a few keys with their chains are tens of KiB. */
    static final int PKCS12_LIMIT = 256 * KIB;
    /** Certificates and trust anchors: PEM, DER or PKCS#7, a bundle of a few hundred certificates. */
    static final int CERTIFICATE_LIMIT = MIB;
    /** OpenPGP keys: keys with many third-party signatures reach a few MiB. */
    static final int PGP_KEY_LIMIT = 4 * MIB;
    /** JSON objects: passwords, statuses, TLS policies. */
    static final int JSON_LIMIT = 64 * KIB;
    /** The largest of the limits: a request to a Tresor route with a longer body is refused before any route runs. */
    static final int MAX_LIMIT = PGP_KEY_LIMIT;

    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int BUFFER_SIZE = 8 * KIB;
    /**
     * How much of a body left unread is read and thrown away ({@link #discardUnread}), so that the client, still sending,
     * receives the answer: a server that closes the connection on unread data makes the client's TCP stack drop the
     * answer (RST).
     */
    private static final long MAX_DISCARDED = 64L * MIB;

    private RequestBody() {
    }

    /**
     * Marks the body of a Tresor request as not being form parameters, and refuses one longer than any route takes.
     * Run before anything asks the request for a parameter.
     */
    static void claim(Request request) {
        ServletRequest underlying = underlying(request);
        if (underlying instanceof org.eclipse.jetty.server.Request) {
            ((org.eclipse.jetty.server.Request) underlying).setContentParameters(new MultiMap<>());
        }
        long length = request.raw().getContentLengthLong();
        if (length > MAX_LIMIT) {
            throw ErrorResponder.builder()
                .statusCode(HttpStatus.PAYLOAD_TOO_LARGE_413)
                .type(ErrorType.INVALID_ARGUMENT)
                .message("The request body is too large: no Tresor route takes more than " + describe(MAX_LIMIT))
                .haltError();
        }
    }

    /**
     * Reads and throws away what is left of the body (at most {@value #MAX_DISCARDED} bytes), so that the answer reaches
     * a client still sending: run after every Tresor route and every refusal, before the answer is written. A request
     * may be refused before its body is read (too large, an unknown key, tenant or status), and Jetty closes a
     * connection with unread data, which reset the connection under the client, the answer lost (the CI met it once,
     * as "HTTP/1.1 header parser received no bytes").
     */
    static void discardUnread(Request request) {
        try {
            InputStream in = underlying(request).getInputStream();
            byte[] buffer = new byte[BUFFER_SIZE];
            long discarded = 0;
            int read;
            while (discarded < MAX_DISCARDED && (read = in.read(buffer)) != -1) {
                discarded += read;
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the body was taken another way: nothing left to discard
        }
    }

    /** The body, of at most {@code limit} bytes; 413 naming the limit if it is longer. */
    static byte[] bytes(Request request, int limit, String what) {
        long length = request.raw().getContentLengthLong();
        if (length > limit) {
            throw tooLarge(what, limit);
        }
        byte[] body = readAtMost(underlying(request), limit, what);
        if (body.length == 0 && length != 0) {
            // Someone read the body through Spark before us (a request logger): Spark holds it already.
            body = request.bodyAsBytes();
            if (body.length > limit) {
                throw tooLarge(what, limit);
            }
        }
        return body;
    }

    /** A JSON body as text: 415 for a type other than JSON, curl's default or none; 400 if it is not UTF-8. */
    static String json(Request request) {
        String type = request.contentType();
        if (type != null && !type.isBlank()) {
            String mediaType = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!mediaType.equals(JSON) && !mediaType.equals(FORM) && !mediaType.equals("text/plain")) {
                throw ErrorResponder.builder()
                    .statusCode(HttpStatus.UNSUPPORTED_MEDIA_TYPE_415)
                    .type(ErrorType.INVALID_ARGUMENT)
                    .message("Unsupported Content-Type '" + type + "': send the body as " + JSON)
                    .haltError();
            }
        }
        byte[] body = bytes(request, JSON_LIMIT, "JSON body");
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body))
                .toString();
        } catch (CharacterCodingException e) {
            throw badRequest("Malformed JSON body: it is not UTF-8 text");
        }
    }

    private static byte[] readAtMost(ServletRequest request, int limit, String what) {
        try (InputStream in = request.getInputStream()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buffer = new byte[BUFFER_SIZE];
            int read;
            while ((read = in.read(buffer)) != -1) {
                if (body.size() + read > limit) {
                    throw tooLarge(what, limit);
                }
                body.write(buffer, 0, read);
            }
            return body.toByteArray();
        } catch (IOException e) {
            throw badRequest("The " + what + " could not be read completely (the client stopped sending?)");
        }
    }

    /** Jetty's request under Spark's wrappers, whose input stream Spark has not copied into memory. */
    private static ServletRequest underlying(Request request) {
        ServletRequest raw = request.raw();
        while (raw instanceof ServletRequestWrapper) {
            raw = ((ServletRequestWrapper) raw).getRequest();
        }
        return raw;
    }

    private static HaltException tooLarge(String what, int limit) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.PAYLOAD_TOO_LARGE_413)
            .type(ErrorType.INVALID_ARGUMENT)
            .message("The " + what + " is too large: this route takes at most " + describe(limit))
            .haltError();
    }

    static String describe(int limit) {
        return limit % MIB == 0 ? limit / MIB + " MiB" : limit / KIB + " KiB";
    }
}
