package dev.tresor.quarantine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.authentication.AuthenticationFilter;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.ErrorResponder.ErrorType;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.mailet.Mail;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.QuarantineRelease;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Each tenant's quarantine over WebAdmin, under the tenant's own path so that a token bound to the tenant reaches it:
 * <table>
 *     <caption>Routes</caption>
 *     <tr><td>GET /tresor/tenants/{tenant}/quarantine</td><td>the held mail, oldest first: id, received, sender,
 *         recipients, subject, reason, policy</td></tr>
 *     <tr><td>GET /tresor/tenants/{tenant}/quarantine/{id}</td><td>one mail: the same, its headers, size and the
 *         processor a release sends it to; {@code ?raw} returns the message itself (message/rfc822)</td></tr>
 *     <tr><td>POST /tresor/tenants/{tenant}/quarantine/{id}?action=release[&amp;processor=name]</td><td>the mail
 *         re-enters James's spool at the processor it was held with ({@code relay} for outgoing mail), or the one
 *         named; audited ({@code RELEASE}). Outgoing mail is protected again there, and held again if it still cannot
 *         be: a release never sends clear text that the chain would not send.</td></tr>
 *     <tr><td>DELETE /tresor/tenants/{tenant}/quarantine/{id}</td><td>gone for good; audited
 *         ({@code DELETE_QUARANTINED})</td></tr>
 * </table>
 * Bound in Tresor's distribution; in a stock James, add {@code dev.tresor.quarantine.QuarantineRoutes} to
 * {@code extensions.routes} in webadmin.properties.
 */
public final class QuarantineRoutes implements Routes {
    public static final String BASE = "/tresor/tenants";
    private static final String QUARANTINE = BASE + "/:tenant/quarantine";
    private static final String ONE = QUARANTINE + "/:id";
    private static final Logger LOGGER = LoggerFactory.getLogger(QuarantineRoutes.class);
    /** Who acted when WebAdmin authentication is off (with it on: the token's subject). */
    private static final String ANONYMOUS = "admin";

    private final KeyRepository repository;
    private final TenantQuarantine quarantine;
    private final MailQueueFactory<?> queues;
    private final Clock clock;
    private final JsonTransformer json;

    @Inject
    public QuarantineRoutes(KeyRepository repository, TenantQuarantine quarantine,
                            MailQueueFactory<?> queues, JsonTransformer json) {
        this(repository, quarantine, queues, Clock.systemUTC(), json);
    }

    @VisibleForTesting
    public QuarantineRoutes(KeyRepository repository, TenantQuarantine quarantine,
                            MailQueueFactory<?> queues, Clock clock, JsonTransformer json) {
        this.repository = repository;
        this.quarantine = quarantine;
        this.queues = queues;
        this.clock = clock;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(QUARANTINE, this::list, json);
        service.get(ONE, this::details);
        service.post(ONE, this::act);
        service.delete(ONE, this::delete);
    }

    private List<Summary> list(Request request, Response response) throws MessagingException {
        TenantId tenant = tenant(request);
        List<Summary> held = new ArrayList<>();
        for (TenantQuarantine.Held mail : quarantine.list(tenant)) {
            held.add(new Summary(mail));
        }
        held.sort(Comparator.comparing(summary -> Optional.ofNullable(summary.getReceived()).orElse("")));
        return held;
    }

    private Object details(Request request, Response response) throws MessagingException, IOException {
        TenantQuarantine.Held held = held(request, tenant(request));
        if (request.queryParams().contains("raw")) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            held.mail().getMessage().writeTo(raw);
            response.type("message/rfc822");
            return raw.toByteArray();
        }
        response.type("application/json");
        return json.render(new Details(held));
    }

    private String act(Request request, Response response) throws Exception {
        String action = Optional.ofNullable(request.queryParams("action")).orElse("");
        if (!action.equals("release")) {
            throw badRequest("Invalid action '" + action + "': the only action is release (?action=release)");
        }
        TenantId tenant = tenant(request);
        TenantQuarantine.Held held = held(request, tenant);
        Mail mail = held.mail();
        String processor = Optional.ofNullable(request.queryParams("processor")).filter(name -> !name.isBlank())
            .or(() -> QuarantineRelease.releaseTo(mail)).orElse("relay");
        mail.setState(processor);
        mail.removeAttribute(FailureReason.NAME);
        mail.removeAttribute(PolicyDecision.NAME);
        String admin = admin(request);
        QuarantineRelease.setReleasedBy(mail, admin);
        MailQueue spool = queues.getQueue(MailQueueFactory.SPOOL)
            .orElseThrow(() -> new IllegalStateException("James has no spool queue"));
        spool.enQueue(mail);
        quarantine.remove(tenant, held.key());
        audit(tenant, AuditEvent.Operation.RELEASE, mail, "released by " + admin + " to processor " + processor);
        LOGGER.info("Quarantined mail {} of tenant {} released by {} to processor {}", held.key().asString(),
            tenant.asString(), admin, processor);
        response.status(HttpStatus.NO_CONTENT_204);
        return "";
    }

    private String delete(Request request, Response response) throws MessagingException {
        TenantId tenant = tenant(request);
        TenantQuarantine.Held held = held(request, tenant);
        quarantine.remove(tenant, held.key());
        audit(tenant, AuditEvent.Operation.DELETE_QUARANTINED, held.mail(), "deleted by " + admin(request));
        response.status(HttpStatus.NO_CONTENT_204);
        return "";
    }

    private void audit(TenantId tenant, AuditEvent.Operation operation, Mail mail, String detail) {
        AuditEvent event = AuditEvent.of(clock.instant(), tenant, operation).withDetail(detail);
        repository.audit().append(messageId(mail).map(event::withMessageId).orElse(event));
    }

    private static String admin(Request request) {
        Object login = request.attribute(AuthenticationFilter.LOGIN);
        return login == null || login.toString().isBlank() ? ANONYMOUS : login.toString();
    }

    private TenantId tenant(Request request) {
        TenantId tenant;
        try {
            tenant = TenantId.of(request.params("tenant"));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
        if (!repository.tenants().exists(tenant)) {
            throw notFound("Tenant '" + tenant.asString() + "' does not exist");
        }
        return tenant;
    }

    private TenantQuarantine.Held held(Request request, TenantId tenant) throws MessagingException {
        String id = request.params("id");
        return quarantine.get(tenant, new MailKey(id))
            .orElseThrow(() -> notFound("The quarantine of tenant '" + tenant.asString() + "' holds no mail '" + id + "'"));
    }

    private static HaltException badRequest(String message) {
        return ErrorResponder.builder().statusCode(HttpStatus.BAD_REQUEST_400).type(ErrorType.INVALID_ARGUMENT)
            .message(message).haltError();
    }

    private static HaltException notFound(String message) {
        return ErrorResponder.builder().statusCode(HttpStatus.NOT_FOUND_404).type(ErrorType.NOT_FOUND)
            .message(message).haltError();
    }

    private static Optional<String> messageId(Mail mail) {
        try {
            return Optional.ofNullable(mail.getMessage().getMessageID());
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }

    /** One held mail in the list (Jackson reads the getters). */
    public static class Summary {
        private final String id;
        private final String received;
        private final String sender;
        private final List<String> recipients;
        private final String subject;
        private final String reason;
        private final String policy;

        Summary(TenantQuarantine.Held held) {
            Mail mail = held.mail();
            this.id = held.key().asString();
            this.received = Optional.ofNullable(mail.getLastUpdated()).map(Date::toInstant).map(Object::toString).orElse(null);
            this.sender = mail.getMaybeSender().asString();
            this.recipients = mail.getRecipients().stream().map(Object::toString).collect(Collectors.toList());
            this.subject = subject(mail);
            this.reason = FailureReason.of(mail).orElse(null);
            this.policy = PolicyDecision.of(mail).orElse(null);
        }

        private static String subject(Mail mail) {
            try {
                return mail.getMessage().getSubject();
            } catch (MessagingException e) {
                return null;
            }
        }

        public String getId() {
            return id;
        }

        public String getReceived() {
            return received;
        }

        public String getSender() {
            return sender;
        }

        public List<String> getRecipients() {
            return recipients;
        }

        public String getSubject() {
            return subject;
        }

        public String getReason() {
            return reason;
        }

        public String getPolicy() {
            return policy;
        }
    }

    /** One held mail in detail. */
    public static class Details extends Summary {
        private final Map<String, List<String>> headers;
        private final long size;
        private final String releaseTo;

        Details(TenantQuarantine.Held held) throws MessagingException {
            super(held);
            Mail mail = held.mail();
            this.headers = headers(mail.getMessage());
            this.size = mail.getMessageSize();
            this.releaseTo = QuarantineRelease.releaseTo(mail).orElse("relay");
        }

        private static Map<String, List<String>> headers(MimeMessage message) throws MessagingException {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Header header : Collections.list(message.getAllHeaders())) {
                headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
            }
            return headers;
        }

        public Map<String, List<String>> getHeaders() {
            return headers;
        }

        public long getSize() {
            return size;
        }

        public String getReleaseTo() {
            return releaseTo;
        }
    }
}
