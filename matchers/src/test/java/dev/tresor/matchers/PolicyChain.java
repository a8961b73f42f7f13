package dev.tresor.matchers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.MailetContext;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;

import dev.tresor.mailets.ApplyPolicy;
import dev.tresor.mailets.EncryptPgp;
import dev.tresor.mailets.EncryptSmime;
import dev.tresor.mailets.LocalDomains;
import dev.tresor.mailets.PdfWrap;
import dev.tresor.mailets.SignPgp;
import dev.tresor.mailets.SignSmime;
import dev.tresor.mailets.TestVaults;

/**
 * The outgoing processors of the sample chain (conf/mailetcontainer.xml: relay, tresor-smime, tresor-pgp, tresor-pdf,
 * tresor-clear), the Tresor matchers and mailets in their order and with their parameters, run the way James runs
 * processors: a matcher that keeps some recipients splits the mail, the matched part goes through the mailet, both go
 * on; a mailet that changes the state moves the mail to that processor's start; mail a mailet sends into a processor
 * starts there. Mail that reaches {@value #SEND} leaves (what the sink would get, before Autocrypt and the transport);
 * mail that reaches any other state outside these processors (tresor-policy-refused, tresor-quarantine) is held.
 */
final class PolicyChain {
    static final String SEND = "tresor-send";

    private final FakeMailContext context;
    private final Map<String, List<Step>> processors = new LinkedHashMap<>();

    PolicyChain(TestVaults vaults, String... localDomains) throws MessagingException {
        this.context = FakeMailContext.defaultContext();
        MailetContext local = LocalDomains.context(context, localDomains);
        processors.put("relay", List.of(
            new Step(null, mailet(local, new ApplyPolicy(vaults.repository(), vaults.tenantResolver()), "onFailure", "tresor-policy-refused")),
            new Step(matcher(new PolicyRefuses(), null), new ToProcessor("tresor-quarantine")),
            new Step(matcher(new ProtectionIs(), "smime"), new ToProcessor("tresor-smime")),
            new Step(matcher(new ProtectionIs(), "pgp"), new ToProcessor("tresor-pgp")),
            new Step(matcher(new ProtectionIs(), "pdf"), new ToProcessor("tresor-pdf")),
            new Step(null, new ToProcessor("tresor-clear"))));
        processors.put("tresor-smime", List.of(
            new Step(matcher(new PolicySigns(vaults.repository(), vaults.tenantResolver()), "smime"), signSmime(vaults, local)),
            new Step(null, mailet(local, new EncryptSmime(vaults.repository(), vaults.tenantResolver()), "cipher", "aes256-cbc",
                "keyTransport", "rsa-pkcs1", "encryptToSender", "true", "onFailure", "tresor-quarantine")),
            new Step(null, new ToProcessor(SEND))));
        processors.put("tresor-pgp", List.of(
            new Step(matcher(new PolicySigns(vaults.repository(), vaults.tenantResolver()), "pgp"), signPgp(vaults, local)),
            new Step(null, mailet(local, new EncryptPgp(vaults.repository(), vaults.tenantResolver()), "selection", "newest",
                "encryptToSender", "true", "onFailure", "tresor-quarantine")),
            new Step(null, new ToProcessor(SEND))));
        processors.put("tresor-pdf", List.of(
            new Step(matcher(new PolicySigns(vaults.repository(), vaults.tenantResolver()), "smime"), signSmime(vaults, local)),
            new Step(null, mailet(local, new PdfWrap(vaults.repository(), vaults.tenantResolver()), "cipher", "aes-256",
                "passwords", "pre-shared", "language", "en", "onFailure", "tresor-quarantine")),
            new Step(null, new ToProcessor(SEND))));
        processors.put("tresor-clear", List.of(
            new Step(matcher(new PolicySigns(vaults.repository(), vaults.tenantResolver()), "smime"), signSmime(vaults, local)),
            new Step(matcher(new SenderHasPgpKey(vaults.repository(), vaults.tenantResolver()), null), signPgp(vaults, local)),
            new Step(null, new ToProcessor(SEND))));
    }

    /** What came out of one run: the mails that leave, and the mails held (refused or quarantined). */
    static final class Outcome {
        final List<Mail> sent = new ArrayList<>();
        final List<Mail> held = new ArrayList<>();

        List<String> sentTo() {
            return sent.stream().flatMap(mail -> mail.getRecipients().stream()).map(MailAddress::asString)
                .sorted().collect(Collectors.toList());
        }

        List<String> heldFor() {
            return held.stream().flatMap(mail -> mail.getRecipients().stream()).map(MailAddress::asString)
                .sorted().collect(Collectors.toList());
        }
    }

    /** Runs a mail from the start of the relay processor until every part of it left or was held. */
    Outcome run(Mail mail) throws Exception {
        Outcome outcome = new Outcome();
        Deque<Mail> inFlight = new ArrayDeque<>(List.of(mail));
        Deque<Integer> positions = new ArrayDeque<>(List.of(0));
        int seen = context.getSentMails().size();
        while (!inFlight.isEmpty()) {
            Mail current = inFlight.pop();
            int position = positions.pop();
            List<Step> processor = processors.get(current.getState());
            if (processor == null || current.getRecipients().isEmpty()) {
                if (current.getState().equals(SEND)) {
                    outcome.sent.add(current);
                } else if (!current.getState().equals(Mail.GHOST) && !current.getRecipients().isEmpty()) {
                    outcome.held.add(current);
                }
            } else {
                step(processor.get(position), current, position, inFlight, positions);
            }
            List<FakeMailContext.SentMail> sent = context.getSentMails();
            for (FakeMailContext.SentMail copy : sent.subList(seen, sent.size())) {
                FakeMail.Builder builder = FakeMail.builder().name("copy-" + System.nanoTime()).mimeMessage(copy.getMsg())
                    .recipients(new ArrayList<>(copy.getRecipients())).state(copy.getState())
                    .attributes(new ArrayList<>(copy.getAttributes().values()));
                if (copy.getSender() != null) {
                    builder.sender(copy.getSender());
                }
                inFlight.push(builder.build());
                positions.push(0);
            }
            seen = sent.size();
        }
        return outcome;
    }

    private static void step(Step step, Mail current, int position, Deque<Mail> inFlight, Deque<Integer> positions) throws Exception {
        String state = current.getState();
        Collection<MailAddress> matched = step.matcher == null ? current.getRecipients() : step.matcher.match(current);
        List<MailAddress> rest = current.getRecipients().stream().filter(r -> !matched.contains(r)).collect(Collectors.toList());
        if (!matched.isEmpty() && !rest.isEmpty()) {
            Mail unmatched = current.duplicate();
            unmatched.setRecipients(rest);
            current.setRecipients(new ArrayList<>(matched));
            inFlight.push(unmatched);
            positions.push(position + 1);
        }
        if (!matched.isEmpty()) {
            step.mailet.service(current);
        }
        inFlight.push(current);
        positions.push(current.getState().equals(state) ? position + 1 : 0);
    }

    private static SignSmime signSmime(TestVaults vaults, MailetContext local) throws MessagingException {
        return mailet(local, new SignSmime(vaults.repository(), vaults.tenantResolver()), "digest", "SHA-256", "format", "detached",
            "signFor", "authenticated", "onFailure", "tresor-quarantine");
    }

    private static SignPgp signPgp(TestVaults vaults, MailetContext local) throws MessagingException {
        return mailet(local, new SignPgp(vaults.repository(), vaults.tenantResolver()), "hash", "SHA-256", "signFor", "authenticated",
            "onFailure", "tresor-quarantine");
    }

    private static final class Step {
        final Matcher matcher;
        final Mailet mailet;

        Step(Matcher matcher, Mailet mailet) {
            this.matcher = matcher;
            this.mailet = mailet;
        }
    }

    /** James's ToProcessor, as far as the chain needs it. */
    private static final class ToProcessor extends GenericMailet {
        private final String processor;

        ToProcessor(String processor) {
            this.processor = processor;
        }

        @Override
        public void service(Mail mail) {
            mail.setState(processor);
        }
    }

    private static Matcher matcher(Matcher matcher, String condition) throws MessagingException {
        FakeMatcherConfig.Builder config = FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName());
        if (condition != null) {
            config.condition(condition);
        }
        matcher.init(config.build());
        return matcher;
    }

    private static <M extends GenericMailet> M mailet(MailetContext context, M mailet, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName())
            .mailetContext(context);
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }
}
