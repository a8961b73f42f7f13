package dev.tresor.mailets;

import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.AutocryptOutcome;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.keys.io.KeyMaterialException;
import dev.tresor.keys.io.PgpKeys;
import dev.tresor.keys.io.PgpPublicKeyInfo;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.RecipientTenants;
import dev.tresor.mailets.support.Senders;

/**
 * Autocrypt (Level 1) for the gateway: learns OpenPGP keys from the {@code Autocrypt:} header of incoming mail, and
 * optionally advertises the sender's own key in outgoing mail.
 *
 * <p>{@code mode=harvest} (default, in {@code local-delivery}): the single valid {@code Autocrypt} header of a mail
 * whose {@code addr} is the From address is read; its key goes into the vault of each local recipient's tenant as
 * {@link Origin#HARVESTED}, once. It is refused (the reason in {@code tresor.pgp.autocrypt}, nothing stored) when the
 * header is malformed, names an unknown critical attribute, or there are several; when {@code addr} is not the From
 * address; when the key's user ids name any address other than the From address (a key for someone else must not be
 * planted through a header); and when the tenant already holds an imported key for the address (a harvested key never
 * displaces what an administrator imported; a harvested copy of that same key changes nothing of it). Autocrypt is
 * trust on first use: a forged From can plant a key for an address the tenant has none for, so chain it after a
 * DKIM or SPF check if that matters.
 *
 * <p>{@code mode=advertise} (in {@code relay}): adds {@code Autocrypt: addr=<sender>; keydata=...} with the sender's own
 * key (one the sender's tenant holds the secret key of) to mail whose From is that sender, replacing any such header
 * the client set. Mail of a sender without a key passes unchanged.
 *
 * <pre>{@code
 * <mailet match="All" class="dev.tresor.mailets.Autocrypt">
 *     <mode>harvest</mode>
 * </mailet>
 * }</pre>
 *
 * <p>Writes: {@code tresor.pgp.autocrypt} ({@code harvested <fingerprint>}, {@code known <fingerprint>} or
 * {@code refused: <reason>}); an audit event HARVEST per tenant that stored a new key.
 */
public class Autocrypt extends GenericMailet {
    public static final String HEADER = "Autocrypt";
    private static final Logger LOGGER = LoggerFactory.getLogger(Autocrypt.class);
    private static final int KEYDATA_LINE = 72;

    private final KeyRepository repository;
    private final TenantResolver tenantResolver;
    private final Clock clock;
    private boolean advertise;
    private KeyUseAudit audit;

    @Inject
    public Autocrypt(KeyRepository repository, TenantResolver tenantResolver) {
        this(repository, tenantResolver, Clock.systemUTC());
    }

    @VisibleForTesting
    Autocrypt(KeyRepository repository, TenantResolver tenantResolver, Clock clock) {
        this.repository = repository;
        this.tenantResolver = tenantResolver;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("mode"));
        advertise = new InitParameters(this).choice("mode", "harvest", Map.of("harvest", false, "advertise", true));
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (advertise) {
            advertise(mail);
        } else {
            harvest(mail);
        }
    }

    private void harvest(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        String[] headers = message.getHeader(HEADER);
        if (headers == null || headers.length == 0) {
            return;
        }
        Optional<EmailAddress> from = Senders.from(message);
        try {
            if (headers.length > 1) {
                throw new Refused("several Autocrypt headers");
            }
            if (from.isEmpty()) {
                throw new Refused("the From header must name exactly one address");
            }
            Map<String, String> attributes = attributes(headers[0]);
            EmailAddress addr = address(attributes.get("addr"));
            if (!addr.equals(from.get())) {
                throw new Refused("addr " + addr.asString() + " is not the From address " + from.get().asString());
            }
            byte[] keydata = keydata(attributes.get("keydata"));
            PgpPublicKeyInfo key = singleKey(keydata);
            if (!key.emailAddresses().equals(List.of(addr))) {
                throw new Refused("the key's user ids name " + key.emailAddresses() + ", not only " + addr.asString());
            }
            String outcome = AutocryptOutcome.known(key.fingerprint());
            for (TenantId tenant : RecipientTenants.of(mail, getMailetContext(), tenantResolver).keySet()) {
                outcome = store(tenant, addr, keydata, key, message).orElse(outcome);
            }
            AutocryptOutcome.set(mail, outcome);
        } catch (Refused e) {
            AutocryptOutcome.setRefused(mail, e.getMessage());
            LOGGER.info("Mail {}: Autocrypt header refused: {}", mail.getName(), e.getMessage());
        }
    }

    /** Stores the key in the tenant's vault unless it holds an imported key for the address; the outcome if stored. */
    private Optional<String> store(TenantId tenant, EmailAddress addr, byte[] keydata, PgpPublicKeyInfo key, MimeMessage message)
        throws Refused {
        List<PgpKeyEntry> existing = repository.pgpKeys().encryptionKeys(tenant, addr, SelectionPolicy.ALL_VALID);
        boolean imported = existing.stream().anyMatch(entry -> entry.origin() != Origin.HARVESTED
            && !entry.fingerprint().asString().equals(key.fingerprint()));
        if (imported) {
            throw new Refused("tenant " + tenant.asString() + " holds an imported key for " + addr.asString());
        }
        boolean known = existing.stream().anyMatch(entry -> entry.fingerprint().asString().equals(key.fingerprint()));
        PgpKeyEntry stored;
        try {
            stored = repository.pgpKeys().addPublicKey(tenant, keydata, Origin.HARVESTED);
        } catch (UnknownTenantException e) {
            // a local domain no tenant was created for has no vault to learn into
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        if (known) {
            return Optional.empty();
        }
        audit.record(tenant, AuditEvent.Operation.HARVEST, stored.fingerprint(), Optional.of(addr), KeyUseAudit.messageId(message));
        LOGGER.info("Harvested OpenPGP key {} of {} into tenant {} from an Autocrypt header", stored.fingerprint(), addr.asString(),
            tenant.asString());
        return Optional.of(AutocryptOutcome.harvested(stored.fingerprint().asString()));
    }

    private void advertise(Mail mail) throws MessagingException {
        MimeMessage message = MailMessages.toRead(mail);
        Optional<EmailAddress> from = Senders.from(message);
        if (from.isEmpty()) {
            return;
        }
        TenantId tenant = tenantResolver.tenantOf(from.get());
        Optional<PgpKeyEntry> own = repository.pgpKeys().encryptionKeys(tenant, from.get(), SelectionPolicy.ALL_VALID).stream()
            .filter(PgpKeyEntry::hasSecretKey)
            .findFirst();
        if (own.isEmpty()) {
            return;
        }
        MailMessages.setHeader(mail, HEADER, headerValue(from.get(), own.get().encoded()));
    }

    static String headerValue(EmailAddress addr, byte[] key) {
        String base64 = Base64.getEncoder().encodeToString(key);
        StringBuilder value = new StringBuilder("addr=").append(addr.asString()).append("; keydata=");
        for (int start = 0; start < base64.length(); start += KEYDATA_LINE) {
            value.append("\r\n ").append(base64, start, Math.min(base64.length(), start + KEYDATA_LINE));
        }
        return value.toString();
    }

    /** The header's attributes; an unknown attribute without the non-critical {@code _} prefix refuses the header. */
    private static Map<String, String> attributes(String header) throws Refused {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String item : MimeUtility.unfold(header).split(";")) {
            String trimmed = item.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw new Refused("malformed attribute '" + abbreviate(trimmed) + "'");
            }
            String name = trimmed.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            if (!name.equals("addr") && !name.equals("keydata") && !name.equals("prefer-encrypt") && !name.startsWith("_")) {
                throw new Refused("unknown critical attribute '" + name + "'");
            }
            if (attributes.put(name, trimmed.substring(equals + 1).trim()) != null) {
                throw new Refused("attribute '" + name + "' given twice");
            }
        }
        return attributes;
    }

    private static EmailAddress address(String addr) throws Refused {
        if (addr == null) {
            throw new Refused("no addr attribute");
        }
        try {
            return EmailAddress.of(addr);
        } catch (IllegalArgumentException e) {
            throw new Refused("addr '" + abbreviate(addr) + "' is not an address");
        }
    }

    private static byte[] keydata(String keydata) throws Refused {
        if (keydata == null) {
            throw new Refused("no keydata attribute");
        }
        try {
            return Base64.getMimeDecoder().decode(keydata.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new Refused("keydata is not base64");
        }
    }

    private static PgpPublicKeyInfo singleKey(byte[] keydata) throws Refused {
        try {
            List<PgpPublicKeyInfo> keys = PgpKeys.readPublicKeys(keydata);
            if (keys.size() != 1) {
                throw new Refused("keydata holds " + keys.size() + " keys, not one");
            }
            return keys.get(0);
        } catch (KeyMaterialException e) {
            throw new Refused("keydata is not a usable OpenPGP key: " + e.getMessage());
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** Why a header was not used; the mail itself is delivered as usual. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Harvests OpenPGP keys from Autocrypt headers into the recipient tenant, or advertises the sender's key";
    }
}
