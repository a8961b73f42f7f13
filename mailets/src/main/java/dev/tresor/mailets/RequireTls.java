package dev.tresor.mailets;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TlsPolicy;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.smtp.RequireTlsOption;
import dev.tresor.tls.DeliveryOptions;
import dev.tresor.tls.DeliveryResult;
import dev.tresor.tls.DeliveryStatusNotification;
import dev.tresor.tls.HttpsMtaStsFetcher;
import dev.tresor.tls.MtaStsPolicy;
import dev.tresor.tls.MtaStsSource;
import dev.tresor.tls.MxResolver;
import dev.tresor.tls.NegotiatedTls;
import dev.tresor.tls.TlsDelivery;
import dev.tresor.tls.TlsPolicies;

/**
 * Delivers mail to remote recipients itself, over SMTP with the TLS each recipient domain requires, instead of
 * James's RemoteDelivery: "mail to bank.example only over verified TLS, never silently in clear text".
 * <pre>{@code
 * <processor state="tls-required" enableJmx="false">
 *     <mailet match="All" class="dev.tresor.mailets.RequireTls">
 *         <policies>bank.example: verify min=TLSv1.3; partner.example: encrypt</policies>
 *         <defaultPolicy>verify</defaultPolicy>
 *         <retryDelays>5m, 30m, 2h, 6h</retryDelays>
 *     </mailet>
 * </processor>
 * }</pre>
 *
 * <p>Which policy: the sender tenant's policy for the recipient domain (key repository, WebAdmin
 * {@code /tresor/tenants/{tenant}/tls-policies}), else the one in {@code policies}, else (with {@code mtaSts} on) the
 * domain's enforced RFC 8461 MTA-STS policy, which also limits the MX hosts tried, else {@code defaultPolicy}. A mail
 * received with RFC 8689 {@code REQUIRETLS} ({@code tresor.tls.required}) gets at least {@code verify}, and the next hop
 * must support REQUIRETLS. A {@code TLS-Required: No} header (RFC 8689 section 5) only makes RequireTls skip MTA-STS,
 * the recipient's published policy; it never lowers the sending organisation's own policies nor the default, and it is
 * ignored on a mail sent with REQUIRETLS.
 *
 * <p>Parameters:
 * <ul>
 *     <li>{@code policies}: {@code domain: policy} entries separated by {@code ;} (see {@link TlsPolicy}). Default: none.</li>
 *     <li>{@code defaultPolicy}: the policy of domains without one. Default {@code verify}.</li>
 *     <li>{@code trustedCertificates}: a PEM file of the CA certificates {@code verify} trusts. Default: the JDK's.</li>
 *     <li>{@code port}: the next hops' SMTP port. Default 25.</li>
 *     <li>{@code heloName}: the name sent in EHLO. Default: this host's name as James's DNS service reports it.</li>
 *     <li>{@code connectTimeout}, {@code readTimeout}, {@code sessionLimit}: per connection attempt, per server reply
 *         and per whole SMTP conversation. Defaults 30s, 5m, 30m. Units ms, s, m, h.</li>
 *     <li>{@code retryDelays}: the waits before each new attempt after a temporary failure, e.g. {@code 5m, 30m, 2h};
 *         after the last one the failure is final. Default {@code 5m, 15m, 1h, 4h, 12h}.</li>
 *     <li>{@code mtaSts}: {@code true} to look up the recipient domains' MTA-STS policies (HTTPS, cached for their
 *         max_age). Default {@code false}.</li>
 *     <li>{@code onFailure}: the processor of mails it cannot handle (storage down, a failure without a sender to tell).
 *         Default {@value FailureRouting#DEFAULT_PROCESSOR}.</li>
 * </ul>
 *
 * <p>Writes: retries are copies of the mail re-entering this mailet's processor after the delay, carrying
 * {@value #ATTEMPTS} (attempts so far) and only the recipients still to do; final failures are bounced to the sender
 * with an RFC 3464 DSN naming the reason per recipient; the mail itself ends (state ghost) once every recipient is
 * delivered, retried or bounced. Every delivery over TLS is audited (operation DELIVER, the server certificate's
 * fingerprint, the recipient, the protocol and cipher) in the sender's tenant.
 */
public class RequireTls extends GenericMailet {
    public static final String ATTEMPTS = "tresor.tls.attempts";
    private static final AttributeName ATTEMPTS_NAME = AttributeName.of(ATTEMPTS);
    private static final Logger LOGGER = LoggerFactory.getLogger(RequireTls.class);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final DNSService dns;
    private final Clock clock;
    private final Optional<MtaStsSource> testMtaSts;
    private Optional<MtaStsSource> mtaSts = Optional.empty();
    private TlsPolicies configured;
    private TlsPolicy defaultPolicy;
    private List<Duration> retryDelays;
    private TlsDelivery delivery;
    private String heloName;
    private FailureRouting failures;

    @Inject
    public RequireTls(KeyRepository repository, TenantResolver tenants, DNSService dns) {
        this(repository, tenants, dns, Clock.systemUTC());
    }

    @VisibleForTesting
    RequireTls(KeyRepository repository, TenantResolver tenants, DNSService dns, Clock clock) {
        this(repository, tenants, dns, clock, Optional.empty());
    }

    @VisibleForTesting
    RequireTls(KeyRepository repository, TenantResolver tenants, DNSService dns, Clock clock, Optional<MtaStsSource> mtaSts) {
        this.repository = repository;
        this.tenants = tenants;
        this.dns = dns;
        this.clock = clock;
        this.testMtaSts = mtaSts;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("policies", "defaultPolicy", "trustedCertificates", "port", "heloName", "connectTimeout",
            "readTimeout", "sessionLimit", "retryDelays", "mtaSts", FailureRouting.PARAMETER));
        InitParameters parameters = new InitParameters(this);
        try {
            configured = parameters.optional("policies").map(TlsPolicies::parse).orElse(TlsPolicies.none());
        } catch (IllegalArgumentException e) {
            throw parameters.invalid("policies", getInitParameter("policies"), "'domain: policy' entries separated by ';': " + e.getMessage());
        }
        try {
            defaultPolicy = TlsPolicy.parse(parameters.optional("defaultPolicy").orElse("verify"));
        } catch (IllegalArgumentException e) {
            throw parameters.invalid("defaultPolicy", getInitParameter("defaultPolicy"), "a TLS policy: " + e.getMessage());
        }
        retryDelays = new ArrayList<>();
        for (String delay : parameters.optional("retryDelays").orElse("5m, 15m, 1h, 4h, 12h").split(",")) {
            retryDelays.add(duration(parameters, "retryDelays", delay));
        }
        heloName = parameters.optional("heloName").orElseGet(this::localHostName);
        int port = port(parameters);
        X509TrustManager trust = trustManager(parameters);
        try {
            delivery = new TlsDelivery(new DnsMxResolver(dns), new DeliveryOptions(port, heloName,
                duration(parameters, "connectTimeout", parameters.optional("connectTimeout").orElse("30s")),
                duration(parameters, "readTimeout", parameters.optional("readTimeout").orElse("5m")),
                duration(parameters, "sessionLimit", parameters.optional("sessionLimit").orElse("30m")), trust));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
        if (parameters.bool("mtaSts", false)) {
            mtaSts = testMtaSts.or(() -> Optional.of(new HttpsMtaStsFetcher(dns::findTXTRecords,
                HttpsMtaStsFetcher::standardLocation, HttpsURLConnection.getDefaultSSLSocketFactory(), Duration.ofSeconds(30),
                clock)));
        }
        failures = FailureRouting.of(this, LOGGER);
    }

    private String localHostName() {
        try {
            return dns.getHostName(dns.getLocalHost());
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static int port(InitParameters parameters) throws MessagingException {
        String value = parameters.optional("port").orElse("25");
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw parameters.invalid("port", value, "a TCP port from 1 to 65535");
    }

    private static Duration duration(InitParameters parameters, String name, String value) throws MessagingException {
        Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw parameters.invalid(name, value, "a positive duration such as 500ms, 30s, 5m or 2h");
        }
        long amount = Long.parseLong(matcher.group(1));
        switch (matcher.group(2)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            default:
                return Duration.ofHours(amount);
        }
    }

    private X509TrustManager trustManager(InitParameters parameters) throws MessagingException {
        Optional<String> file = parameters.optional("trustedCertificates");
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (file.isEmpty()) {
                factory.init((KeyStore) null);
            } else {
                factory.init(trustStore(Paths.get(file.get())));
            }
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    return (X509TrustManager) manager;
                }
            }
            throw new MessagingException(getMailetName() + ": the JDK offers no X.509 trust manager");
        } catch (IOException | GeneralSecurityException e) {
            throw parameters.invalid("trustedCertificates", file.orElse("(JDK default)"),
                "a readable PEM file of CA certificates: " + e.getMessage());
        }
    }

    private static KeyStore trustStore(Path pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + pem);
            }
            int index = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("trusted-" + index++, certificate);
            }
        }
        return store;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String processor = mail.getState();
        Optional<TenantId> tenant;
        try {
            tenant = mail.getMaybeSender().asOptional().map(tenants::tenantOf);
        } catch (RuntimeException e) {
            LOGGER.warn("Mail {}: cannot resolve the sender's tenant", mail.getName(), e);
            failures.route(mail, "Not delivered: cannot resolve the sender's tenant (details in the server log under mail "
                + mail.getName() + ")");
            return;
        }
        boolean requireTlsOption = RequireTlsOption.isRequested(mail);
        Map<String, List<MailAddress>> byDomain = mail.getRecipients().stream()
            .collect(Collectors.groupingBy(recipient -> recipient.getDomain().asString(), TreeMap::new, Collectors.toList()));

        boolean ignoreRecipientPolicies = !requireTlsOption && RequireTlsOption.tlsRequiredHeader(mail.getMessage())
            .map(value -> value.equalsIgnoreCase("No")).orElse(false);
        Map<String, TlsPolicy> policies = new LinkedHashMap<>();
        Map<String, MtaStsPolicy> enforcedMtaSts = new LinkedHashMap<>();
        try {
            for (String domain : byDomain.keySet()) {
                Optional<TlsPolicy> own = ownPolicy(tenant, domain);
                Optional<MtaStsPolicy> published = own.isPresent() || ignoreRecipientPolicies ? Optional.empty() : mtaStsPolicy(domain);
                published.filter(policy -> policy.mode() == MtaStsPolicy.Mode.ENFORCE)
                    .ifPresent(policy -> enforcedMtaSts.put(domain, policy));
                policies.put(domain, own.or(() -> published.filter(policy -> policy.mode() == MtaStsPolicy.Mode.ENFORCE)
                    .map(MtaStsPolicy::asTlsPolicy)).orElse(defaultPolicy));
            }
        } catch (RuntimeException e) {
            LOGGER.warn("Mail {}: cannot read the TLS policy", mail.getName(), e);
            failures.route(mail, "Not delivered: cannot read the TLS policy (details in the server log under mail "
                + mail.getName() + ")");
            return;
        }

        List<MailAddress> retry = new ArrayList<>();
        Map<String, String> retryReasons = new LinkedHashMap<>();
        Map<String, String> bounce = new LinkedHashMap<>();
        for (Map.Entry<String, List<MailAddress>> domain : byDomain.entrySet()) {
            List<String> recipients = domain.getValue().stream().map(MailAddress::asString).collect(Collectors.toList());
            DeliveryResult result;
            try {
                result = delivery.deliver(mail.getMaybeSender().asOptional().map(MailAddress::asString),
                    recipients, domain.getKey(), mail.getMessage(), policies.get(domain.getKey()), requireTlsOption,
                    Optional.ofNullable(enforcedMtaSts.get(domain.getKey())));
            } catch (RuntimeException e) {
                // a bug or a broken JDK set-up must neither lose the mail nor undo what other domains already got
                LOGGER.error("Mail {}: delivery to {} failed unexpectedly", mail.getName(), domain.getKey(), e);
                result = DeliveryResult.all(recipients, DeliveryResult.Status.TEMPORARY_FAILURE,
                    "internal error delivering to " + domain.getKey() + " (details in the server log under mail "
                        + mail.getName() + ")");
            }
            LOGGER.info("Mail {} to {} under policy '{}': {}", mail.getName(), domain.getKey(), policies.get(domain.getKey()), result);
            for (MailAddress recipient : domain.getValue()) {
                DeliveryResult.Outcome outcome = result.outcomes().get(recipient.asString());
                switch (outcome.status()) {
                    case DELIVERED:
                        result.tls().ifPresent(tls -> audit(tenant, tls, recipient, mail));
                        break;
                    case TEMPORARY_FAILURE:
                        retry.add(recipient);
                        retryReasons.put(recipient.asString(), outcome.detail());
                        break;
                    default:
                        bounce.put(recipient.asString(), outcome.detail());
                }
            }
        }
        scheduleRetry(mail, processor, retry, retryReasons, bounce);
        if (!bounce.isEmpty() && !notifySender(mail, bounce, requireTlsOption)) {
            return;
        }
        mail.setState(Mail.GHOST);
    }

    /** The sending side's own rule for the domain: the tenant's, else the configured one. */
    private Optional<TlsPolicy> ownPolicy(Optional<TenantId> tenant, String domain) {
        return tenant.flatMap(id -> repository.tlsPolicies().get(id, domain))
            .or(() -> configured.forDomain(domain));
    }

    /**
     * The domain's published MTA-STS policy, when {@code mtaSts} is on. One that is announced but cannot be fetched
     * counts as none (RFC 8461 section 5.1); {@code defaultPolicy} then applies, {@code verify} unless configured
     * otherwise.
     */
    private Optional<MtaStsPolicy> mtaStsPolicy(String domain) {
        if (mtaSts.isEmpty()) {
            return Optional.empty();
        }
        try {
            return mtaSts.get().policy(domain);
        } catch (MtaStsSource.MtaStsException e) {
            LOGGER.warn("{}; the default policy applies", e.getMessage());
            return Optional.empty();
        }
    }

    private void audit(Optional<TenantId> tenant, NegotiatedTls tls, MailAddress recipient, Mail mail) {
        if (tenant.isEmpty()) {
            return;
        }
        try {
            AuditEvent event = AuditEvent.of(clock.instant(), tenant.get(), AuditEvent.Operation.DELIVER)
                .withKey(Fingerprint.sha256(tls.serverCertificate().getEncoded()))
                .withCounterpart(EmailAddress.of(recipient.asString()))
                .withDetail(tls.toString());
            Optional<String> messageId = KeyUseAudit.messageId(mail.getMessage());
            repository.audit().append(messageId.map(event::withMessageId).orElse(event));
        } catch (Exception e) {
            // the mail has left; losing its audit line must not make us send it twice
            LOGGER.error("Mail {} delivered to {} over {}, but the audit log could not be written", mail.getName(), recipient, tls, e);
        }
    }

    private void scheduleRetry(Mail mail, String processor, List<MailAddress> retry, Map<String, String> reasons,
                               Map<String, String> bounce) throws MessagingException {
        if (retry.isEmpty()) {
            return;
        }
        int attempts = attempts(mail) + 1;
        if (attempts > retryDelays.size()) {
            retry.forEach(recipient -> bounce.put(recipient.asString(), "gave up after " + attempts + " attempts: "
                + reasons.get(recipient.asString())));
            return;
        }
        Duration delay = retryDelays.get(attempts - 1);
        Mail copy = mail.duplicate();
        copy.setRecipients(retry);
        copy.setAttribute(new Attribute(ATTEMPTS_NAME, AttributeValue.of(attempts)));
        getMailetContext().sendMail(copy, processor, delay.toMillis(), TimeUnit.MILLISECONDS);
        LOGGER.info("Mail {}: {} recipient(s) retried in {} (attempt {} of {}): {}", mail.getName(), retry.size(), delay,
            attempts + 1, retryDelays.size() + 1, reasons.values());
    }

    private static int attempts(Mail mail) {
        return mail.getAttribute(ATTEMPTS_NAME)
            .flatMap(attribute -> attribute.getValue().valueAs(Integer.class))
            .orElse(0);
    }

    /** @return false if the mail went to the failure processor instead */
    private boolean notifySender(Mail mail, Map<String, String> bounce, boolean requireTlsOption) throws MessagingException {
        Optional<MailAddress> sender = mail.getMaybeSender().asOptional();
        if (sender.isEmpty()) {
            mail.setRecipients(bounce.keySet().stream().map(RequireTls::address).collect(Collectors.toList()));
            failures.route(mail, "Not delivered, and no sender to notify: " + bounce);
            return false;
        }
        Mail dsn = MailImpl.builder()
            .name(mail.getName() + "-tls-dsn")
            .sender(MaybeSender.nullSender())
            .addRecipient(sender.get())
            .mimeMessage(DeliveryStatusNotification.create(heloName, sender.get().asString(), bounce, mail.getMessage(),
                requireTlsOption, clock.instant().atZone(ZoneOffset.UTC)))
            .build();
        getMailetContext().sendMail(dsn);
        LOGGER.warn("Mail {} bounced to {} for {}", mail.getName(), sender.get(), bounce);
        return true;
    }

    private static MailAddress address(String text) {
        try {
            return new MailAddress(text);
        } catch (AddressException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Delivers remote mail over SMTP with the TLS each recipient domain requires, bouncing what cannot meet it";
    }

    /** James's DNS service as RequireTls's MX resolver. */
    private static final class DnsMxResolver implements MxResolver {
        private final DNSService dns;

        DnsMxResolver(DNSService dns) {
            this.dns = dns;
        }

        @Override
        public List<String> mxHosts(String domain) throws TemporaryLookupException {
            try {
                return List.copyOf(dns.findMXRecords(domain));
            } catch (TemporaryResolutionException e) {
                throw new TemporaryLookupException(e.getMessage(), e);
            }
        }

        @Override
        public List<InetAddress> addresses(String host) {
            try {
                return List.copyOf(dns.getAllByName(host));
            } catch (UnknownHostException e) {
                return List.of();
            }
        }
    }
}
