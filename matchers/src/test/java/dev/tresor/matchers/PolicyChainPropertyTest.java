package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.mailets.TestVaults;
import dev.tresor.pgp.PgpFixtures;

/**
 * The issue's property, in process over the sample chain's outgoing processors ({@link PolicyChain}) with real keys
 * and real crypto: random partner policies (encryption, preference order), random keys per recipient (certificate,
 * OpenPGP key, PDF password, any combination or none), random recipient sets and triggers. For every recipient whose
 * policy is mandatory (set, or by a trigger), what leaves is encrypted, or nothing leaves; under mandatory-all nothing
 * leaves at all unless every recipient is protected; every recipient ends up exactly once (sent or held, never lost,
 * never twice); and nobody gets two encryptions. Not covered here: delivery over SMTP, RequireTls, gateway keys.
 */
class PolicyChainPropertyTest {
    private static final TestPki CA = TestPki.ca("Policy property CA");
    private static final PgpFixtures KEYS = PgpFixtures.get();
    private static final String[] ENCRYPTIONS = {"mandatory-all", "mandatory", "opportunistic", "never", null};
    private static final String[] DOMAINS = {"partner.example", "other.example", "third.example"};
    /** Recipients, each with the OpenPGP key the fixtures hold for it (or none). */
    private static final Map<String, PgpFixtures.Key> RECIPIENTS = new LinkedHashMap<>();

    static {
        RECIPIENTS.put("bob@partner.example", KEYS.bobRsa);
        RECIPIENTS.put("bea@partner.example", KEYS.bea25519);
        RECIPIENTS.put("dina@partner.example", KEYS.dinaV6);
        RECIPIENTS.put("xavier@other.example", null);
        RECIPIENTS.put("yann@other.example", null);
        RECIPIENTS.put("zoe@third.example", null);
    }

    @TempDir
    Path directory;

    @Test
    void aMandatoryRecipientShouldReceiveProtectedMailOrNothing() throws Exception {
        long seed = Long.getLong("policy.seed", System.nanoTime());
        Random random = new Random(seed);
        int heldMails = 0;
        int encryptedMails = 0;
        int clearMails = 0;
        for (int run = 0; run < 25; run++) {
            String context = "seed " + seed + ", run " + run;
            TestVaults vaults = TestVaults.create(directory.resolve("run-" + run), Clock.systemUTC());
            TenantId acme = vaults.tenant("acme", "acme.example");
            vaults.addKeyPair(acme, CA.issue("alice@acme.example"));

            Map<String, String> encryptionByDomain = new LinkedHashMap<>();
            for (String domain : DOMAINS) {
                String encryption = ENCRYPTIONS[random.nextInt(ENCRYPTIONS.length)];
                Map<String, String> settings = new LinkedHashMap<>();
                if (encryption != null) {
                    settings.put("encryption", encryption);
                    encryptionByDomain.put(domain, encryption);
                }
                if (random.nextBoolean()) {
                    List<String> mechanisms = new ArrayList<>(List.of("smime", "pgp", "pdf"));
                    Collections.shuffle(mechanisms, random);
                    settings.put("mechanisms", String.join(",", mechanisms.subList(0, 1 + random.nextInt(3))));
                }
                if (!settings.isEmpty()) {
                    vaults.repository().policies().set(acme, PolicyScope.partnerDomain(domain), PolicySettings.fromMap(settings), "test");
                }
            }
            List<String> recipients = new ArrayList<>();
            for (Map.Entry<String, PgpFixtures.Key> recipient : RECIPIENTS.entrySet()) {
                if (random.nextInt(3) == 0) {
                    vaults.addCertificate(acme, CA.issue(recipient.getKey()));
                }
                if (recipient.getValue() != null && random.nextInt(3) == 0) {
                    vaults.repository().pgpKeys().addPublicKey(acme, recipient.getValue().publicKey, Origin.IMPORTED);
                }
                if (random.nextInt(3) == 0) {
                    vaults.repository().pdfPasswords().set(acme, EmailAddress.of(recipient.getKey()), "pre-shared-1".toCharArray());
                }
                if (random.nextBoolean()) {
                    recipients.add(recipient.getKey());
                }
            }
            if (recipients.isEmpty()) {
                recipients.add("zoe@third.example");
            }
            boolean triggered = random.nextInt(4) == 0;
            Mail mail = PolicyChainTest.mail(triggered ? "[secure] Run " + run : "Run " + run, recipients.toArray(new String[0]));

            PolicyChain.Outcome outcome = new PolicyChain(vaults, "acme.example").run(mail);

            heldMails += outcome.held.size();
            encryptedMails += (int) outcome.sent.stream().filter(AppliedProtections::includeEncryption).count();
            clearMails += (int) outcome.sent.stream().filter(sent -> !AppliedProtections.includeEncryption(sent)).count();
            List<String> everyone = new ArrayList<>(outcome.sentTo());
            everyone.addAll(outcome.heldFor());
            Collections.sort(everyone);
            List<String> expected = new ArrayList<>(recipients);
            Collections.sort(expected);
            assertThat(everyone).as(context + ": every recipient exactly once, sent or held").isEqualTo(expected);
            boolean allOrNothing = recipients.stream().anyMatch(r -> "mandatory-all".equals(encryptionByDomain.get(domain(r))));
            for (Mail sent : outcome.sent) {
                boolean encrypted = AppliedProtections.includeEncryption(sent);
                assertThat(AppliedProtections.of(sent).stream().filter(p -> !p.endsWith("-signed")).count())
                    .as(context + ": one encryption at most").isLessThanOrEqualTo(1);
                for (MailAddress recipient : sent.getRecipients()) {
                    String encryption = encryptionByDomain.get(domain(recipient.asString()));
                    boolean mandatory = triggered || "mandatory".equals(encryption) || "mandatory-all".equals(encryption);
                    if (mandatory || allOrNothing) {
                        assertThat(encrypted).as(context + ": " + recipient + " (" + encryption + ", trigger " + triggered
                            + ") got " + AppliedProtections.of(sent)).isTrue();
                    }
                    if (!triggered && "never".equals(encryption) && !allOrNothing) {
                        assertThat(encrypted).as(context + ": never means no encryption for " + recipient).isFalse();
                    }
                }
            }
        }
        assertThat(List.of(heldMails, encryptedMails, clearMails)).as("seed " + seed + ": the runs held, encrypted and sent clear mail")
            .allMatch(count -> count > 0);
    }

    private static String domain(String address) {
        return address.substring(address.indexOf('@') + 1);
    }
}
