package dev.tresor.keys.james;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.lifecycle.ExpiringKey;

/**
 * Tells a tenant's admin (the {@code notify} address of its CA settings) which keys from outside expire soon: Tresor
 * renews only the keys it issued. One plain-text mail per tenant and renewal run, from James's postmaster, through
 * James's mailet container (so it takes the normal way out, signed or not as the chain decides); each key is named at
 * most once a day, however often the job runs. What was named is kept in memory: after a restart a key may be named
 * once more that day.
 */
@Singleton
public final class ExpiryNotices {
    private static final Logger LOGGER = LoggerFactory.getLogger(ExpiryNotices.class);
    private static final Session SESSION = Session.getInstance(new java.util.Properties());

    private final MailetContext mailetContext;
    private final Clock clock;
    private final Map<String, LocalDate> named = new ConcurrentHashMap<>();

    @Inject
    public ExpiryNotices(MailetContext mailetContext, Clock clock) {
        this.mailetContext = mailetContext;
        this.clock = clock;
    }

    /**
     * Mails the keys not named to this address today.
     *
     * @return the keys named in the mail; none when there was nothing new to say
     * @throws IllegalStateException when the mail could not be handed to James
     */
    public List<ExpiringKey> notify(TenantId tenant, EmailAddress to, List<ExpiringKey> expiring) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<ExpiringKey> fresh = expiring.stream()
            .filter(key -> !today.equals(named.get(key(tenant, to, key))))
            .collect(Collectors.toList());
        if (fresh.isEmpty()) {
            return fresh;
        }
        try {
            mailetContext.sendMail(mailetContext.getPostmaster(), List.of(new MailAddress(to.asString())),
                message(tenant, to, fresh));
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot send the expiry notice of tenant " + tenant.asString() + " to "
                + to.asString() + ": " + e.getMessage(), e);
        }
        fresh.forEach(key -> named.put(key(tenant, to, key), today));
        LOGGER.info("Expiry notice for tenant {} sent to {}: {} key(s)", tenant.asString(), to.asString(), fresh.size());
        return fresh;
    }

    private MimeMessage message(TenantId tenant, EmailAddress to, List<ExpiringKey> keys) throws MessagingException {
        MimeMessage message = new MimeMessage(SESSION);
        message.setFrom(from());
        message.setRecipients(MimeMessage.RecipientType.TO, to.asString());
        message.setSubject("Tresor: " + keys.size() + " key(s) of tenant " + tenant.asString() + " expire soon", "UTF-8");
        StringBuilder text = new StringBuilder()
            .append("These certificates and OpenPGP keys of tenant ").append(tenant.asString())
            .append(" come from outside (imported or harvested), so Tresor does not renew them.\n")
            .append("Import new ones (your users' own keys) or ask the partners for new ones:\n\n");
        for (ExpiringKey key : keys) {
            text.append("- ").append(key.kind() == dev.tresor.keys.lifecycle.KeyKind.SMIME ? "certificate" : "OpenPGP key")
                .append(' ').append(key.addresses().stream().map(EmailAddress::asString).collect(Collectors.joining(", ")))
                .append(", ").append(key.ownKey() ? "one of your users' own" : "a partner's")
                .append(", expires ").append(LocalDate.ofInstant(key.notAfter(), ZoneOffset.UTC))
                .append(" (").append(key.fingerprint()).append(")\n");
        }
        text.append("\nGET /tresor/tenants/").append(tenant.asString()).append("/expiring lists them.\n");
        message.setText(text.toString(), "UTF-8");
        message.setHeader("Auto-Submitted", "auto-generated");
        message.saveChanges();
        return message;
    }

    private InternetAddress from() throws AddressException {
        return Optional.ofNullable(mailetContext.getPostmaster())
            .map(postmaster -> postmaster.toInternetAddress().orElse(null))
            .orElse(new InternetAddress("postmaster@localhost"));
    }

    private static String key(TenantId tenant, EmailAddress to, ExpiringKey key) {
        return tenant.asString() + "|" + to.asString() + "|" + key.kind().asString() + "|" + key.fingerprint();
    }
}
