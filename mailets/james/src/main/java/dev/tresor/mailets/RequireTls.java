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
import java.time.format.DateTimeParseException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;
import com.google.common.collect.MapMaker;

import dev.tresor.attributes.DeliveryAttempts;
import dev.tresor.attributes.RequireTlsOption;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TlsPolicy;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.DeliveryThreads;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
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
 *         <outgoingQueue>tresor-requiretls</outgoingQueue>
 *         <deliveryThreads>10</deliveryThreads>
 *     </mailet>
 * </processor>
 * }</pre>
 *
 * <p>As RemoteDelivery, it delivers on threads of its own: {@code service} only puts the mail into its own James mail
 * queue ({@code outgoingQueue}) and ends it in the spooler (state ghost), so a slow or silent MX host holds one delivery
 * thread, never a spooler thread. {@code deliveryThreads} threads take mail from that queue and deliver it, domain after
 * domain; a mail is acknowledged to the queue only once every recipient is delivered, bounced or rescheduled, so with a
 * durable queue a crash loses nothing (a mail cut off mid-delivery may reach a recipient twice, never no recipient).
 *
 * <p>Which policy: the sender tenant's policy for the recipient domain (key repository, WebAdmin
 * {@code /tresor/tenants/{tenant}/tls-policies}), else the one in {@code policies}, else (with {@code mtaSts} on) the
 * domain's enforced RFC 8461 MTA-STS policy, which also limits the MX hosts tried, else {@code defaultPolicy}. A mail
 * received with RFC 8689 {@code REQUIRETLS} ({@code tresor.tls.required}) gets at least {@code verify}, and the next hop
 * must support REQUIRETLS. A {@code TLS-Required: No} header (RFC 8689 section 5) only makes RequireTls skip MTA-STS,
 * the recipient's published policy; it never lowers the sending organisation's own policies nor the default, and it is
 * ignored on a mail sent with REQUIRETLS. Policies are read again at every attempt.
 *
 * <p>Parameters:
 * <ul>
 *     <li>{@code policies}: {@code domain: policy} entries separated by {@code ;} (see {@link TlsPolicy}). Default: none.</li>
 *     <li>{@code defaultPolicy}: the policy of domains without one. Default {@code verify}.</li>
 *     <li>{@code trustedCertificates}: a PEM file of the CA certificates {@code verify} trusts. Default: the JDK's.</li>
 *     <li>{@code port}: the next hops' SMTP port. Default 25.</li>
 *     <li>{@code heloName}: the name sent in EHLO. Default: this host's name as James's DNS service reports it.</li>
 *     <li>{@code connectTimeout}, {@code readTimeout}, {@code sessionLimit}: per connection attempt, per server reply
 *         and per whole SMTP conversation, at most a day. Defaults 30s, 5m, 30m. Durations as James writes them
 *         ({@link InitParameters}: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}; a plain number is
 *         seconds).</li>
 *     <li>{@code retryDelays}: the waits before each new attempt after a temporary failure, e.g. {@code 5m, 30m, 2h};
 *         after the last one the failure is final; each at most 30 days. Default {@code 5m, 15m, 1h, 4h, 12h}.</li>
 *     <li>{@code outgoingQueue}: the James mail queue of this mailet's mail, durable when James's queues are. Each
 *         RequireTls mailet needs its own: a shared queue would deliver one mailet's mail under another's policies.
 *         Letters, digits, {@code .}, {@code _} and {@code -}. Default {@value #DEFAULT_QUEUE}.</li>
 *     <li>{@code deliveryThreads}: how many mails are delivered at once, 1 to {@value #MAX_THREADS}. Default
 *         {@value #DEFAULT_THREADS}.</li>
 *     <li>{@code mtaSts}: {@code true} to look up the recipient domains' MTA-STS policies (HTTPS, cached for their
 *         max_age). Default {@code false}.</li>
 *     <li>{@code onFailure}: the processor of mails it cannot handle (storage down, a failure without a sender to tell).
 *         Default {@value FailureRouting#DEFAULT_PROCESSOR}.</li>
 * </ul>
 *
 * <p>Writes: a temporary failure puts the mail back into {@code outgoingQueue} with the queue's delay, carrying only
 * the recipients still to do, {@code tresor.tls.attempts} (attempts so far) and {@code tresor.tls.next-attempt} (the time of the next
 * attempt, ISO-8601; a mail the queue hands over earlier goes back until then), so the schedule is part of the queued
 * mail and survives a restart with a durable queue. Final failures are bounced to the sender with an RFC 3464 DSN
 * naming the reason per recipient. Every delivery over TLS is audited (operation DELIVER, the server certificate's
 * fingerprint, the recipient, the protocol and cipher) in the sender's tenant.
 *
 * <p>{@code destroy()} takes no more mail from the queue, gives the deliveries in progress {@value #GRACE_SECONDS}
 * seconds, then cuts their SMTP conversations; the recipients they had not finished go back into the queue as they
 * were (the cut attempt does not count), to be delivered after the restart.
 */
public class RequireTls extends GenericMailet {
    static final String DEFAULT_QUEUE = "tresor-requiretls";
    static final int DEFAULT_THREADS = 4;
    static final int MAX_THREADS = 100;
    static final int GRACE_SECONDS = 5;
    private static final Logger LOGGER = LoggerFactory.getLogger(RequireTls.class);
    private static final Duration SHORTEST_WAIT = Duration.ofMillis(1);
    /** Socket timeouts are whole milliseconds in an int: a day is far below that and far above any sensible wait. */
    private static final Duration LONGEST_TIMEOUT = Duration.ofDays(1);
    private static final Duration LONGEST_RETRY_DELAY = Duration.ofDays(30);
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Early by less than this, a mail the queue hands over is delivered rather than put back. */
    private static final Duration EARLY_TOLERANCE = Duration.ofSeconds(1);
    /**
     * The outgoing queues of the running RequireTls mailets, per queue factory (one per James server; weak, so that a
     * server that never destroyed its mailets blocks nothing): each mailet needs its own queue.
     */
    private static final ConcurrentMap<MailQueueFactory<?>, Set<String>> QUEUES_IN_USE = new MapMaker().weakKeys().makeMap();

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final DNSService dns;
    private final MailQueueFactory<?> queueFactory;
    private final Clock clock;
    private final Duration grace;
    private final Optional<MtaStsSource> testMtaSts;
    private MailQueue queue;
    private String queueName;
    private DeliveryThreads threads;
    private volatile boolean stopping;
    private Optional<MtaStsSource> mtaSts = Optional.empty();
    private TlsPolicies configured;
    private TlsPolicy defaultPolicy;
    private List<Duration> retryDelays;
    private TlsDelivery delivery;
    private String heloName;
    private FailureRouting failures;

    @Inject
    public RequireTls(KeyRepository repository, TenantResolver tenants, DNSService dns, MailQueueFactory<?> queueFactory) {
        this(repository, tenants, dns, queueFactory, Clock.systemUTC(), Duration.ofSeconds(GRACE_SECONDS), Optional.empty());
    }

    /**
     * @param grace how long {@code destroy()} lets deliveries in progress finish before it cuts them
     * @param mtaSts the MTA-STS policies to use instead of fetching them over HTTPS
     */
    @VisibleForTesting
    RequireTls(KeyRepository repository, TenantResolver tenants, DNSService dns, MailQueueFactory<?> queueFactory,
               Clock clock, Duration grace, Optional<MtaStsSource> mtaSts) {
        this.repository = repository;
        this.tenants = tenants;
        this.dns = dns;
        this.queueFactory = queueFactory;
        this.clock = clock;
        this.grace = grace;
        this.testMtaSts = mtaSts;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("policies", "defaultPolicy", "trustedCertificates", "port", "heloName", "connectTimeout",
            "readTimeout", "sessionLimit", "retryDelays", "outgoingQueue", "deliveryThreads", "mtaSts",
            FailureRouting.PARAMETER));
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
        retryDelays = parameters.durations("retryDelays", "5m, 15m, 1h, 4h, 12h", SHORTEST_WAIT, LONGEST_RETRY_DELAY);
        heloName = parameters.optional("heloName").orElseGet(this::localHostName);
        int port = parameters.port("port", 25);
        X509TrustManager trust = trustManager(parameters);
        try {
            delivery = new TlsDelivery(new DnsMxResolver(dns), new DeliveryOptions(port, heloName,
                parameters.duration("connectTimeout", Duration.ofSeconds(30), SHORTEST_WAIT, LONGEST_TIMEOUT),
                parameters.duration("readTimeout", Duration.ofMinutes(5), SHORTEST_WAIT, LONGEST_TIMEOUT),
                parameters.duration("sessionLimit", Duration.ofMinutes(30), SHORTEST_WAIT, LONGEST_TIMEOUT), trust));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
        if (parameters.bool("mtaSts", false)) {
            mtaSts = testMtaSts.or(() -> Optional.of(new HttpsMtaStsFetcher(dns::findTXTRecords,
                HttpsMtaStsFetcher::standardLocation, HttpsURLConnection.getDefaultSSLSocketFactory(), Duration.ofSeconds(30),
                clock)));
        }
        failures = FailureRouting.of(this, LOGGER);
        int threadCount = parameters.integer("deliveryThreads", DEFAULT_THREADS, 1, MAX_THREADS, "threads");
        String name = parameters.optional("outgoingQueue").orElse(DEFAULT_QUEUE);
        if (!QUEUE_NAME.matcher(name).matches()) {
            throw parameters.invalid("outgoingQueue", name, "a queue name of letters, digits, '.', '_' and '-'");
        }
        if (!queuesInUse().add(name)) {
            throw parameters.invalid("outgoingQueue", name, "a queue no other RequireTls mailet uses (each delivers its "
                + "queue's mail under its own policies)");
        }
        queueName = name;
        try {
            queue = queueFactory.createQueue(MailQueueName.of(name));
            threads = DeliveryThreads.start("RequireTls-" + name, queue, threadCount, this::deliverFromQueue);
        } catch (RuntimeException e) {
            queuesInUse().remove(name);
            throw new MessagingException(getMailetName() + ": cannot open the mail queue '" + name + "': " + e.getMessage(), e);
        }
    }

    private Set<String> queuesInUse() {
        return QUEUES_IN_USE.computeIfAbsent(queueFactory, factory -> ConcurrentHashMap.newKeySet());
    }

    private String localHostName() {
        try {
            return dns.getHostName(dns.getLocalHost());
        } catch (IOException e) {
            return "localhost";
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

    /** Puts the mail into this mailet's queue and ends it in the spooler; the delivery threads do the rest. */
    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            LOGGER.debug("Mail {} has no recipients left to deliver", mail.getName());
        } else {
            queue.enQueue(mail);
            LOGGER.debug("Mail {} queued in {} for {}", mail.getName(), queueName, mail.getRecipients());
        }
        mail.setState(Mail.GHOST);
    }

    /** One attempt, on a delivery thread, for a mail taken from the queue (a copy this method may change). */
    private void deliverFromQueue(Mail mail) throws MessagingException {
        Optional<Duration> early = untilNextAttempt(mail);
        if (early.isPresent()) {
            queue.enQueue(mail, early.get());
            LOGGER.info("Mail {} came out of queue {} {} before its next attempt; put back", mail.getName(), queueName, early.get());
            return;
        }
        Optional<TenantId> tenant;
        try {
            tenant = mail.getMaybeSender().asOptional().map(tenants::tenantOf);
        } catch (RuntimeException e) {
            LOGGER.warn("Mail {}: cannot resolve the sender's tenant", mail.getName(), e);
            failures.send(getMailetContext(), mail, "Not delivered: cannot resolve the sender's tenant (details in the "
                + "server log under mail " + mail.getName() + ")");
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
            failures.send(getMailetContext(), mail, "Not delivered: cannot read the TLS policy (details in the server "
                + "log under mail " + mail.getName() + ")");
            return;
        }

        List<MailAddress> retry = new ArrayList<>();
        Map<String, String> retryReasons = new LinkedHashMap<>();
        Map<String, String> bounce = new LinkedHashMap<>();
        List<MailAddress> unfinished = new ArrayList<>();
        for (Map.Entry<String, List<MailAddress>> domain : byDomain.entrySet()) {
            if (stopping) {
                unfinished.addAll(domain.getValue());
                continue;
            }
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
                        if (stopping) {
                            // cut by destroy(): this attempt does not count
                            unfinished.add(recipient);
                        } else {
                            retry.add(recipient);
                            retryReasons.put(recipient.asString(), outcome.detail());
                        }
                        break;
                    default:
                        bounce.put(recipient.asString(), outcome.detail());
                }
            }
        }
        putBackUnfinished(mail, unfinished);
        scheduleRetry(mail, retry, retryReasons, bounce);
        if (!bounce.isEmpty()) {
            notifySender(mail, bounce, requireTlsOption);
        }
    }

    /**
     * How long before its stored next attempt the queue handed the mail over, if it did by more than
     * {@link #EARLY_TOLERANCE}: a queue that lost the delay (or a restart with one that keeps no delays) must not turn
     * the retry schedule into a burst of attempts.
     */
    private Optional<Duration> untilNextAttempt(Mail mail) {
        try {
            return DeliveryAttempts.nextAttempt(mail)
                .map(next -> Duration.between(clock.instant(), next))
                .filter(early -> early.compareTo(EARLY_TOLERANCE) > 0);
        } catch (DateTimeParseException e) {
            LOGGER.warn("Mail {}: unreadable {} '{}'; delivering now", mail.getName(), DeliveryAttempts.NEXT_ATTEMPT,
                e.getParsedString());
            return Optional.empty();
        }
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

    /** Recipients that destroy() kept from their attempt go back into the queue as they were, due at once. */
    private void putBackUnfinished(Mail mail, List<MailAddress> unfinished) throws MessagingException {
        if (unfinished.isEmpty()) {
            return;
        }
        Collection<MailAddress> recipients = List.copyOf(mail.getRecipients());
        mail.setRecipients(unfinished);
        DeliveryAttempts.dueNow(mail);
        queue.enQueue(mail);
        mail.setRecipients(recipients);
        LOGGER.info("Mail {}: delivery stopped; {} recipient(s) back in queue {} for after the restart", mail.getName(),
            unfinished.size(), queueName);
    }

    private void scheduleRetry(Mail mail, List<MailAddress> retry, Map<String, String> reasons,
                               Map<String, String> bounce) throws MessagingException {
        if (retry.isEmpty()) {
            return;
        }
        int attempts = DeliveryAttempts.attempts(mail) + 1;
        if (attempts > retryDelays.size()) {
            retry.forEach(recipient -> bounce.put(recipient.asString(), "gave up after " + attempts + " attempts: "
                + reasons.get(recipient.asString())));
            return;
        }
        Duration delay = retryDelays.get(attempts - 1);
        Collection<MailAddress> recipients = List.copyOf(mail.getRecipients());
        mail.setRecipients(retry);
        DeliveryAttempts.schedule(mail, attempts, clock.instant().plus(delay));
        queue.enQueue(mail, delay);
        mail.setRecipients(recipients);
        LOGGER.info("Mail {}: {} recipient(s) retried in {} (attempt {} of {}): {}", mail.getName(), retry.size(), delay,
            attempts + 1, retryDelays.size() + 1, reasons.values());
    }

    /** Bounces to the sender; a mail without one goes to the failure processor with the bounced recipients. */
    private void notifySender(Mail mail, Map<String, String> bounce, boolean requireTlsOption) throws MessagingException {
        Optional<MailAddress> sender = mail.getMaybeSender().asOptional();
        if (sender.isEmpty()) {
            mail.setRecipients(bounce.keySet().stream().map(RequireTls::address).collect(Collectors.toList()));
            failures.send(getMailetContext(), mail, "Not delivered, and no sender to notify: " + bounce);
            return;
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
    }

    private static MailAddress address(String text) {
        try {
            return new MailAddress(text);
        } catch (AddressException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the delivery threads: no more mail is taken from the queue, deliveries in progress get a grace period and
     * are then cut; what they had not finished goes back into the queue. The queue itself is James's and keeps its mail.
     */
    @Override
    public void destroy() {
        stopping = true;
        if (threads != null) {
            threads.stop(grace, delivery::stop);
        }
        if (queue != null) {
            try {
                queue.close();
            } catch (IOException e) {
                LOGGER.debug("Cannot close queue {}", queueName, e);
            }
        }
        if (queueName != null) {
            queuesInUse().remove(queueName);
            LOGGER.info("RequireTls stopped delivering from queue {}", queueName);
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
