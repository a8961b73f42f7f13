package dev.tresor.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.tresor.keys.TlsPolicy.Level;
import dev.tresor.keys.TlsPolicy;
import dev.tresor.keys.TlsVersion;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one mail to the recipients of one domain over SMTP, holding the connection to a {@link TlsPolicy}.
 *
 * <p>The MX hosts are tried in preference order, each with the same policy: a host that offers less (no STARTTLS,
 * an untrusted or misnamed certificate, an old protocol, an unpinned key) is left before anything of the mail is
 * sent, and the next host must meet the same policy. Nothing falls back to clear text: with {@code may}, a STARTTLS
 * the server offers and then fails is a failure of that host, not a reason to send unencrypted.
 *
 * <p>Failures are temporary (connection refused or timed out, DNS errors, 4xx replies, protocol errors) or permanent
 * (5xx replies, and every policy violation: a server without STARTTLS will not grow it within the retry period, and
 * the sender must learn why). When one host fails temporarily and another permanently, the delivery is temporary.
 *
 * <p>With {@code requireTlsOption} (RFC 8689 REQUIRETLS on the incoming mail) the policy is at least {@code verify}
 * and the next hop must advertise REQUIRETLS after STARTTLS; the option is passed on in MAIL FROM.
 */
public final class TlsDelivery {
    private static final Logger LOGGER = LoggerFactory.getLogger(TlsDelivery.class);
    private final MxResolver resolver;
    private final DeliveryOptions options;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    public TlsDelivery(MxResolver resolver, DeliveryOptions options) {
        this.resolver = resolver;
        this.options = options;
    }

    /**
     * Ends every SMTP conversation in progress and refuses new ones, for a shutdown that cannot wait out a slow server:
     * deliveries in progress return at once with a temporary failure. A conversation is cut, never continued in clear
     * text. A mail whose final dot was sent before the cut may have been accepted all the same and will then arrive
     * twice (the duplicate window of RFC 1047 that every MTA has).
     */
    public void stop() {
        stopped = true;
        connections.forEach(TlsDelivery::closeQuietly);
    }

    public DeliveryResult deliver(Optional<String> sender, List<String> recipients, String domain, MimeMessage message,
                                  TlsPolicy policy, boolean requireTlsOption) {
        return deliver(sender, recipients, domain, message, policy, requireTlsOption, Optional.empty());
    }

    /**
     * @param mtaSts an enforced MTA-STS policy of the domain: only the MX hosts it names are tried
     */
    public DeliveryResult deliver(Optional<String> sender, List<String> recipients, String domain, MimeMessage message,
                                  TlsPolicy policy, boolean requireTlsOption, Optional<MtaStsPolicy> mtaSts) {
        TlsPolicy effective = requireTlsOption ? policy.atLeast(Level.VERIFY) : policy;
        List<String> hosts;
        try {
            hosts = resolver.mxHosts(domain);
        } catch (MxResolver.TemporaryLookupException e) {
            return DeliveryResult.all(recipients, DeliveryResult.Status.TEMPORARY_FAILURE,
                "DNS lookup of the MX hosts of " + domain + " failed: " + e.getMessage());
        }
        if (hosts.isEmpty()) {
            return DeliveryResult.all(recipients, DeliveryResult.Status.PERMANENT_FAILURE, domain + " has no mail server (no MX or address)");
        }
        if (mtaSts.isPresent()) {
            List<String> allowed = hosts.stream().filter(mtaSts.get()::allowsMx).collect(Collectors.toList());
            if (allowed.isEmpty()) {
                return DeliveryResult.all(recipients, DeliveryResult.Status.PERMANENT_FAILURE, "no MX host of " + domain
                    + " (" + String.join(", ", hosts) + ") is allowed by its MTA-STS policy " + mtaSts.get().mxPatterns());
            }
            hosts = allowed;
        }
        List<HostFailure> failures = new ArrayList<>();
        for (String host : hosts) {
            List<InetAddress> addresses = resolver.addresses(host);
            if (addresses.isEmpty()) {
                failures.add(HostFailure.temporary(host + " has no address"));
                continue;
            }
            for (InetAddress address : addresses) {
                try {
                    return transaction(host, address, sender, recipients, message, effective, requireTlsOption);
                } catch (HostFailure failure) {
                    failures.add(failure);
                    if (failure.sameForEveryAddress) {
                        break;
                    }
                }
            }
        }
        boolean temporary = failures.stream().anyMatch(failure -> !failure.permanent);
        String reasons = failures.stream().map(Throwable::getMessage).distinct().collect(Collectors.joining("; "));
        return DeliveryResult.all(recipients, temporary ? DeliveryResult.Status.TEMPORARY_FAILURE
            : DeliveryResult.Status.PERMANENT_FAILURE, reasons);
    }

    private DeliveryResult transaction(String host, InetAddress address, Optional<String> sender, List<String> recipients,
                                       MimeMessage message, TlsPolicy policy, boolean requireTlsOption) throws HostFailure {
        Socket socket = new Socket();
        connections.add(socket);
        if (stopped) {
            connections.remove(socket);
            closeQuietly(socket);
            throw HostFailure.temporary("delivery to " + host + " stopped: the mail server is shutting down");
        }
        try (SmtpSession session = SmtpSession.connect(socket, new InetSocketAddress(address, options.port()),
            options.connectTimeout(), options.readTimeout(), options.sessionLimit())) {
            expect(session.read(), host, "greeting");
            SmtpReply ehlo = expect(session.command("EHLO " + options.heloName()), host, "EHLO");
            Optional<NegotiatedTls> tls = Optional.empty();
            if (policy.level() != Level.NONE) {
                boolean offered = ehlo.hasExtension("STARTTLS");
                if (!offered && policy.level().requiresTls()) {
                    throw HostFailure.policy(host + " offered no STARTTLS");
                }
                if (offered) {
                    tls = Optional.of(startTls(session, host, address, policy));
                    ehlo = expect(session.command("EHLO " + options.heloName()), host, "EHLO after STARTTLS");
                }
            }
            if (requireTlsOption && !ehlo.hasExtension("REQUIRETLS")) {
                throw HostFailure.policy(host + " does not support REQUIRETLS, which the sender required (RFC 8689)");
            }
            String mailFrom = "MAIL FROM:<" + sender.orElse("") + ">" + (requireTlsOption ? " REQUIRETLS" : "");
            expect(session.command(mailFrom), host, "MAIL FROM");
            Map<String, DeliveryResult.Outcome> outcomes = new LinkedHashMap<>();
            List<String> accepted = new ArrayList<>();
            for (String recipient : recipients) {
                SmtpReply reply = session.command("RCPT TO:<" + recipient + ">");
                if (reply.isPositive()) {
                    accepted.add(recipient);
                } else {
                    outcomes.put(recipient, new DeliveryResult.Outcome(reply.isTransientFailure()
                        ? DeliveryResult.Status.TEMPORARY_FAILURE : DeliveryResult.Status.PERMANENT_FAILURE,
                        host + " refused the recipient: " + reply.asText()));
                }
            }
            if (!accepted.isEmpty()) {
                SmtpReply data = session.command("DATA");
                if (data.code() != 354) {
                    throw HostFailure.of(data, host + " refused DATA: " + data.asText());
                }
                SmtpReply verdict = session.data(message);
                DeliveryResult.Status status = verdict.isPositive() ? DeliveryResult.Status.DELIVERED
                    : verdict.isTransientFailure() ? DeliveryResult.Status.TEMPORARY_FAILURE : DeliveryResult.Status.PERMANENT_FAILURE;
                String detail = (verdict.isPositive() ? host + " accepted the mail: " : host + " refused the mail: ") + verdict.asText();
                accepted.forEach(recipient -> outcomes.put(recipient, new DeliveryResult.Outcome(status, detail)));
            }
            quietly(session);
            Map<String, DeliveryResult.Outcome> ordered = new LinkedHashMap<>();
            recipients.forEach(recipient -> ordered.put(recipient, outcomes.get(recipient)));
            return new DeliveryResult(ordered, tls);
        } catch (HostFailure failure) {
            throw failure;
        } catch (SmtpProtocolException e) {
            throw HostFailure.temporary(host + " broke the SMTP protocol: " + e.getMessage());
        } catch (SocketTimeoutException e) {
            throw HostFailure.temporary("timeout talking to " + host + " (" + address.getHostAddress() + "): " + e.getMessage());
        } catch (IOException e) {
            throw HostFailure.temporary("cannot talk to " + host + " (" + address.getHostAddress() + "): " + e.getMessage());
        } catch (MessagingException e) {
            throw HostFailure.temporary("cannot write the mail to " + host + ": " + e.getMessage());
        } finally {
            connections.remove(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // a socket that cannot even be closed is gone all the same
        }
    }

    private NegotiatedTls startTls(SmtpSession session, String host, InetAddress address, TlsPolicy policy) throws IOException, HostFailure {
        SmtpReply reply = session.command("STARTTLS");
        if (reply.code() != 220) {
            throw policy.level().requiresTls() ? HostFailure.of(reply, host + " refused STARTTLS: " + reply.asText())
                : HostFailure.temporary(host + " offered STARTTLS and then refused it: " + reply.asText());
        }
        CapturingTrustManager captured = new CapturingTrustManager();
        SSLSocket socket;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {captured}, null);
            SSLParameters parameters = context.getDefaultSSLParameters();
            parameters.setProtocols(allowedProtocols(parameters.getProtocols(), policy));
            if (isHostName(host)) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            socket = session.startTls(context.getSocketFactory(), host, options.port(), parameters);
        } catch (SSLException e) {
            String reason = "TLS handshake with " + host + " failed"
                + policy.minimumVersion().map(minimum -> " (" + minimum.asString() + " or newer required)").orElse("");
            LOGGER.info("TLS handshake with {} failed", host, e);
            // under 'may' the server's broken TLS is its own fault for now; clear text is still never an option
            throw policy.level().requiresTls() ? HostFailure.policy(reason) : HostFailure.temporary(reason);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JDK cannot set up TLS", e);
        }
        String protocol = socket.getSession().getProtocol();
        policy.minimumVersion().ifPresent(minimum -> {
            if (!minimum.isMetBy(protocol)) {
                throw HostFailure.policy(host + " negotiated " + protocol + ", below the required " + minimum.asString());
            }
        });
        X509Certificate[] chain = captured.chain().orElseThrow(() -> HostFailure.policy(host + " presented no certificate"));
        if (policy.level() == Level.VERIFY) {
            verify(host, chain, captured.authType(), policy);
        }
        if (!policy.pins().isEmpty() && policy.pins().stream().noneMatch(pin -> pin.matches(chain[0]))) {
            throw HostFailure.policy("certificate of " + host + " matches no pinned fingerprint (it is cert-sha256:"
                + TlsPolicy.Pin.ofCertificate(chain[0]).asString().substring("cert-sha256:".length()) + ")");
        }
        return new NegotiatedTls(host, protocol, socket.getSession().getCipherSuite(), chain[0]);
    }

    private void verify(String host, X509Certificate[] chain, String authType, TlsPolicy policy) throws HostFailure {
        try {
            options.trustManager().checkServerTrusted(chain, authType);
        } catch (CertificateException | RuntimeException e) {
            LOGGER.info("Certificate of {} is not trusted", host, e);
            throw HostFailure.policy("certificate of " + host + " is not trusted (no path to a trusted CA, or expired)");
        }
        List<String> references = new ArrayList<>();
        references.add(host);
        references.addAll(policy.names());
        if (!ServerNames.certificateMatches(chain[0], references)) {
            List<String> presented = ServerNames.dnsNames(chain[0]);
            throw HostFailure.policy("certificate name mismatch: " + host + " (the certificate names "
                + (presented.isEmpty() ? "no DNS name" : String.join(", ", presented)) + ")");
        }
    }

    private static String[] allowedProtocols(String[] defaults, TlsPolicy policy) {
        Optional<TlsVersion> minimum = policy.minimumVersion();
        return Arrays.stream(defaults)
            .filter(protocol -> minimum.map(version -> version.isMetBy(protocol)).orElse(true))
            .toArray(String[]::new);
    }

    private static boolean isHostName(String host) {
        return !host.isEmpty() && !Character.isDigit(host.charAt(host.length() - 1)) && host.indexOf(':') < 0;
    }

    private static SmtpReply expect(SmtpReply reply, String host, String step) throws HostFailure {
        if (!reply.isPositive()) {
            throw HostFailure.of(reply, host + " refused " + step + ": " + reply.asText());
        }
        return reply;
    }

    private static void quietly(SmtpSession session) {
        try {
            session.command("QUIT");
        } catch (IOException e) {
            // the mail is already accepted; a server that drops the connection on QUIT changes nothing
        }
    }

    /** Why one host could not take the mail. */
    private static final class HostFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean permanent;
        private final boolean sameForEveryAddress;

        private HostFailure(String message, boolean permanent, boolean sameForEveryAddress) {
            super(message, null, false, false);
            this.permanent = permanent;
            this.sameForEveryAddress = sameForEveryAddress;
        }

        static HostFailure temporary(String message) {
            return new HostFailure(message, false, false);
        }

        /** The host does not meet the policy: permanent, and no other address of the same host is tried. */
        static HostFailure policy(String message) {
            return new HostFailure(message, true, true);
        }

        static HostFailure of(SmtpReply reply, String message) {
            return new HostFailure(message, !reply.isTransientFailure(), false);
        }
    }

    /**
     * Accepts every chain during the handshake and keeps it, so that the checks run after it, each failing with its
     * own sentence ("not trusted", "name mismatch") rather than one handshake alert. Nothing of the mail is sent
     * before they pass.
     */
    private static final class CapturingTrustManager extends X509ExtendedTrustManager {
        private X509Certificate[] chain;
        private String authType;

        Optional<X509Certificate[]> chain() {
            return chain == null || chain.length == 0 ? Optional.empty() : Optional.of(chain.clone());
        }

        String authType() {
            return authType;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            this.chain = chain.clone();
            this.authType = authType;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("RequireTls is an SMTP client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
