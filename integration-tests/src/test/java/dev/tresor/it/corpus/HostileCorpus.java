package dev.tresor.it.corpus;

import static dev.tresor.it.corpus.CorpusCrypto.armor;
import static dev.tresor.it.corpus.CorpusCrypto.base64;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import dev.tresor.it.corpus.CorpusMessage.Route;

/**
 * The hostile corpus: messages a mail-security gateway meets from careless or malicious senders, each made by code
 * here (no binary fixtures), named, classed and documented with what we expect. {@code HostileCorpusTest} sends every
 * one through the shipped server's sample chain and records where it ended; {@code README.md} next to this class lists
 * them, one line each, and {@code HostileCorpusDocumentationTest} keeps that list in step with this code.
 *
 * <p>Inbound messages come from an outside sender to {@link #ALICE}, whose tenant holds her S/MIME and OpenPGP private
 * keys and Bob's certificate (a trust anchor) and public OpenPGP key; outbound ones are submitted by Alice (SMTP AUTH)
 * to Bob, so the chain must sign and encrypt them or keep them.
 */
public final class HostileCorpus {
    public static final String LOCAL_DOMAIN = "acme.example";
    public static final String ALICE = "alice@" + LOCAL_DOMAIN;
    public static final String BOB = "bob@partner.example";
    /** Text that appears in the content the corpus hides (encrypted or smuggled); it must never be readable where it arrives. */
    public static final String SECRET = "corpus-secret-text";

    private static final String DATE = "Sat, 05 Dec 2026 12:00:00 +0000";

    private final CorpusIdentities ids;
    private final List<CorpusMessage> messages = new ArrayList<>();

    private HostileCorpus(CorpusIdentities ids) {
        this.ids = ids;
    }

    /** Every message of the corpus, in the order they are sent. */
    public static List<CorpusMessage> messages(CorpusIdentities ids) {
        HostileCorpus corpus = new HostileCorpus(ids);
        corpus.mimeStructure();
        corpus.encodingsAndCharsets();
        corpus.headersAndLines();
        corpus.smtpFraming();
        corpus.forgery();
        corpus.smime();
        corpus.openPgp();
        corpus.sizes();
        corpus.outbound();
        return List.copyOf(corpus.messages);
    }

    // ---------------------------------------------------------------------------------------------------- MIME
    private void mimeStructure() {
        String mime = "mime";
        inbound("mime/boundary-missing", mime, "multipart/mixed without a boundary parameter",
            "delivered as it came", () -> mail("mime/boundary-missing", "Content-Type: multipart/mixed\n",
                "--x\nContent-Type: text/plain\n\nhello\n--x--\n"));
        inbound("mime/boundary-never-used", mime, "a boundary is declared, the body never uses it",
            "delivered as it came", () -> mail("mime/boundary-never-used", "Content-Type: multipart/mixed; boundary=\"never\"\n",
                "just text, no parts at all\n"));
        inbound("mime/boundary-not-closed", mime, "parts without the closing delimiter",
            "delivered as it came", () -> mail("mime/boundary-not-closed", "Content-Type: multipart/mixed; boundary=\"b\"\n",
                "--b\nContent-Type: text/plain\n\none\n--b\nContent-Type: text/plain\n\ntwo, and the mail ends here\n"));
        inbound("mime/boundary-empty", mime, "boundary=\"\" (an empty boundary)",
            "delivered as it came", () -> mail("mime/boundary-empty", "Content-Type: multipart/mixed; boundary=\"\"\n",
                "--\nContent-Type: text/plain\n\nhello\n----\n"));
        inbound("mime/boundary-overlong", mime, "a 5,000-character boundary (RFC 2046 allows 70)",
            "delivered as it came", () -> {
                String boundary = "b".repeat(5000);
                return mail("mime/boundary-overlong", "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n",
                    "--" + boundary + "\nContent-Type: text/plain\n\nhello\n--" + boundary + "--\n");
            });
        inbound("mime/boundary-reused-inside", mime, "a nested multipart reusing its parent's boundary",
            "delivered as it came", () -> mail("mime/boundary-reused-inside", "Content-Type: multipart/mixed; boundary=\"same\"\n",
                "--same\nContent-Type: multipart/alternative; boundary=\"same\"\n\n--same\nContent-Type: text/plain\n\ninner\n"
                    + "--same--\n--same--\n"));
        inbound("mime/nesting-2000-multipart", mime, "2,000 multipart/mixed levels, one inside the other (issue 12, defect 2)",
            "delivered, or kept in a repository with a reason; never a spooler crash", () -> mail("mime/nesting-2000-multipart",
                "Content-Type: multipart/mixed; boundary=\"n0\"\n", nestedMultiparts(2000)));
        inbound("mime/nesting-500-rfc822", mime, "500 message/rfc822 attachments, each inside the previous",
            "delivered, or kept in a repository with a reason", () -> {
                StringBuilder body = new StringBuilder();
                for (int i = 1; i < 500; i++) {
                    body.append("Subject: level ").append(i).append("\nContent-Type: message/rfc822\n\n");
                }
                body.append("Subject: bottom\nContent-Type: text/plain\n\nthe bottom\n");
                return mail("mime/nesting-500-rfc822", "Content-Type: message/rfc822\n", body.toString());
            });
        inbound("mime/parts-10000", mime, "10,000 small parts in one multipart", "delivered as it came", () -> {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                body.append("--p\nContent-Type: text/plain\n\npart ").append(i).append('\n');
            }
            return mail("mime/parts-10000", "Content-Type: multipart/mixed; boundary=\"p\"\n", body.append("--p--\n").toString());
        });
        inbound("mime/content-type-garbage", mime, "Content-Type: ;;;==//\"\" (unparseable)", "delivered as it came",
            () -> mail("mime/content-type-garbage", "Content-Type: ;;;==//\"\"\n", "hello\n"));
        inbound("mime/content-type-twice", mime, "two Content-Type fields that disagree (text/plain and multipart/mixed)",
            "delivered as it came", () -> mail("mime/content-type-twice",
                "Content-Type: text/plain\nContent-Type: multipart/mixed; boundary=\"x\"\n", "--x\n\nhello\n--x--\n"));
        inbound("mime/multipart-only-preamble", mime, "a multipart with a preamble and an epilogue but no part",
            "delivered as it came", () -> mail("mime/multipart-only-preamble", "Content-Type: multipart/mixed; boundary=\"b\"\n",
                "preamble\n--b--\nepilogue\n"));
        inbound("mime/rfc822-truncated", mime, "a message/rfc822 part whose inner message stops inside its header",
            "delivered as it came", () -> mail("mime/rfc822-truncated", "Content-Type: multipart/mixed; boundary=\"b\"\n",
                "--b\nContent-Type: message/rfc822\n\nFrom: inner@partner.example\nSubject: cut he\n--b--\n"));
        inbound("mime/message-partial", mime, "a message/partial fragment (1 of 3) whose reassembly never comes",
            "delivered as it came", () -> mail("mime/message-partial",
                "Content-Type: message/partial; id=\"corpus@partner.example\"; number=1; total=3\n",
                "Subject: part one\nContent-Type: text/plain\n\nfirst third\n"));
        inbound("mime/no-body", mime, "a header section and no empty line, no body", "delivered as it came",
            () -> crlf(headers("mime/no-body", "Partner <partner@partner.example>")));
        inbound("mime/no-header", mime, "no header fields at all: the data starts with the empty line",
            "delivered (the server adds what it must) or kept with a reason", () -> crlf("\nbody without any header\n"));
        inbound("mime/only-newlines", mime, "DATA of 100 empty lines", "delivered or kept with a reason",
            () -> crlf("\n".repeat(100)));
        inbound("mime/signed-one-part", mime, "multipart/signed with only the content part, no signature part",
            "delivered; verdict invalid or none, never valid",
            () -> mail("mime/signed-one-part", "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; "
                + "micalg=sha-256; boundary=\"s\"\n", "--s\nContent-Type: text/plain\n\nunsigned\n--s--\n", BOB_FROM),
            Check.noDeliveredHeaderMatching("X-Tresor-Signature", "^valid"));
        inbound("mime/encrypted-one-part", mime, "multipart/encrypted (PGP) with the control part only",
            "delivered with X-Tresor-Decryption: failed", () -> mail("mime/encrypted-one-part",
                "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n",
                "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e--\n"),
            Check.deliveredWithHeader("X-Tresor-Decryption"));
    }

    // ---------------------------------------------------------------------------------------------------- encodings
    private void encodingsAndCharsets() {
        String encoding = "encoding";
        inbound("encoding/base64-truncated", encoding, "a base64 attachment cut in the middle of a quantum",
            "delivered as it came", () -> mail("encoding/base64-truncated", multipartHeader(),
                attachment("application/octet-stream", "base64", base64(CorpusCrypto.random(3000)).substring(0, 2001))));
        inbound("encoding/base64-alphabet-violations", encoding, "base64 with !, @, % and NUL inside the lines",
            "delivered as it came", () -> mail("encoding/base64-alphabet-violations", multipartHeader(),
                attachment("application/octet-stream", "base64", "QU!JD@REV%G\u0000SGVsbG8=\nQUJD!\n")));
        inbound("encoding/base64-in-text", encoding, "a text/plain body declared base64 that is plain text",
            "delivered as it came", () -> mail("encoding/base64-in-text",
                "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n", "This is not base64 at all.\n"));
        inbound("encoding/quoted-printable-broken", encoding, "quoted-printable with =ZZ, =\\0 and a lone = at the end",
            "delivered as it came", () -> mail("encoding/quoted-printable-broken",
                "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n", "bad =ZZ escape =\u0000 and end =\n="));
        inbound("encoding/transfer-encoding-unknown", encoding, "Content-Transfer-Encoding: x-corpus-unknown",
            "delivered as it came", () -> mail("encoding/transfer-encoding-unknown",
                "Content-Type: text/plain\nContent-Transfer-Encoding: x-corpus-unknown\n", "hello\n"));
        inbound("encoding/charset-unknown", encoding, "text/plain; charset=x-corpus-no-such-charset",
            "delivered as it came", () -> mail("encoding/charset-unknown",
                "Content-Type: text/plain; charset=\"x-corpus-no-such-charset\"\n", "hello\n"));
        inbound("encoding/charset-overlong", encoding, "a charset name of 10,000 characters",
            "delivered as it came", () -> mail("encoding/charset-overlong",
                "Content-Type: text/plain; charset=\"" + "x".repeat(10_000) + "\"\n", "hello\n"));
        inbound("encoding/utf16-odd-length", encoding, "a body declared UTF-16 with an odd number of bytes",
            "delivered as it came", () -> concat(mailBytes("encoding/utf16-odd-length",
                "Content-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: binary\n"), new byte[] {(byte) 0xFE, (byte) 0xFF, 0, 'h', 0}, CRLF));
        inbound("encoding/utf8-invalid", encoding, "8bit UTF-8 body with overlong and truncated sequences",
            "delivered as it came", () -> concat(mailBytes("encoding/utf8-invalid",
                "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"),
                new byte[] {(byte) 0xC0, (byte) 0xAF, (byte) 0xE2, (byte) 0x82, ' ', (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, CRLF));
        inbound("encoding/encoded-word-broken", encoding, "Subject =?utf-8?B?!!!?= and =?x-unknown?Q?hi?= encoded words",
            "delivered as it came", () -> crlf("From: partner@partner.example\nTo: " + ALICE
                + "\nSubject: =?utf-8?B?!!!?= =?x-unknown?Q?hi?= =?utf-8?Q?=ZZ?=\nX-Corpus-Id: encoding/encoded-word-broken\n"
                + "Message-ID: <encoded-word-broken@corpus.test>\nDate: " + DATE + "\n\nhello\n"));
        inbound("encoding/iso-2022-jp-broken", encoding, "ISO-2022-JP text whose escape sequences never return to ASCII",
            "delivered as it came", () -> concat(mailBytes("encoding/iso-2022-jp-broken",
                "Content-Type: text/plain; charset=iso-2022-jp\nContent-Transfer-Encoding: 7bit\n"),
                new byte[] {0x1B, '$', 'B', '$', '3', 0x1B, '(', 0x1B}, CRLF));
    }

    // ---------------------------------------------------------------------------------------------------- headers
    private void headersAndLines() {
        String headers = "headers";
        inbound("headers/field-1mb-folded", headers, "one Subject of 1 MB, folded every 70 characters",
            "delivered as it came, or refused at SMTP", () -> {
                StringBuilder subject = new StringBuilder("Subject: big");
                for (int i = 0; i < 15_000; i++) {
                    subject.append("\n ").append("y".repeat(68));
                }
                return crlf("From: partner@partner.example\nTo: " + ALICE + "\n" + subject
                    + "\nX-Corpus-Id: headers/field-1mb-folded\n\nbody\n");
            });
        inbound("headers/line-1mb-unfolded", headers, "one header line of 1 MB without folding (SMTP allows 998)",
            "delivered, or refused at SMTP with a 5xx", () -> mail("headers/line-1mb-unfolded",
                "X-Long: " + "z".repeat(1 << 20) + "\n", "body\n"));
        inbound("headers/fields-10000", headers, "10,000 header fields", "delivered, or refused at SMTP", () -> {
            StringBuilder fields = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                fields.append("X-Field-").append(i).append(": value ").append(i).append('\n');
            }
            return mail("headers/fields-10000", fields.toString(), "body\n");
        });
        inbound("headers/eight-bit-utf8", headers, "raw UTF-8 in Subject and From, without SMTPUTF8",
            "delivered as it came", () -> crlf("From: Jürgen Müller <partner@partner.example>\nTo: " + ALICE
                + "\nSubject: Grüße aus Köln — 日本語\nX-Corpus-Id: headers/eight-bit-utf8\nDate: " + DATE
                + "\n\nbody\n", StandardCharsets.UTF_8));
        inbound("headers/eight-bit-latin1", headers, "raw ISO-8859-1 bytes (invalid UTF-8) in Subject and a header name",
            "delivered as it came", () -> concat(("From: partner@partner.example\r\nTo: " + ALICE + "\r\nX-Corpus-Id: headers/eight-bit-latin1\r\n")
                .getBytes(StandardCharsets.US_ASCII), "Subject: Gr\u00fc\u00dfe\r\nX-N\u00e4me: v\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        inbound("headers/nul-in-header", headers, "NUL bytes inside Subject and From", "delivered as it came, or refused",
            () -> crlf("From: partner\u0000@partner.example\nTo: " + ALICE + "\nSubject: nul\u0000inside\u0000\n"
                + "X-Corpus-Id: headers/nul-in-header\n\nbody\n"));
        inbound("headers/nul-in-body", headers, "NUL bytes throughout a text/plain body", "delivered as it came",
            () -> mail("headers/nul-in-body", "Content-Type: text/plain\n", "a\u0000b\u0000\u0000c\n" + "\u0000".repeat(1000) + "\n"));
        inbound("headers/control-characters", headers, "ESC, BEL, form feed and DEL in Subject", "delivered as it came",
            () -> mail("headers/control-characters", "X-Ctl: \u001b[31mred\u0007\u000c\u007f\n", "body\n"));
        inbound("headers/line-without-colon", headers, "a header line without a colon, then more fields",
            "delivered as it came", () -> mail("headers/line-without-colon", "This line has no colon\nX-After: still header?\n", "body\n"));
        inbound("headers/space-before-colon", headers, "\"Subject : x\" and \"From :\" (space before the colon)",
            "delivered as it came", () -> crlf("From : partner@partner.example\nTo: " + ALICE
                + "\nSubject : spaced\nX-Corpus-Id: headers/space-before-colon\n\nbody\n"));
        inbound("headers/from-garbage", headers, "From: <<<@@>>> and a To without any address", "delivered as it came",
            () -> crlf("From: <<<@@>>>\nTo: ;;;\nSubject: garbage addresses\nX-Corpus-Id: headers/from-garbage\n\nbody\n"));
        inbound("headers/from-1000-addresses", headers, "a From field listing 1,000 addresses", "delivered as it came",
            () -> {
                StringBuilder from = new StringBuilder("From: a0@partner.example");
                for (int i = 1; i < 1000; i++) {
                    from.append(",\n a").append(i).append("@partner.example");
                }
                return crlf(from + "\nTo: " + ALICE + "\nSubject: many senders\nX-Corpus-Id: headers/from-1000-addresses\n\nbody\n");
            });
        inbound("headers/received-25", headers, "25 Received fields (under the sample chain's RelayLimit of 30)",
            "delivered as it came", this::received25);
        inbound("headers/bare-cr-in-field", headers, "a bare CR inside a header value (header injection attempt)",
            "delivered as it came; the CR never splits the field into a forged one", () -> mail("headers/bare-cr-in-field",
                "X-Innocent: value\r" + forged("X-Tresor-Signature"), "body\n"), Check.noForgedVerdictDelivered());
    }

    private byte[] received25() {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            fields.append("Received: from hop").append(i).append(".partner.example by relay.partner.example; ").append(DATE).append('\n');
        }
        return mail("headers/received-25", fields.toString(), "body\n");
    }

    // ---------------------------------------------------------------------------------------------------- SMTP framing
    private void smtpFraming() {
        String smtp = "smtp";
        inbound("smtp/bare-lf-line-ends", smtp, "every line ends in LF alone", "delivered as it came",
            () -> new String(mail("smtp/bare-lf-line-ends", "", "line one\nline two\n"), StandardCharsets.ISO_8859_1)
                .replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1));
        inbound("smtp/bare-cr-line-ends", smtp, "every line ends in CR alone", "delivered or refused",
            () -> new String(mail("smtp/bare-cr-line-ends", "", "line one\nline two\n"), StandardCharsets.ISO_8859_1)
                .replace("\r\n", "\r").concat("\r\n").getBytes(StandardCharsets.ISO_8859_1));
        inbound("smtp/smuggling-lf-dot-lf", smtp, "SMTP smuggling: <LF>.<LF> then a second MAIL FROM inside the data",
            "one mail delivered, the smuggled one never (no delivered mail has the smuggled Subject)",
            () -> smuggling("smtp/smuggling-lf-dot-lf", "\n.\n"), Check.noDeliveredHeaderMatching("Subject", "smuggled-"));
        inbound("smtp/smuggling-lf-dot-crlf", smtp, "SMTP smuggling: <LF>.<CR><LF> then a second transaction",
            "one mail delivered, the smuggled one never", () -> smuggling("smtp/smuggling-lf-dot-crlf", "\n.\r\n"),
            Check.noDeliveredHeaderMatching("Subject", "smuggled-"));
        inbound("smtp/smuggling-cr-dot-cr", smtp, "SMTP smuggling: <CR>.<CR> then a second transaction",
            "one mail delivered, the smuggled one never", () -> smuggling("smtp/smuggling-cr-dot-cr", "\r.\r"),
            Check.noDeliveredHeaderMatching("Subject", "smuggled-"));
        inbound("smtp/empty-data", smtp, "DATA immediately ended: zero bytes", "refused, or delivered with the server's headers",
            () -> new byte[0]);
    }

    private byte[] smuggling(String name, String fakeEnd) {
        String smuggled = "MAIL FROM:<smuggler@partner.example>\r\nRCPT TO:<" + ALICE + ">\r\nDATA\r\nFrom: " + ALICE
            + "\r\nSubject: smuggled-" + SECRET + "\r\n\r\nsmuggled-" + SECRET + "\r\n";
        String first = new String(mail(name, "", "first mail"), StandardCharsets.ISO_8859_1);
        return (first.substring(0, first.length() - 2) + fakeEnd + smuggled).getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------------------------------------------- forgery
    private void forgery() {
        String forgery = "forgery";
        inbound("forgery/verdict-headers", forgery, "X-Tresor-Signature: valid, X-Tresor-Decryption, -Pgp-Signature, "
                + "-Inbound-TLS, -Protection, all forged", "delivered with our own verdicts only (every forged field removed)",
            () -> mail("forgery/verdict-headers", forged("X-Tresor-Signature") + forged("X-Tresor-Decryption")
                + forged("X-Tresor-Pgp-Signature") + forged("X-Tresor-Inbound-TLS") + forged("X-Tresor-Protection"), "hello\n"),
            Check.noForgedVerdictDelivered());
        inbound("forgery/verdict-odd-case", forgery, "x-tReSoR-sIgNaTuRe and X-TRESOR-DECRYPTION, forged",
            "delivered without the forged fields", () -> mail("forgery/verdict-odd-case",
                "x-tReSoR-sIgNaTuRe: valid; " + Check.FORGED + "\nX-TRESOR-DECRYPTION: ok; " + Check.FORGED + "\n", "hello\n"),
            Check.noForgedVerdictDelivered());
        inbound("forgery/verdict-folded", forgery, "a forged X-Tresor-Signature folded over three lines",
            "delivered without the forged field", () -> mail("forgery/verdict-folded",
                "X-Tresor-Signature:\n valid;\n signer=\"" + Check.FORGED + "\"\n", "hello\n"), Check.noForgedVerdictDelivered());
        inbound("forgery/verdict-space-before-colon", forgery, "\"X-Tresor-Signature : valid\" (space before the colon)",
            "delivered without the forged field", () -> mail("forgery/verdict-space-before-colon",
                "X-Tresor-Signature : valid; " + Check.FORGED + "\n", "hello\n"), Check.noForgedVerdictDelivered());
        inbound("forgery/verdict-after-garbage-line", forgery, "a forged verdict after a header line without a colon "
                + "(parsers may disagree where the header ends)", "delivered without the forged field in the header",
            () -> mail("forgery/verdict-after-garbage-line", "garbage line without colon\n" + forged("X-Tresor-Signature"), "hello\n"),
            Check.noForgedVerdictDelivered());
        inbound("forgery/verdict-many", forgery, "5,000 forged X-Tresor-Signature fields", "delivered without any of them",
            () -> mail("forgery/verdict-many", forged("X-Tresor-Signature").repeat(5000), "hello\n"), Check.noForgedVerdictDelivered());
        inbound("forgery/verdict-on-signed-mail", forgery, "Bob's validly signed mail carrying a forged X-Tresor-Signature: invalid "
                + "and a forged X-Tresor-Pgp-Signature", "delivered with our own verdict only",
            () -> signedByBob("forgery/verdict-on-signed-mail", forged("X-Tresor-Signature") + forged("X-Tresor-Pgp-Signature"), false),
            Check.noForgedVerdictDelivered());
        inbound("forgery/autocrypt-garbage", forgery, "an Autocrypt header whose keydata is not a key", "delivered, nothing harvested",
            () -> mail("forgery/autocrypt-garbage", "Autocrypt: addr=partner@partner.example; keydata=" + "QUJD".repeat(200) + "!!\n", "hello\n"));
        inbound("forgery/autocrypt-other-address", forgery, "an Autocrypt header offering the stranger's key for Bob's address",
            "delivered, nothing harvested (addr is not the From address)", () -> mail("forgery/autocrypt-other-address",
                "Autocrypt: addr=" + BOB + "; keydata=" + base64(ids.strangerPgp().armoredPublic()).replace("\r\n", "") + "\n", "hello\n"));
        inbound("forgery/local-sender-from-outside", forgery, "From: Alice herself, sent from outside without authentication",
            "delivered (the chain has no SPF/DKIM check), never signed by the gateway",
            () -> crlf("From: " + ALICE + "\nTo: " + ALICE + "\nSubject: spoofed local sender\nX-Corpus-Id: forgery/local-sender-from-outside\n\nhello\n"),
            Check.noDeliveredHeaderMatching("Content-Type", "multipart/signed"));
    }

    private static String forged(String name) {
        return name + ": valid; " + Check.FORGED + "\n";
    }

    // ---------------------------------------------------------------------------------------------------- S/MIME
    private void smime() {
        String smime = "smime";
        inbound("smime/enveloped-control", smime, "an honest S/MIME envelope for Alice (control)",
            "delivered decrypted", () -> pkcs7Mime("smime/enveloped-control", "enveloped-data", envelopeForAlice("smime/enveloped-control")),
            Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^(ok|decrypted)"));
        inbound("smime/garbage", smime, "application/pkcs7-mime enveloped-data whose content is 4 KB of random bytes (defect 8)",
            "delivered still encrypted with X-Tresor-Decryption: failed", () -> pkcs7Mime("smime/garbage", "enveloped-data",
                CorpusCrypto.random(4096)), Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("smime/plain-text-inside", smime, "application/pkcs7-mime enveloped-data whose base64 decodes to plain text (defect 8)",
            "delivered with X-Tresor-Decryption: failed", () -> pkcs7Mime("smime/plain-text-inside", "enveloped-data",
                "Hello, I am not CMS at all.".getBytes(StandardCharsets.US_ASCII)), Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("smime/truncated", smime, "Alice's envelope cut in half", "delivered with X-Tresor-Decryption: failed",
            () -> {
                byte[] der = envelopeForAlice("smime/truncated");
                return pkcs7Mime("smime/truncated", "enveloped-data", Arrays.copyOf(der, der.length / 2));
            }, Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^failed"));
        inbound("smime/ciphertext-altered", smime, "Alice's envelope (AES-CBC) with one bit of the next-to-last ciphertext "
                + "block flipped, which always breaks the padding", "delivered with X-Tresor-Decryption: failed", () -> {
                byte[] der = envelopeForAlice("smime/ciphertext-altered");
                // CBC: a bit flipped in the next-to-last block flips the same bit of the last plaintext byte, the padding length
                byte[] ciphertext = org.bouncycastle.asn1.cms.EnvelopedData.getInstance(
                    org.bouncycastle.asn1.cms.ContentInfo.getInstance(der).getContent()).getEncryptedContentInfo().getEncryptedContent().getOctets();
                der[indexOf(der, ciphertext) + ciphertext.length - 17] ^= 0x01;
                return pkcs7Mime("smime/ciphertext-altered", "enveloped-data", der);
            }, Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^failed"));
        inbound("smime/for-a-stranger", smime, "an honest envelope for someone else's certificate",
            "delivered with X-Tresor-Decryption: failed", () -> pkcs7Mime("smime/for-a-stranger", "enveloped-data",
                CorpusCrypto.envelope(innerText("smime/for-a-stranger"), ids.strangerSmime().certificate())),
            Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^failed"));
        inbound("smime/type-lie-signed-as-enveloped", smime, "smime-type=enveloped-data over SignedData",
            "delivered; a decryption verdict, or the signature verified as what it is", () -> pkcs7Mime("smime/type-lie-signed-as-enveloped",
                "enveloped-data", CorpusCrypto.sign(innerText("smime/type-lie-signed-as-enveloped"), ids.bobSmime(), true), BOB_FROM));
        inbound("smime/type-lie-enveloped-as-signed", smime, "smime-type=signed-data over EnvelopedData for Alice",
            "delivered; signature verdict never valid", () -> pkcs7Mime("smime/type-lie-enveloped-as-signed", "signed-data",
                envelopeForAlice("smime/type-lie-enveloped-as-signed"), BOB_FROM),
            Check.noDeliveredHeaderMatching("X-Tresor-Signature", "^valid"));
        inbound("smime/type-lie-certs-only", smime, "smime-type=certs-only over random bytes", "delivered as it came",
            () -> pkcs7Mime("smime/type-lie-certs-only", "certs-only", CorpusCrypto.random(512)));
        inbound("smime/type-missing", smime, "application/pkcs7-mime without smime-type, over Alice's envelope",
            "delivered decrypted, or with a decryption verdict", () -> pkcs7Mime("smime/type-missing", null,
                envelopeForAlice("smime/type-missing")), Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("smime/compressed-bomb", smime, "smime-type=compressed-data: 300 KB of zlib that inflate to 256 MB",
            "delivered as it came or kept with a reason; never inflated in memory", () -> pkcs7Mime("smime/compressed-bomb",
                "compressed-data", CorpusCrypto.compressedZeros(256L << 20)));
        inbound("smime/compressed-bomb-enveloped", smime, "Alice's envelope around a compressed-data bomb (256 MB of zeros)",
            "delivered (decrypted or not) or kept with a reason; never a crash", () -> {
                byte[] inner = crlf("Content-Type: application/pkcs7-mime; smime-type=compressed-data\nContent-Transfer-Encoding: base64\n\n");
                byte[] entity = concat(inner, base64(CorpusCrypto.compressedZeros(256L << 20)).getBytes(StandardCharsets.US_ASCII));
                return pkcs7Mime("smime/compressed-bomb-enveloped", "enveloped-data", CorpusCrypto.envelope(entity, ids.aliceSmime().certificate()));
            });
        inbound("smime/asn1-nesting-100000", smime, "100,000 nested indefinite-length SEQUENCEs (an ASN.1 recursion bomb)",
            "delivered with X-Tresor-Decryption: failed; never a crash", () -> {
                ByteArrayOutputStream der = new ByteArrayOutputStream();
                for (int i = 0; i < 100_000; i++) {
                    der.write(0x30);
                    der.write(0x80);
                }
                for (int i = 0; i < 100_000; i++) {
                    der.write(0);
                    der.write(0);
                }
                return pkcs7Mime("smime/asn1-nesting-100000", "enveloped-data", der.toByteArray());
            }, Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("smime/asn1-length-2gb", smime, "DER whose outer length claims 2 GB", "delivered with X-Tresor-Decryption: failed",
            () -> pkcs7Mime("smime/asn1-length-2gb", "enveloped-data", new byte[] {0x30, (byte) 0x84, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x06, 0x09}),
            Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("smime/enveloped-20-layers", smime, "Alice's envelope inside Alice's envelope, 20 deep",
            "delivered (one or more layers opened) or kept with a reason", () -> {
                byte[] entity = innerText("smime/enveloped-20-layers");
                for (int i = 0; i < 20; i++) {
                    byte[] der = CorpusCrypto.envelope(entity, ids.aliceSmime().certificate());
                    entity = concat(crlf("Content-Type: application/pkcs7-mime; smime-type=enveloped-data\nContent-Transfer-Encoding: base64\n\n"),
                        base64(der).getBytes(StandardCharsets.US_ASCII));
                }
                return concat(crlf(headers("smime/enveloped-20-layers", PARTNER_FROM) + "MIME-Version: 1.0\n"), entity);
            });
        inbound("smime/signed-control", smime, "Bob's honest clear-signed mail, Bob's certificate a trust anchor (control; defect 1)",
            "delivered with X-Tresor-Signature: valid", () -> signedByBob("smime/signed-control", "", false),
            Check.deliveredWithHeaderMatching("X-Tresor-Signature", "^valid"));
        inbound("smime/signed-content-altered", smime, "Bob's clear-signed mail whose text was changed after signing",
            "delivered with X-Tresor-Signature: invalid", () -> signedByBob("smime/signed-content-altered", "", true),
            Check.noDeliveredHeaderMatching("X-Tresor-Signature", "^valid"));
        inbound("smime/signature-garbage", smime, "multipart/signed whose pkcs7-signature part is random bytes",
            "delivered with X-Tresor-Signature: invalid", () -> signedWithSignature("smime/signature-garbage", CorpusCrypto.random(700)),
            Check.noDeliveredHeaderMatching("X-Tresor-Signature", "^valid"));
        inbound("smime/signature-truncated", smime, "multipart/signed whose signature is cut in half",
            "delivered with X-Tresor-Signature: invalid", () -> {
                byte[] signature = CorpusCrypto.sign(SIGNED_PART, ids.bobSmime(), false);
                return signedWithSignature("smime/signature-truncated", Arrays.copyOf(signature, signature.length / 2));
            }, Check.noDeliveredHeaderMatching("X-Tresor-Signature", "^valid"));
        inbound("smime/signed-by-stranger-as-bob", smime, "From Bob, signed by the stranger's certificate (not Bob's, not trusted)",
            "delivered with X-Tresor-Signature: untrusted or invalid", () -> signedWithSignature("smime/signed-by-stranger-as-bob",
                CorpusCrypto.sign(SIGNED_PART, ids.strangerSmime(), false)),
            Check.noDeliveredHeaderMatching("X-Tresor-Signature", "^valid"));
        inbound("smime/opaque-signed-altered", smime, "Bob's opaque signed-data whose encapsulated text was altered",
            "delivered with X-Tresor-Signature: invalid", () -> {
                byte[] der = CorpusCrypto.sign(innerText("smime/opaque-signed-altered"), ids.bobSmime(), true);
                int at = indexOf(der, "Alice".getBytes(StandardCharsets.US_ASCII));
                der[at] = 'M';
                return pkcs7Mime("smime/opaque-signed-altered", "signed-data", der, BOB_FROM);
            }, Check.noDeliveredHeaderMatching("X-Tresor-Signature", "^valid"));
    }

    // ---------------------------------------------------------------------------------------------------- OpenPGP
    private void openPgp() {
        String pgp = "openpgp";
        inbound("openpgp/encrypted-control", pgp, "an honest PGP/MIME message for Alice (control)", "delivered decrypted",
            () -> pgpMime("openpgp/encrypted-control", armor(CorpusCrypto.pgpEncrypt(innerText("openpgp/encrypted-control"),
                ids.alicePgp().encryptionKey(), true, true))),
            Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^(ok|decrypted)"));
        inbound("openpgp/garbage", pgp, "PGP/MIME whose armored body is random bytes", "delivered with X-Tresor-Decryption: failed",
            () -> pgpMime("openpgp/garbage", armor(CorpusCrypto.random(2048))), Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("openpgp/armor-broken", pgp, "armor with characters outside base64 and a wrong CRC",
            "delivered with X-Tresor-Decryption: failed", () -> pgpMime("openpgp/armor-broken",
                "-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA!!!not*base64@@\r\n=ZZZZ\r\n-----END PGP MESSAGE-----\r\n"),
            Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("openpgp/armor-unterminated", pgp, "armor that never reaches its END line", "delivered with X-Tresor-Decryption: failed",
            () -> {
                String armored = armor(CorpusCrypto.pgpEncrypt(innerText("openpgp/armor-unterminated"), ids.alicePgp().encryptionKey(), true, true));
                return pgpMime("openpgp/armor-unterminated", armored.substring(0, armored.indexOf("-----END")));
            }, Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("openpgp/truncated", pgp, "Alice's message cut in half (armored again, CRC correct)",
            "delivered with X-Tresor-Decryption: failed", () -> {
                byte[] packets = CorpusCrypto.pgpEncrypt(innerText("openpgp/truncated"), ids.alicePgp().encryptionKey(), true, true);
                return pgpMime("openpgp/truncated", armor(Arrays.copyOf(packets, packets.length / 2)));
            }, Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^failed"));
        inbound("openpgp/ciphertext-altered", pgp, "Alice's message with one byte of the encrypted data flipped (MDC must fail)",
            "delivered with X-Tresor-Decryption: failed, the secret text never shown", () -> {
                byte[] packets = CorpusCrypto.pgpEncrypt(innerText("openpgp/ciphertext-altered"), ids.alicePgp().encryptionKey(), true, false);
                packets[packets.length - 30] ^= 0x01;
                return pgpMime("openpgp/ciphertext-altered", armor(packets));
            }, Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^failed"), Check.deliveredNeverContains(SECRET));
        inbound("openpgp/no-mdc", pgp, "Alice's message as a Symmetrically Encrypted Data packet (tag 9, no integrity protection)",
            "delivered with X-Tresor-Decryption: failed, the secret text never shown",
            () -> pgpMime("openpgp/no-mdc", armor(CorpusCrypto.pgpEncrypt(innerText("openpgp/no-mdc"), ids.alicePgp().encryptionKey(), false, false))),
            Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^failed"), Check.deliveredNeverContains(SECRET));
        inbound("openpgp/compression-bomb", pgp, "Alice's message whose compressed packet inflates to 256 MB (maxSize is 100m)",
            "delivered with X-Tresor-Decryption: failed", () -> pgpMime("openpgp/compression-bomb",
                armor(CorpusCrypto.pgpEncryptPackets(CorpusCrypto.compressedZeroLiteral(256L << 20), ids.alicePgp().encryptionKey(), true))),
            Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^failed"));
        inbound("openpgp/nested-compression-5000", pgp, "Alice's message with 5,000 compressed packets nested inside each other",
            "delivered with a decryption verdict; never a crash", () -> pgpMime("openpgp/nested-compression-5000",
                armor(CorpusCrypto.pgpEncryptPackets(CorpusCrypto.nestedCompressedPackets(
                    CorpusCrypto.literal(innerText("openpgp/nested-compression-5000"), false), 5000), ids.alicePgp().encryptionKey(), true))),
            Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("openpgp/for-a-stranger", pgp, "an honest PGP/MIME message for the stranger's key",
            "delivered with X-Tresor-Decryption: failed", () -> pgpMime("openpgp/for-a-stranger",
                armor(CorpusCrypto.pgpEncrypt(innerText("openpgp/for-a-stranger"), ids.strangerPgp().encryptionKey(), true, true))),
            Check.deliveredWithHeaderMatching("X-Tresor-Decryption", "^failed"));
        inbound("openpgp/packet-length-huge", pgp, "a public-key encrypted session key packet claiming a length of 4 GB",
            "delivered with X-Tresor-Decryption: failed", () -> pgpMime("openpgp/packet-length-huge",
                armor(new byte[] {(byte) 0xC1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 3, 1, 2, 3})),
            Check.deliveredWithHeader("X-Tresor-Decryption"));
        inbound("openpgp/inline-garbage", pgp, "text/plain holding a BEGIN PGP MESSAGE block of garbage",
            "delivered with X-Tresor-Decryption: failed, or as it came", () -> mail("openpgp/inline-garbage", "Content-Type: text/plain\n",
                "-----BEGIN PGP MESSAGE-----\n\nowGbwMvMwCR4\n=AAAA\n-----END PGP MESSAGE-----\n"));
        inbound("openpgp/signed-control", pgp, "Bob's honest PGP/MIME signed mail, Bob's key in Alice's tenant (control; defect 1)",
            "delivered with X-Tresor-Pgp-Signature: valid", () -> pgpSignedByBob("openpgp/signed-control", false),
            Check.deliveredWithHeaderMatching("X-Tresor-Pgp-Signature", "^valid"));
        inbound("openpgp/signed-content-altered", pgp, "Bob's PGP/MIME signed mail whose text was changed after signing",
            "delivered with X-Tresor-Pgp-Signature: invalid", () -> pgpSignedByBob("openpgp/signed-content-altered", true),
            Check.noDeliveredHeaderMatching("X-Tresor-Pgp-Signature", "^valid"));
        inbound("openpgp/signature-garbage", pgp, "PGP/MIME signed mail whose signature part is armored random bytes",
            "delivered with X-Tresor-Pgp-Signature: invalid", () -> pgpSigned("openpgp/signature-garbage", SIGNED_PART,
                armor(CorpusCrypto.random(300))), Check.noDeliveredHeaderMatching("X-Tresor-Pgp-Signature", "^valid"));
        inbound("openpgp/signed-by-stranger-as-bob", pgp, "From Bob, signed with the stranger's key",
            "delivered with X-Tresor-Pgp-Signature: unknown-key", () -> pgpSigned("openpgp/signed-by-stranger-as-bob", SIGNED_PART,
                armor(CorpusCrypto.pgpDetachedSignature(SIGNED_PART, ids.strangerPgp()))),
            Check.noDeliveredHeaderMatching("X-Tresor-Pgp-Signature", "^valid"));
    }

    // ---------------------------------------------------------------------------------------------------- sizes
    private void sizes() {
        String size = "size";
        inbound("size/attachment-30mb", size, "one 30 MB attachment (random bytes, 41 MB of base64)", "delivered whole",
            () -> mail("size/attachment-30mb", multipartHeader(), attachment("application/octet-stream", "base64",
                base64(CorpusCrypto.random(30 << 20)))));
        inbound("size/body-line-5mb", size, "a text body that is one 5 MB line", "delivered, or refused at SMTP",
            () -> mail("size/body-line-5mb", "Content-Type: text/plain\n", "w".repeat(5 << 20) + "\n"));
    }

    // ---------------------------------------------------------------------------------------------------- outbound
    private void outbound() {
        String outbound = "outbound";
        submitted("outbound/control", outbound, "Alice's plain mail to Bob, whose certificate and key her tenant holds (control)",
            "relayed to Bob encrypted", List.of(BOB), () -> aliceToBob("outbound/control", "Content-Type: text/plain\n", SECRET + "\n"));
        submitted("outbound/boundary-never-used", outbound, "Alice's multipart whose boundary never appears, to Bob",
            "relayed to Bob encrypted, or quarantined; never in clear text", List.of(BOB), () -> aliceToBob("outbound/boundary-never-used",
                "Content-Type: multipart/mixed; boundary=\"never\"\n", SECRET + "\n"));
        submitted("outbound/boundary-not-closed", outbound, "Alice's multipart without its closing delimiter, to Bob",
            "relayed to Bob encrypted, or quarantined; never in clear text", List.of(BOB), () -> aliceToBob("outbound/boundary-not-closed",
                "Content-Type: multipart/mixed; boundary=\"b\"\n", "--b\nContent-Type: text/plain\n\n" + SECRET + "\n"));
        submitted("outbound/nesting-2000-multipart", outbound, "Alice's 2,000-deep nested multipart to Bob",
            "relayed to Bob encrypted, or quarantined; never in clear text, never a spooler crash", List.of(BOB),
            () -> aliceToBob("outbound/nesting-2000-multipart", "Content-Type: multipart/mixed; boundary=\"n0\"\n",
                nestedMultiparts(2000).replace("the bottom", SECRET)));
        submitted("outbound/eight-bit-headers", outbound, "Alice's mail with raw UTF-8 in Subject, to Bob",
            "relayed to Bob encrypted", List.of(BOB), () -> crlf("From: " + ALICE + "\nTo: " + BOB
                + "\nSubject: Grüße — 日本語\nX-Corpus-Id: outbound/eight-bit-headers\nDate: " + DATE + "\n\n" + SECRET + "\n", StandardCharsets.UTF_8));
        submitted("outbound/nul-bytes", outbound, "Alice's text with NUL bytes, to Bob", "relayed to Bob encrypted", List.of(BOB),
            () -> aliceToBob("outbound/nul-bytes", "Content-Type: text/plain\n", "a\u0000b " + SECRET + "\u0000\n"));
        submitted("outbound/bare-lf", outbound, "Alice's mail with LF line ends only, to Bob", "relayed to Bob encrypted", List.of(BOB),
            () -> new String(aliceToBob("outbound/bare-lf", "Content-Type: text/plain\n", SECRET + "\nline two\n"), StandardCharsets.ISO_8859_1)
                .replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1));
        submitted("outbound/forged-protection-header", outbound, "Alice's plain mail claiming X-Tresor-Protection: smime",
            "relayed to Bob encrypted (a header never stands for protection)", List.of(BOB), () -> aliceToBob("outbound/forged-protection-header",
                "X-Tresor-Protection: smime; " + Check.FORGED + "\nContent-Type: text/plain\n", SECRET + "\n"));
        submitted("outbound/charset-unknown", outbound, "Alice's text in charset x-corpus-no-such-charset, to Bob",
            "relayed to Bob encrypted, or quarantined", List.of(BOB), () -> aliceToBob("outbound/charset-unknown",
                "Content-Type: text/plain; charset=x-corpus-no-such-charset\n", SECRET + "\n"));
        submitted("outbound/base64-truncated", outbound, "Alice's mail with a truncated base64 attachment, to Bob",
            "relayed to Bob encrypted, or quarantined", List.of(BOB), () -> aliceToBob("outbound/base64-truncated", multipartHeader(),
                "--b\nContent-Type: text/plain\n\n" + SECRET + "\n" + attachment("application/octet-stream", "base64",
                    base64(CorpusCrypto.random(3000)).substring(0, 2001))));
        List<String> thousand = new ArrayList<>();
        thousand.add(BOB);
        for (int i = 1; i < 1000; i++) {
            thousand.add(String.format("r%04d@partner.example", i));
        }
        submitted("outbound/recipients-1000", outbound, "Alice's mail to Bob and 999 partners without keys (1,000 RCPT TO)",
            "Bob's copy encrypted, the 999 others relayed", thousand, () -> aliceToBob("outbound/recipients-1000",
                "Content-Type: text/plain\n", "to a thousand\n"), Check.neverInClearTextTo(BOB, "to a thousand"));
    }

    // ---------------------------------------------------------------------------------------------------- builders
    private static final String PARTNER_FROM = "Partner <partner@partner.example>";
    private static final String BOB_FROM = "Bob <" + BOB + ">";
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SIGNED_PART = crlf("Content-Type: text/plain; charset=us-ascii\n\nSigned text for Alice.\n");

    private void inbound(String name, String category, String what, String expected, Supplier<byte[]> content, Check... checks) {
        messages.add(new CorpusMessage(name, category, what, expected, Route.INBOUND, List.of(ALICE), content, List.of(checks)));
    }

    private void submitted(String name, String category, String what, String expected, List<String> recipients,
                           Supplier<byte[]> content, Check... checks) {
        List<Check> all = new ArrayList<>(List.of(checks));
        if (all.isEmpty()) {
            all.add(Check.neverInClearTextTo(BOB, SECRET));
        }
        messages.add(new CorpusMessage(name, category, what, expected, Route.SUBMISSION, recipients, content, all));
    }

    private static String headers(String name, String from) {
        return "From: " + from + "\nTo: Alice <" + ALICE + ">\nSubject: corpus " + name + "\nDate: " + DATE
            + "\nMessage-ID: <" + name.replace('/', '.') + "@corpus.test>\nX-Corpus-Id: " + name + "\n";
    }

    /** A mail from outside: the standard fields, MIME-Version, the given fields (LF-separated), an empty line, the body. */
    private static byte[] mail(String name, String fields, String body) {
        return mail(name, fields, body, PARTNER_FROM);
    }

    private static byte[] mail(String name, String fields, String body, String from) {
        return crlf(headers(name, from) + "MIME-Version: 1.0\n" + fields + "\n" + body);
    }

    private static byte[] mailBytes(String name, String fields) {
        return mail(name, fields, "");
    }

    private static byte[] aliceToBob(String name, String fields, String body) {
        return crlf("From: Alice <" + ALICE + ">\nTo: Bob <" + BOB + ">\nSubject: corpus " + name + "\nDate: " + DATE
            + "\nMessage-ID: <" + name.replace('/', '.') + "@acme.example>\nX-Corpus-Id: " + name + "\nMIME-Version: 1.0\n"
            + fields + "\n" + body);
    }

    private static String multipartHeader() {
        return "Content-Type: multipart/mixed; boundary=\"b\"\n";
    }

    private static String attachment(String type, String encoding, String content) {
        return "--b\nContent-Type: " + type + "; name=\"data.bin\"\nContent-Transfer-Encoding: " + encoding
            + "\nContent-Disposition: attachment; filename=\"data.bin\"\n\n" + content.replace("\r\n", "\n") + "\n--b--\n";
    }

    private static String nestedMultiparts(int depth) {
        StringBuilder body = new StringBuilder();
        for (int i = 1; i < depth; i++) {
            body.append("--n").append(i - 1).append("\nContent-Type: multipart/mixed; boundary=\"n").append(i).append("\"\n\n");
        }
        body.append("--n").append(depth - 1).append("\nContent-Type: text/plain\n\nthe bottom\n");
        for (int i = depth - 1; i >= 0; i--) {
            body.append("--n").append(i).append("--\n");
        }
        return body.toString();
    }

    /** The MIME entity the corpus encrypts and signs: it names Alice and carries the secret text. */
    private static byte[] innerText(String name) {
        return crlf("Content-Type: text/plain; charset=us-ascii\n\nFor Alice only (" + name + "): " + SECRET + "\n");
    }

    private byte[] envelopeForAlice(String name) {
        return CorpusCrypto.envelope(innerText(name), ids.aliceSmime().certificate());
    }

    private static byte[] pkcs7Mime(String name, String smimeType, byte[] der) {
        return pkcs7Mime(name, smimeType, der, PARTNER_FROM);
    }

    private static byte[] pkcs7Mime(String name, String smimeType, byte[] der, String from) {
        String type = "application/pkcs7-mime;" + (smimeType == null ? "" : " smime-type=" + smimeType + ";") + " name=\"smime.p7m\"";
        return concat(crlf(headers(name, from) + "MIME-Version: 1.0\nContent-Type: " + type
            + "\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"smime.p7m\"\n\n"),
            base64(der).getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] signedByBob(String name, String extraFields, boolean alterAfterSigning) {
        byte[] signature = CorpusCrypto.sign(SIGNED_PART, ids.bobSmime(), false);
        byte[] part = alterAfterSigning
            ? crlf("Content-Type: text/plain; charset=us-ascii\n\nSigned text for Mallory.\n") : SIGNED_PART;
        return signed(name, extraFields, part, signature);
    }

    private static byte[] signedWithSignature(String name, byte[] signature) {
        return signed(name, "", SIGNED_PART, signature);
    }

    private static byte[] signed(String name, String extraFields, byte[] part, byte[] signature) {
        return concat(crlf(headers(name, BOB_FROM) + extraFields + "MIME-Version: 1.0\nContent-Type: multipart/signed; "
                + "protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"sig\"\n\n--sig\n"), part,
            crlf("\n--sig\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\nContent-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=\"smime.p7s\"\n\n"),
            base64(signature).getBytes(StandardCharsets.US_ASCII), crlf("\n--sig--\n"));
    }

    private static byte[] pgpMime(String name, String armored) {
        return concat(crlf(headers(name, PARTNER_FROM) + "MIME-Version: 1.0\nContent-Type: multipart/encrypted; "
                + "protocol=\"application/pgp-encrypted\"; boundary=\"pgp\"\n\n--pgp\nContent-Type: application/pgp-encrypted\n\n"
                + "Version: 1\n\n--pgp\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n\n"),
            armored.getBytes(StandardCharsets.US_ASCII), crlf("\n--pgp--\n"));
    }

    private byte[] pgpSignedByBob(String name, boolean alterAfterSigning) {
        String signature = armor(CorpusCrypto.pgpDetachedSignature(SIGNED_PART, ids.bobPgp()));
        byte[] part = alterAfterSigning
            ? crlf("Content-Type: text/plain; charset=us-ascii\n\nSigned text for Mallory.\n") : SIGNED_PART;
        return pgpSigned(name, part, signature);
    }

    private static byte[] pgpSigned(String name, byte[] part, String armoredSignature) {
        return concat(crlf(headers(name, BOB_FROM) + "MIME-Version: 1.0\nContent-Type: multipart/signed; micalg=pgp-sha256; "
                + "protocol=\"application/pgp-signature\"; boundary=\"pgpsig\"\n\n--pgpsig\n"), part,
            crlf("\n--pgpsig\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n\n"),
            armoredSignature.getBytes(StandardCharsets.US_ASCII), crlf("\n--pgpsig--\n"));
    }

    static byte[] crlf(String text) {
        return crlf(text, StandardCharsets.ISO_8859_1);
    }

    static byte[] crlf(String text, java.nio.charset.Charset charset) {
        return text.replace("\n", "\r\n").getBytes(charset);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
