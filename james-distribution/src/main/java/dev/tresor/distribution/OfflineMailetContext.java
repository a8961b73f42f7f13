package dev.tresor.distribution;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.mailet.HostAddress;
import org.apache.mailet.LookupException;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantDirectory;
import dev.tresor.keys.TenantId;

/**
 * What the mailets of {@code tresor-process} see of a James that is not there: log lines go to standard error, mail
 * the mailets send on (copies, bounces) is noted there and optionally written to a directory, local domains are those
 * the key repository maps to a tenant (plus {@code --local-domain}), and there is no DNS.
 */
// the Mailet API 3.8.1 still declares its deprecated methods abstract: a context must implement them
@SuppressWarnings("deprecation")
final class OfflineMailetContext implements MailetContext {
    private static final Logger LOGGER = LoggerFactory.getLogger(OfflineMailetContext.class);

    private final TenantDirectory tenants;
    private final Set<String> localDomains;
    private final PrintStream stderr;
    private final Optional<Path> copiesDirectory;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private int copies;

    OfflineMailetContext(TenantDirectory tenants, List<String> localDomains, PrintStream stderr, Optional<Path> copiesDirectory) {
        this.tenants = tenants;
        this.localDomains = localDomains.stream().map(EmailAddress::normaliseDomain).collect(Collectors.toSet());
        this.stderr = stderr;
        this.copiesDirectory = copiesDirectory;
    }

    /** How many mails the mailets sent on. */
    int copies() {
        return copies;
    }

    @Override
    public boolean isLocalServer(Domain domain) {
        String normalised = EmailAddress.normaliseDomain(domain.asString());
        return localDomains.contains(normalised) || isMappedToATenant(normalised);
    }

    private boolean isMappedToATenant(String domain) {
        TenantId tenant;
        try {
            tenant = tenants.tenantOf(domain);
        } catch (IllegalArgumentException notMappedAndNoValidTenantId) {
            return false;
        }
        return tenants.domains(tenant).contains(domain);
    }

    /** No users offline: an address is local when its domain is. */
    @Override
    public boolean isLocalEmail(MailAddress address) {
        return address != null && isLocalServer(address.getDomain());
    }

    @Override
    public boolean isLocalUser(String user) {
        try {
            return isLocalEmail(new MailAddress(user));
        } catch (javax.mail.internet.AddressException notAnAddress) {
            return false;
        }
    }

    @Override
    public MailAddress getPostmaster() {
        try {
            return new MailAddress("postmaster", localDomains.stream().sorted().findFirst().orElse("localhost"));
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalStateException("No postmaster address for the local domains " + localDomains, e);
        }
    }

    // mail the mailets send on

    @Override
    public void sendMail(Mail mail) throws MessagingException {
        sendMail(mail, Mail.DEFAULT);
    }

    @Override
    public void sendMail(Mail mail, long delay, TimeUnit unit) throws MessagingException {
        sendMail(mail, Mail.DEFAULT);
    }

    @Override
    public void sendMail(Mail mail, String state, long delay, TimeUnit unit) throws MessagingException {
        sendMail(mail, state);
    }

    @Override
    public void sendMail(Mail mail, String state) throws MessagingException {
        record("mail for " + mail.getRecipients() + " to processor '" + state + "'", mail.getMessage());
    }

    @Override
    public void sendMail(MimeMessage message) throws MessagingException {
        record("a new message (recipients from its headers) to processor '" + Mail.DEFAULT + "'", message);
    }

    @Override
    public void sendMail(MailAddress sender, Collection<MailAddress> recipients, MimeMessage message) throws MessagingException {
        sendMail(sender, recipients, message, Mail.DEFAULT);
    }

    @Override
    public void sendMail(MailAddress sender, Collection<MailAddress> recipients, MimeMessage message, String state)
        throws MessagingException {
        record("mail from " + sender + " for " + recipients + " to processor '" + state + "'", message);
    }

    @Override
    public void bounce(Mail mail, String message) throws MessagingException {
        record("a bounce to " + mail.getMaybeSender().asString() + " (" + message + ")", mail.getMessage());
    }

    @Override
    public void bounce(Mail mail, String message, MailAddress bouncer) throws MessagingException {
        bounce(mail, message);
    }

    private synchronized void record(String what, MimeMessage message) throws MessagingException {
        copies++;
        if (copiesDirectory.isEmpty()) {
            stderr.println("note: a mailet sent " + what + "; not kept (use --copies DIR)");
            return;
        }
        Path file = copiesDirectory.get().resolve("copy-" + copies + ".eml");
        try {
            Files.createDirectories(copiesDirectory.get());
            try (OutputStream out = Files.newOutputStream(file)) {
                message.writeTo(out);
            }
        } catch (IOException e) {
            throw new MessagingException("Cannot write " + file + ": " + e.getMessage(), e);
        }
        stderr.println("note: a mailet sent " + what + "; written to " + file);
    }

    // no DNS offline

    @Override
    public Collection<String> getMailServers(Domain domain) {
        return Collections.emptyList();
    }

    @Override
    public Iterator<HostAddress> getSMTPHostAddresses(Domain domain) {
        return Collections.emptyIterator();
    }

    @Override
    public List<String> dnsLookup(String name, RecordType type) throws LookupException {
        throw new LookupException("no DNS in tresor-process (offline): cannot look up " + type + " " + name);
    }

    // logging

    @Override
    public void log(String message) {
        log(LogLevel.INFO, message);
    }

    @Override
    public void log(String message, Throwable t) {
        log(LogLevel.ERROR, message, t);
    }

    @Override
    public void log(LogLevel level, String message) {
        stderr.println(level + ": " + message);
    }

    @Override
    public void log(LogLevel level, String message, Throwable t) {
        stderr.println(level + ": " + message + ": " + t);
    }

    @Override
    public Logger getLogger() {
        return LOGGER;
    }

    // the container's own attributes and identity

    @Override
    public Iterator<String> getAttributeNames() {
        return attributes.keySet().iterator();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        attributes.remove(name);
    }

    /** The Mailet API version James 3.8.1 implements. */
    @Override
    public int getMajorVersion() {
        return 2;
    }

    @Override
    public int getMinorVersion() {
        return 4;
    }

    @Override
    public String getServerInfo() {
        return "Tresor tresor-process (offline, Apache James 3.8.1 mailet API)";
    }
}
