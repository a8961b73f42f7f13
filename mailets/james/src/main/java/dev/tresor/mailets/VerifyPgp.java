package dev.tresor.mailets;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.PgpSignature;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.PgpSignatureRecord;
import dev.tresor.mailets.support.RecipientTenants;
import dev.tresor.mailets.support.Senders;
import dev.tresor.mime.HeaderOnly;
import dev.tresor.mime.HeaderProtection;
import dev.tresor.pgp.PgpVerdict;
import dev.tresor.pgp.PgpVerifier;
import dev.tresor.pgp.TenantPgpKeys;

/**
 * Verifies the OpenPGP signature of an incoming mail (PGP/MIME {@code multipart/signed} or an inline signed message)
 * for its recipients' tenants and records the verdict.
 *
 * <p>Each local recipient's tenant checks with its own vault: the signer's key must be there (imported, or harvested
 * from an Autocrypt header), neither revoked nor expired at the signing time, with a valid user id naming the From
 * address. When tenants disagree, the mail gets the most alarming verdict (revoked, invalid, expired, unknown-key,
 * valid) and the attribute lists each tenant's. A mail without local recipients gets {@code unknown-key}.
 *
 * <p>Writes:
 * <ul>
 *   <li>attribute {@code tresor.pgp.signature}: a map of {@code status} ({@code valid}, {@code invalid},
 *       {@code unknown-key}, {@code revoked}, {@code expired}, {@code none}), {@code signer} (fingerprint),
 *       {@code userId}, {@code reason} and {@code tenants};</li>
 *   <li>header {@code X-Tresor-Pgp-Signature: <status>; signer=<fingerprint>; uid="..."; reason="..."}. Any incoming
 *       header of that name is removed first, signed mail or not, so the header is always ours;</li>
 *   <li>one audit event {@code VERIFY} per tenant that holds the signer's key.</li>
 * </ul>
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsPgpSigned" class="dev.tresor.mailets.VerifyPgp"/>
 * }</pre>
 * It takes no parameters. Match {@code All} instead to write a {@code none} verdict on unsigned mail too.
 *
 * <p>Protected headers (RFC 9788 {@code hp="clear"} or {@code hp="cipher"}, or {@code protected-headers="v1"} as
 * Thunderbird writes them) in the validly signed part of a {@code multipart/signed} mail replace the unsigned outer
 * ones (Subject, From, To, Cc, Date, Reply-To, Message-ID, ...; see {@link HeaderProtection}), so what the recipient
 * reads is what was signed; the replacement is logged with the field names. When that changes the From address, the
 * signature is checked again against the signed From, and that verdict is the one recorded. With any other verdict
 * the outer headers stay as they came. The signed part itself is left unchanged.
 */
public class VerifyPgp extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(VerifyPgp.class);

    private final KeyRepository repository;
    private final TenantResolver tenantResolver;
    private final Clock clock;
    private final PgpVerifier verifier = new PgpVerifier();
    private KeyUseAudit audit;

    @Inject
    public VerifyPgp(KeyRepository repository, TenantResolver tenantResolver) {
        this(repository, tenantResolver, Clock.systemUTC());
    }

    @VisibleForTesting
    VerifyPgp(KeyRepository repository, TenantResolver tenantResolver, Clock clock) {
        this.repository = repository;
        this.tenantResolver = tenantResolver;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of());
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        // the verdict header goes onto a copy whose body is never re-parsed: on James's own message any header change
        // re-parses the body when the mail is written, and a broken multipart would go to the error processor
        MimeMessage message = HeaderOnly.editable(mail.getMessage());
        message.removeHeader(PgpSignature.HEADER);
        Optional<EmailAddress> from = Senders.from(message);
        Map<TenantId, List<MailAddress>> tenants = RecipientTenants.of(mail, getMailetContext(), tenantResolver);
        Map<TenantId, PgpVerdict> perTenant = new LinkedHashMap<>();
        for (TenantId tenant : tenants.keySet()) {
            perTenant.put(tenant, verifier.verify(message, from, new TenantPgpKeys(repository.pgpKeys(), tenant)));
        }
        PgpVerdict verdict = worst(message, from, perTenant);
        if (withSignedHeaders(mail, message, verdict)) {
            from = Senders.from(message);
            for (TenantId tenant : tenants.keySet()) {
                perTenant.put(tenant, verifier.verify(message, from, new TenantPgpKeys(repository.pgpKeys(), tenant)));
            }
            verdict = worst(message, from, perTenant);
        }
        PgpSignatureRecord.record(mail, message, verdict, perTenant, from, audit);
        // James's Mail.setMessage copies the message: it is set once every change is made
        MailMessages.replace(mail, message);
        LOGGER.debug("Mail {}: OpenPGP signature {}", mail.getName(), verdict);
    }

    private PgpVerdict worst(MimeMessage message, Optional<EmailAddress> from, Map<TenantId, PgpVerdict> perTenant) {
        return perTenant.isEmpty() ? verifier.verify(message, from, keyId -> List.of()) : PgpVerdict.worst(perTenant.values());
    }

    /**
     * A valid signature over protected headers: the signed fields replace the unsigned outer ones.
     *
     * @return whether the From address changed, so that the signature must be checked against the signed From
     */
    private static boolean withSignedHeaders(Mail mail, MimeMessage message, PgpVerdict verdict) throws MessagingException {
        if (!verdict.isValid()) {
            return false;
        }
        Optional<MimeBodyPart> signed = HeaderProtection.signedPart(message);
        Optional<HeaderProtection.Restored> restored = signed.isPresent()
            ? HeaderProtection.restoreSigned(message, signed.get()) : Optional.empty();
        if (restored.isEmpty() || restored.get().changed().isEmpty()) {
            return false;
        }
        LOGGER.info("Mail {}: the signed protected headers {} replace the unsigned outer ones", mail.getName(), restored.get().changed());
        return restored.get().fromChanged();
    }

    @Override
    public String getMailetInfo() {
        return "Verifies OpenPGP signatures against the recipient tenant's keys";
    }
}
