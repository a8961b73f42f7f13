package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.FRANK;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.internet.MimeMessage;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.OpenSslIdentities;
import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;
import dev.tresor.keys.io.ExternalTool;
import dev.tresor.keys.io.GnuPg;
import dev.tresor.pdf.PdfTools;
import io.restassured.path.json.JsonPath;

/**
 * The issue's property through the shipped server and its sample chain ({@code conf/mailetcontainer.xml} as shipped):
 * random policies, keys and recipients; for every recipient whose policy is mandatory (set, inherited, or escalated by
 * the {@code [secure]} subject tag), what reaches the sink is protected, or nothing is.
 *
 * <p>One server. A seeded {@link Random} (the seed is in every assertion message; {@code -Dpolicy.seed=N} replays a
 * run) gives each of {@link #PARTNERS} (four partner domains, one of them under a wildcard scope) any combination of
 * S/MIME certificate, OpenPGP key and PDF password, all made with openssl and gpg and imported over WebAdmin as an admin
 * would; and random policies over WebAdmin: tenant default, partner domain (with or without a partner gateway
 * certificate), {@code *.delta.example}, partner address; each with an encryption
 * ({@code mandatory-all|mandatory|opportunistic|never} or unset) and a preference order (or unset). The test's own
 * model of the inheritance is checked against {@code GET .../policies/effective} first. Then {@link #MAILS} mails from
 * Alice (who signs) or Frank (who cannot), each to one to three partners, some tagged {@code [secure]}, and every
 * (mail, recipient) pair is awaited at the sink (per SMTP transaction's envelope) or in the tenant quarantine.
 *
 * <p>The property, per pair: it ends exactly once (sink or quarantine, never lost, never twice); if its policy is
 * mandatory, or the mail has a mandatory-all recipient, what reached the sink for it is S/MIME enveloped, PGP/MIME
 * encrypted or a locked PDF, never holds the body's clear text, and the recipient's own key (or the gateway's,
 * or the PDF password) opens it; a mail with a mandatory-all recipient reaches everyone protected or nobody; a
 * {@code never} recipient of an untagged mail gets clear text; no Subject at the sink carries the tag. Besides the
 * property, the outcome (which protection, or held) must be the one the model predicts from ApplyPolicy's rules.
 */
class PolicyPropertyShippedTest {
    private static final String TENANT = "/tresor/tenants/acme";
    private static final String TAG = "[secure]";
    private static final int MAILS = 12;
    private static final String[] ENCRYPTIONS = {"mandatory-all", "mandatory", "opportunistic", "never", null};
    private static final List<String> MECHANISMS = List.of("smime", "pgp", "pdf");
    private static final String DELTA = "branch.delta.example";
    private static final String DELTA_WILDCARD = "*.delta.example";
    private static final List<String> DOMAINS = List.of("alpha.example", "beta.example", "gamma.example", DELTA);
    private static final List<String> PARTNERS = List.of("ana@alpha.example", "art@alpha.example",
        "ben@beta.example", "bea@beta.example", "gus@gamma.example", "gil@gamma.example",
        "dan@" + DELTA, "dora@" + DELTA);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    @TempDir
    static Path directory;

    private static SampleTenant acme;
    private static GnuPg partnersGpg;
    private static OpenSslIdentities partnersOpenssl;

    @BeforeAll
    static void setUpTenant() throws Exception {
        acme = SampleTenant.createIn(server, directory);
        partnersGpg = new GnuPg(Files.createTempDirectory("tresor-property-gnupg"));
        partnersOpenssl = new OpenSslIdentities(Files.createDirectories(directory.resolve("partners")));
    }

    @AfterAll
    static void stopAgents() {
        if (acme != null) {
            acme.close();
        }
        if (partnersGpg != null) {
            partnersGpg.close();
        }
    }

    @Test
    void aMandatoryRecipientShouldReceiveProtectedMailOrNothing() throws Exception {
        long seed = Long.getLong("policy.seed", System.nanoTime());
        Random random = new Random(seed);
        String run = "seed " + seed + " (-Dpolicy.seed=" + seed + ")";
        System.out.println("PolicyPropertyShippedTest " + run);

        Model model = new Model();
        giveKeys(random, model);
        setPolicies(random, model);
        System.out.println("PolicyPropertyShippedTest " + run + "\n" + model);
        for (String partner : PARTNERS) {
            checkEffectivePolicy(run, model, partner);
        }

        List<Sent> mails = new ArrayList<>();
        for (int number = 0; number < MAILS; number++) {
            mails.add(send(random, model, number));
        }

        awaitEveryPairAccountedFor(run, mails);
        // a pair counted once might still be delivered a second time: give the chain a moment to show that
        Thread.sleep(2000);
        List<SmtpSink.ReceivedMail> sink = server.sink().received();
        List<Map<String, Object>> quarantine = quarantine();
        assertThat(server.sink().received()).as(run + ": nothing at the sink carries the subject tag")
            .noneMatch(mail -> mail.subject().toLowerCase(Locale.ROOT).contains(TAG));
        int[] outcomes = new int[3];
        for (Sent mail : mails) {
            checkMail(run, model, mail, sink, quarantine, outcomes);
        }
        assertThat(stuck(mails)).as(run + ": no mail of the run in James's error repositories").isEmpty();
        System.out.println("PolicyPropertyShippedTest " + run + ": " + outcomes[0] + " pairs protected, " + outcomes[1]
            + " clear, " + outcomes[2] + " held");
    }

    // --- setting up: keys and policies, over WebAdmin --------------------------------------------------------------

    private static void giveKeys(Random random, Model model) throws Exception {
        for (String partner : PARTNERS) {
            String name = localPart(partner);
            if (random.nextInt(100) < 45) {
                partnersOpenssl.selfSigned(name, "/CN=" + name + "/O=Partner", partner);
                importCertificate(name);
                model.certificates.add(partner);
            }
            if (random.nextInt(100) < 45) {
                String fingerprint = partnersGpg.generateKey(name + " <" + partner + ">", "ed25519", "sign,cert", "never");
                partnersGpg.addSubkey(fingerprint, "cv25519", "encr");
                server.webAdmin().contentType("application/pgp-keys").body(partnersGpg.exportPublic(fingerprint))
                    .post(TENANT + "/pgp-keys").then().statusCode(201);
                List<String> fingerprints = partnersGpg.fingerprints(fingerprint);
                // gpg's status lines name the encryption subkey by its long key id: the last 16 hex digits
                String subkey = fingerprints.get(fingerprints.size() - 1);
                model.pgpKeyIds.put(partner, subkey.substring(subkey.length() - 16).toUpperCase(Locale.ROOT));
            }
            if (random.nextInt(100) < 45) {
                String password = "agreed with " + name + " " + random.nextInt(1000);
                server.webAdmin().body("{\"password\":\"" + password + "\"}")
                    .put(TENANT + "/pdf-passwords/" + partner).then().statusCode(204);
                model.pdfPasswords.put(partner, password);
            }
        }
    }

    private static void setPolicies(Random random, Model model) throws Exception {
        if (random.nextInt(3) == 0) {
            model.put("default", randomSettings(random, null));
        }
        for (String domain : DOMAINS) {
            String gateway = null;
            if (random.nextInt(4) == 0) {
                // a partner gateway certificate: S/MIME for every address of the domain without a certificate of its own
                String name = "gateway-" + domain.substring(0, domain.indexOf('.'));
                partnersOpenssl.selfSigned(name, "/CN=Gateway/O=" + domain, "gateway@" + domain);
                gateway = importCertificate(name);
                model.gatewayNames.put(gateway, name);
            }
            if (domain.equals(DELTA)) {
                int choice = random.nextInt(3);
                if (choice != 0) {
                    model.put(DELTA_WILDCARD, randomSettings(random, random.nextBoolean() ? gateway : null));
                }
                if (choice != 1) {
                    model.put(DELTA, randomSettings(random, gateway));
                }
            } else if (random.nextInt(5) != 0) {
                model.put(domain, randomSettings(random, gateway));
            }
        }
        for (String partner : PARTNERS) {
            if (random.nextInt(3) == 0) {
                model.put(partner, randomSettings(random, null));
            }
        }
        for (Map.Entry<String, Settings> scope : model.scopes.entrySet()) {
            String path = scope.getKey().equals("default") ? TENANT + "/policies/default"
                : TENANT + "/policies/partners/" + scope.getKey();
            HttpResponse<String> response = curl("PUT", path, scope.getValue().json());
            assertThat(response.statusCode()).as("PUT " + path + " " + scope.getValue().json() + ": " + response.body())
                .isEqualTo(204);
        }
    }

    /** Encryption, preference order and gateway certificate, each possibly unset; never all unset. */
    private static Settings randomSettings(Random random, String gateway) {
        Settings settings = new Settings();
        settings.encryption = ENCRYPTIONS[random.nextInt(ENCRYPTIONS.length)];
        if (random.nextBoolean()) {
            List<String> order = new ArrayList<>(MECHANISMS);
            Collections.shuffle(order, random);
            settings.mechanisms = List.copyOf(order.subList(0, 1 + random.nextInt(order.size())));
        }
        settings.gateway = gateway;
        if (settings.encryption == null && settings.mechanisms == null && settings.gateway == null) {
            settings.encryption = "mandatory";
        }
        return settings;
    }

    /** Imports name-cert.pem as the README does; returns its SHA-256 fingerprint as policies name it. */
    private static String importCertificate(String name) throws Exception {
        byte[] pem = Files.readAllBytes(partnersOpenssl.certificate(name));
        server.webAdmin().contentType("application/x-pem-file").body(pem)
            .post(TENANT + "/certificates").then().statusCode(201);
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem));
        StringBuilder hex = new StringBuilder();
        for (byte octet : MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())) {
            hex.append(String.format("%02x", octet & 0xff));
        }
        return hex.toString();
    }

    /** The server's own answer of what applies must be what the model works out from the scopes set. */
    private static void checkEffectivePolicy(String run, Model model, String partner) {
        Effective expected = model.effective(partner);
        for (String sender : List.of(ALICE, FRANK)) {
            JsonPath effective = server.webAdmin().queryParam("sender", sender).queryParam("recipient", partner)
                .get(TENANT + "/policies/effective").then().statusCode(200).extract().jsonPath();
            String context = run + ": effective policy for " + sender + " -> " + partner + ", model " + expected;
            assertThat(effective.getString("outbound.encryption")).as(context).isEqualTo(expected.encryption);
            assertThat(effective.getList("outbound.mechanisms", String.class)).as(context).isEqualTo(expected.mechanisms);
            assertThat(effective.getString("outbound.decidedBy")).as(context).isEqualTo(expected.decidedBy);
            assertThat(effective.getString("outbound.gatewayCertificate")).as(context).isEqualTo(expected.gateway);
        }
    }

    // --- sending ---------------------------------------------------------------------------------------------------

    private static Sent send(Random random, Model model, int number) throws Exception {
        List<String> pool = new ArrayList<>(PARTNERS);
        Collections.shuffle(pool, random);
        Sent mail = new Sent();
        mail.number = number;
        mail.sender = random.nextBoolean() ? ALICE : FRANK;
        mail.recipients = List.copyOf(pool.subList(0, 1 + random.nextInt(3)));
        mail.tagged = random.nextInt(3) == 0;
        mail.token = "property-" + number + "-" + UUID.randomUUID().toString().substring(0, 8);
        mail.marker = "clear-text-" + UUID.randomUUID().toString().substring(0, 12);
        String subject = mail.tagged
            ? (random.nextBoolean() ? TAG + " " + mail.token : "Figures " + TAG + " " + mail.token)
            : mail.token;
        mail.expected = model.outcome(mail);
        byte[] message = ("From: " + mail.sender + "\r\nTo: " + String.join(", ", mail.recipients) + "\r\nSubject: "
            + subject + "\r\nMessage-ID: <" + mail.token + "@acme.example>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\nThe figures: " + mail.marker + "\r\n").getBytes(US_ASCII);
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, mail.sender, PASSWORD, mail.recipients, message);
        return mail;
    }

    private static void awaitEveryPairAccountedFor(String run, List<Sent> mails) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(700))
                .until(() -> missing(mails, server.sink().received(), quarantine()).isEmpty());
        } catch (ConditionTimeoutException e) {
            List<String> missing = missing(mails, server.sink().received(), quarantine());
            throw new AssertionError(run + ": neither at the sink nor in the quarantine after 90 s: " + missing
                + "; in James's repositories: " + stuck(mails) + server.logTail(), e);
        }
    }

    /** The mails of the run that James put in one of its error repositories instead, with why. */
    private static List<String> stuck(List<Sent> mails) {
        List<String> stuck = new ArrayList<>();
        for (String repository : ShippedServer.STUCK_REPOSITORIES) {
            for (String key : server.mailRepositoryKeys(repository)) {
                String stored = new String(server.mailRepositoryMessage(repository, key), UTF_8);
                if (mails.stream().anyMatch(mail -> stored.contains(mail.token))) {
                    stuck.add(repository + ": " + server.mailRepositoryMail(repository, key));
                }
            }
        }
        return stuck;
    }

    /** "token recipient" of every pair found neither at the sink nor in the quarantine. */
    private static List<String> missing(List<Sent> mails, List<SmtpSink.ReceivedMail> sink,
                                        List<Map<String, Object>> quarantine) {
        List<String> missing = new ArrayList<>();
        for (Sent mail : mails) {
            for (String recipient : mail.recipients) {
                if (delivered(mail, recipient, sink).isEmpty() && held(mail, recipient, quarantine).isEmpty()) {
                    missing.add(mail.token + " " + recipient);
                }
            }
        }
        return missing;
    }

    private static List<SmtpSink.ReceivedMail> delivered(Sent mail, String recipient, List<SmtpSink.ReceivedMail> sink) {
        return sink.stream()
            .filter(received -> received.envelopeRecipients().stream().anyMatch(recipient::equalsIgnoreCase))
            .filter(received -> received.subject().contains(mail.token))
            .collect(Collectors.toList());
    }

    private static List<Map<String, Object>> held(Sent mail, String recipient, List<Map<String, Object>> quarantine) {
        return quarantine.stream()
            .filter(entry -> String.valueOf(entry.get("subject")).contains(mail.token))
            .filter(entry -> ((List<?>) entry.get("recipients")).stream().anyMatch(held -> recipient.equalsIgnoreCase(String.valueOf(held))))
            .collect(Collectors.toList());
    }

    private static List<Map<String, Object>> quarantine() {
        return server.webAdmin().get(TENANT + "/quarantine").then().statusCode(200).extract().jsonPath().getList(".");
    }

    // --- the property ----------------------------------------------------------------------------------------------

    private static void checkMail(String run, Model model, Sent mail, List<SmtpSink.ReceivedMail> sink,
                                  List<Map<String, Object>> quarantine, int[] outcomes) throws Exception {
        String context = run + ", " + mail;
        boolean allOrNothing = mail.recipients.stream()
            .anyMatch(recipient -> model.policyFor(mail, recipient).encryption.equals("mandatory-all"));
        Set<String> deliveredTo = new LinkedHashSet<>();
        for (String recipient : mail.recipients) {
            Effective policy = model.policyFor(mail, recipient);
            String pair = context + ", recipient " + recipient + " (" + policy + ")";
            List<SmtpSink.ReceivedMail> delivered = delivered(mail, recipient, sink);
            List<Map<String, Object>> held = held(mail, recipient, quarantine);
            assertThat(delivered.size() + held.size()).as(pair + ": ends exactly once, sink " + describe(delivered)
                + ", quarantine " + held).isEqualTo(1);
            boolean mandatory = policy.encryption.startsWith("mandatory");
            for (SmtpSink.ReceivedMail received : delivered) {
                deliveredTo.add(recipient);
                String protection = protectionOf(received);
                String what = pair + " got " + protection + ": " + new String(received.data(), ISO_8859_1);
                if (mandatory || allOrNothing) {
                    assertThat(protection).as(what).isIn("smime", "pgp", "pdf");
                    assertThat(new String(received.data(), ISO_8859_1)).as(what).doesNotContain(mail.marker);
                    assertThat(decodedText(received.message())).as(what).doesNotContain(mail.marker);
                }
                if (policy.encryption.equals("never") && !allOrNothing) {
                    assertThat(protection).as(what).isEqualTo("none");
                    assertThat(decodedText(received.message())).as(what).contains(mail.marker);
                }
                if (!protection.equals("none")) {
                    assertThat(opens(model, received, recipient, protection)).as(what + "\n: opened by " + recipient)
                        .contains(mail.marker);
                    outcomes[0]++;
                } else {
                    outcomes[1]++;
                }
                assertThat(protection).as(pair + ": the protection the model predicts").isEqualTo(mail.expected.get(recipient));
            }
            if (!held.isEmpty()) {
                outcomes[2]++;
                assertThat("held").as(pair + ": the outcome the model predicts, held with " + held)
                    .isEqualTo(mail.expected.get(recipient));
            }
        }
        if (allOrNothing) {
            assertThat(deliveredTo.isEmpty() || deliveredTo.size() == mail.recipients.size())
                .as(context + ": mandatory-all, so everyone or nobody, but the sink has it for " + deliveredTo).isTrue();
        }
    }

    /** smime, pgp, pdf or none: what the sink received, recognised as PolicyChainShippedTest does. */
    private static String protectionOf(SmtpSink.ReceivedMail received) throws MessagingException {
        MimeMessage message = received.message();
        String type = message.getContentType().toLowerCase(Locale.ROOT);
        String[] marked = message.getHeader("X-Tresor-Protection");
        if (marked != null && List.of(marked).contains("pdf")) {
            return "pdf";
        }
        if (type.startsWith("application/pkcs7-mime") || type.startsWith("application/x-pkcs7-mime")) {
            return type.contains("enveloped-data") ? "smime" : "smime-not-enveloped: " + type;
        }
        if (type.startsWith("multipart/encrypted")) {
            return type.contains("application/pgp-encrypted") ? "pgp" : "encrypted-unknown: " + type;
        }
        return "none";
    }

    /** What the recipient reads after opening the protection with its key, or the PDF password. */
    private static String opens(Model model, SmtpSink.ReceivedMail received, String recipient, String protection)
        throws Exception {
        Path partners = partnersOpenssl.directory();
        String name = "received-" + UUID.randomUUID();
        switch (protection) {
            case "smime": {
                // the recipient's own certificate if it has one, else its domain's gateway (domain encryption)
                String key = model.certificates.contains(recipient) ? localPart(recipient)
                    : model.gatewayNames.get(model.effective(recipient).gateway);
                Files.write(partners.resolve(name + ".eml"), received.data());
                partnersOpenssl.run("cms", "-decrypt", "-recip", key + "-cert.pem", "-inkey", key + "-key.pem",
                    "-in", name + ".eml", "-out", name + ".txt");
                return decodedText(new MimeMessage(null,
                    new ByteArrayInputStream(Files.readAllBytes(partners.resolve(name + ".txt")))));
            }
            case "pgp": {
                Multipart parts = (Multipart) received.message().getContent();
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                try (InputStream in = parts.getBodyPart(1).getInputStream()) {
                    in.transferTo(content);
                }
                Path armored = Files.write(partners.resolve(name + ".asc"), content.toByteArray());
                Path status = partners.resolve(name + "-status.txt");
                byte[] decrypted = ExternalTool.run(partners, "gpg", "--homedir", partnersGpg.home().toString(), "--batch",
                    "--yes", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", GnuPg.PASSPHRASE,
                    "--status-file", status.toString(), "--output", "-", "--decrypt", armored.toString());
                assertThat(Files.readString(status)).as("encrypted to the key of " + recipient)
                    .contains("DECRYPTION_OKAY").contains("ENC_TO " + model.pgpKeyIds.get(recipient));
                return decodedText(new MimeMessage(null, new ByteArrayInputStream(decrypted)));
            }
            case "pdf": {
                Path pdf = Files.write(partners.resolve(name + ".pdf"), pdfOf(received.message()));
                assertThat(PdfTools.run(partners, "pdftotext", pdf.toString(), "-").exitCode)
                    .as("a PDF that needs the password").isNotZero();
                return PdfTools.succeed(partners, "pdftotext", "-upw", model.pdfPasswords.get(recipient), pdf.toString(), "-");
            }
            default:
                throw new AssertionError("not a protection: " + protection);
        }
    }

    private static byte[] pdfOf(Part part) throws Exception {
        if (part.isMimeType("application/pdf")) {
            ByteArrayOutputStream pdf = new ByteArrayOutputStream();
            try (InputStream in = part.getInputStream()) {
                in.transferTo(pdf); // javax.mail's base64 stream can end early for readAllBytes
            }
            return pdf.toByteArray();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart parts = (Multipart) part.getContent();
            for (int index = 0; index < parts.getCount(); index++) {
                try {
                    return pdfOf(parts.getBodyPart(index));
                } catch (IllegalStateException e) {
                    // not in this part
                }
            }
        }
        throw new IllegalStateException("no application/pdf part");
    }

    /** The decoded text of every text part (not of encrypted or binary ones), so that no transfer encoding hides it. */
    private static String decodedText(Part part) throws MessagingException, IOException {
        if (part.isMimeType("text/*")) {
            Object content = part.getContent();
            return content instanceof String ? (String) content : new String(part.getInputStream().readAllBytes(), UTF_8);
        }
        if (part.isMimeType("multipart/*")) {
            Multipart parts = (Multipart) part.getContent();
            StringBuilder text = new StringBuilder();
            for (int index = 0; index < parts.getCount(); index++) {
                BodyPart body = parts.getBodyPart(index);
                text.append(decodedText(body)).append('\n');
            }
            return text.toString();
        }
        if (part.isMimeType("message/rfc822")) {
            return decodedText((Part) part.getContent());
        }
        return "";
    }

    private static String describe(List<SmtpSink.ReceivedMail> delivered) {
        return delivered.stream().map(mail -> mail.envelopeRecipients() + " " + mail.subject())
            .collect(Collectors.toList()).toString();
    }

    private static String localPart(String address) {
        return address.substring(0, address.indexOf('@'));
    }

    private static String domainOf(String address) {
        return address.substring(address.indexOf('@') + 1);
    }

    /** As curl sends it (PolicyShippedTest): the path as written, '*' and '@' unencoded. */
    private static HttpResponse<String> curl(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port(ShippedServer.WEBADMIN) + path))
            .header("Authorization", "Bearer " + server.adminToken())
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- the model -------------------------------------------------------------------------------------------------

    /** What one scope sets; null where it sets nothing. */
    private static final class Settings {
        String encryption;
        List<String> mechanisms;
        String gateway;

        String json() {
            List<String> fields = new ArrayList<>();
            if (encryption != null) {
                fields.add("\"encryption\":\"" + encryption + "\"");
            }
            if (mechanisms != null) {
                fields.add("\"mechanisms\":\"" + String.join(",", mechanisms) + "\"");
            }
            if (gateway != null) {
                fields.add("\"gatewayCertificate\":\"" + gateway + "\"");
            }
            return "{" + String.join(",", fields) + "}";
        }

        @Override
        public String toString() {
            return json();
        }
    }

    /** The outbound policy that applies to one recipient, every field resolved. */
    private static final class Effective {
        String encryption;
        List<String> mechanisms;
        String decidedBy;
        String gateway;

        @Override
        public String toString() {
            return encryption + " " + String.join(",", mechanisms) + " by " + decidedBy
                + (gateway == null ? "" : " gateway " + gateway.substring(0, 8));
        }
    }

    /** One mail as sent, and the outcome per recipient the model predicts. */
    private static final class Sent {
        int number;
        String sender;
        List<String> recipients;
        boolean tagged;
        String token;
        String marker;
        Map<String, String> expected;

        @Override
        public String toString() {
            return "mail " + number + " (" + token + ") from " + sender + " to " + recipients
                + (tagged ? " tagged " + TAG : "") + ", model " + expected;
        }
    }

    /** The keys and scopes the test set, and ApplyPolicy's rules over them, worked out independently of the server. */
    private static final class Model {
        final Map<String, Settings> scopes = new LinkedHashMap<>();
        final Set<String> certificates = new LinkedHashSet<>();
        final Map<String, String> pgpKeyIds = new LinkedHashMap<>();
        final Map<String, String> pdfPasswords = new LinkedHashMap<>();
        /** Gateway certificate fingerprint → its openssl name. */
        final Map<String, String> gatewayNames = new LinkedHashMap<>();

        void put(String scope, Settings settings) {
            scopes.put(scope, settings);
        }

        /** Each field from the most specific scope setting it: address, exact domain, wildcard, tenant default. */
        Effective effective(String recipient) {
            List<String> chain = new ArrayList<>();
            chain.add(recipient);
            chain.add(domainOf(recipient));
            if (domainOf(recipient).endsWith(DELTA_WILDCARD.substring(1))) {
                chain.add(DELTA_WILDCARD);
            }
            chain.add("default");
            Effective effective = new Effective();
            effective.encryption = "opportunistic";
            effective.mechanisms = MECHANISMS;
            effective.decidedBy = "default";
            for (String scope : chain) {
                Settings settings = scopes.get(scope);
                if (settings != null && settings.encryption != null) {
                    effective.encryption = settings.encryption;
                    effective.decidedBy = scope.equals("default") ? "default" : "partner:" + scope;
                    break;
                }
            }
            for (String scope : chain) {
                Settings settings = scopes.get(scope);
                if (settings != null && settings.mechanisms != null) {
                    effective.mechanisms = settings.mechanisms;
                    break;
                }
            }
            for (String scope : chain) {
                Settings settings = scopes.get(scope);
                if (settings != null && settings.gateway != null) {
                    effective.gateway = settings.gateway;
                    break;
                }
            }
            return effective;
        }

        /** The policy for this recipient of this mail: the tag makes never and opportunistic mandatory. */
        Effective policyFor(Sent mail, String recipient) {
            Effective effective = effective(recipient);
            if (mail.tagged && !effective.encryption.startsWith("mandatory")) {
                effective.encryption = "mandatory";
            }
            return effective;
        }

        /** recipient → smime|pgp|pdf|none|held, by ApplyPolicy's rules as its Javadoc states them. */
        Map<String, String> outcome(Sent mail) {
            Map<String, String> outcome = new LinkedHashMap<>();
            boolean allOrNothing = false;
            for (String recipient : mail.recipients) {
                Effective policy = policyFor(mail, recipient);
                allOrNothing |= policy.encryption.equals("mandatory-all");
                outcome.put(recipient, protection(policy, recipient));
            }
            if (allOrNothing && (outcome.containsValue("none") || outcome.containsValue("held"))) {
                outcome.replaceAll((recipient, protection) -> "held");
            }
            return outcome;
        }

        private String protection(Effective policy, String recipient) {
            if (policy.encryption.equals("never")) {
                return "none";
            }
            for (String mechanism : policy.mechanisms) {
                if (mechanism.equals("smime") && (certificates.contains(recipient) || policy.gateway != null)
                    || mechanism.equals("pgp") && pgpKeyIds.containsKey(recipient)
                    || mechanism.equals("pdf") && pdfPasswords.containsKey(recipient)) {
                    return mechanism;
                }
            }
            return policy.encryption.startsWith("mandatory") ? "held" : "none";
        }

        @Override
        public String toString() {
            return "  scopes " + scopes + "\n  certificates " + certificates + "\n  OpenPGP keys " + pgpKeyIds.keySet()
                + "\n  PDF passwords " + pdfPasswords.keySet() + "\n  gateways " + gatewayNames.values();
        }
    }
}
