package dev.tresor.distribution;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.LoggerFactory;

import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.FailureRouting;

/** Mailets that show what {@code tresor-process} gives a mailet: injection, parameters, envelope, context, routing. */
public final class TestMailets {

    private TestMailets() {
    }

    /** Writes the sender's tenant and how many certificates its vault holds into the header named by {@code header}. */
    public static final class CountTenantCertificates extends GenericMailet {
        private final KeyRepository repository;
        private final TenantResolver tenants;
        private String header;

        @Inject
        public CountTenantCertificates(KeyRepository repository, TenantResolver tenants) {
            this.repository = repository;
            this.tenants = tenants;
        }

        @Override
        public void init() throws MessagingException {
            checkInitParameters(Set.of("header"));
            header = Optional.ofNullable(getInitParameter("header"))
                .orElseThrow(() -> new MessagingException("CountTenantCertificates: 'header' is required"));
        }

        @Override
        public void service(Mail mail) throws MessagingException {
            TenantId tenant = tenants.tenantOf(mail.getMaybeSender().get());
            int certificates = repository.certificates().list(tenant, Optional.empty(), 1000).size();
            mail.getMessage().setHeader(header, tenant.asString() + " " + certificates);
            mail.getMessage().saveChanges();
            mail.setAttribute(new Attribute(TenantAttribute.NAME, AttributeValue.of(tenant.asString())));
        }
    }

    /** Writes the envelope and what the context says of it into {@code X-Test-*} headers. */
    public static final class DescribeEnvelope extends GenericMailet {
        @Override
        public void service(Mail mail) throws MessagingException {
            MimeMessage message = mail.getMessage();
            message.setHeader("X-Test-Sender", mail.getMaybeSender().asString());
            message.setHeader("X-Test-Recipients", mail.getRecipients().stream().map(MailAddress::asString)
                .collect(Collectors.joining(" ")));
            message.setHeader("X-Test-Local-Recipients", getMailetContext().localRecipients(mail.getRecipients()).stream()
                .map(MailAddress::asString).collect(Collectors.joining(" ")));
            message.setHeader("X-Test-Auth-User", mail.getAttribute(Mail.SMTP_AUTH_USER)
                .map(attribute -> attribute.getValue().value().toString()).orElse("none"));
            message.setHeader("X-Test-Remote-Addr", mail.getRemoteAddr());
            message.saveChanges();
        }
    }

    /** Fails closed the way Tresor's protecting mailets do, with the reason given as {@code reason}. */
    public static final class FailClosed extends GenericMailet {
        private FailureRouting failure;

        @Override
        public void init() throws MessagingException {
            failure = FailureRouting.of(this, LoggerFactory.getLogger(FailClosed.class));
        }

        @Override
        public void service(Mail mail) {
            failure.route(mail, getInitParameter("reason"));
        }
    }

    /** Sends a copy of the mail to the processor {@code archive}, as a splitting or archiving mailet would. */
    public static final class CopyToArchive extends GenericMailet {
        @Override
        public void service(Mail mail) throws MessagingException {
            getMailetContext().sendMail(mail.duplicate(), "archive");
        }
    }

    /** Throws, as a mailet with a bug would. */
    public static final class Broken extends GenericMailet {
        @Override
        public void service(Mail mail) throws MessagingException {
            throw new MessagingException("broken on purpose");
        }
    }
}
