package dev.tresor.mailets;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.Protections;
import dev.tresor.mailets.support.Senders;
import dev.tresor.mailets.support.SigningAuthorisation;
import dev.tresor.mailets.support.SigningPolicy;
import dev.tresor.pgp.PgpException;
import dev.tresor.pgp.PgpSigner;

/**
 * Signs outgoing mail with the sender's own OpenPGP key from the sender's tenant, as PGP/MIME ({@code multipart/signed},
 * RFC 3156): the recipient's client checks it against the From address.
 *
 * <p>The sender is the single address of the {@code From} header. It is signed for only if it is authorised to use
 * that key: authenticated over SMTP as exactly that address (or its local part), or, if configured, connected from a
 * trusted network. A mail already signed (S/MIME or OpenPGP, as a whole) passes unchanged, and so does a mail already
 * encrypted (by the sender's client, or by EncryptSmime before: a signature around its ciphertext would only make
 * EncryptPgp wrap it a second time). A mail that should be signed
 * and cannot be goes to {@code onFailure} with the reason in {@code tresor.failure.reason}: never sent on unsigned.
 *
 * <p>Signing policy ({@code tresor.policy.signing}, recorded by ApplyPolicy): {@code never} passes the mail unsigned;
 * under {@code force} a mail that cannot be signed is held as above and logged as a policy decision
 * ({@code policy-decision outcome=held}).
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.SenderHasPgpKey" class="dev.tresor.mailets.SignPgp">
 *     <hash>SHA-256</hash>
 *     <signFor>authenticated</signFor>
 *     <onFailure>tresor-quarantine</onFailure>
 * </mailet>
 * }</pre>
 *
 * <ul>
 *   <li>{@code hash}: {@code SHA-256} (default), {@code SHA-384} or {@code SHA-512}; never SHA-1.</li>
 *   <li>{@code signFor}: {@code authenticated} (default) or {@code authenticated-or-network}.</li>
 *   <li>{@code networks}: comma-separated CIDR networks whose clients may send signed mail without SMTP AUTH; required
 *       with {@code authenticated-or-network}, refused otherwise.</li>
 *   <li>{@code onFailure}: processor for mail that cannot be signed, default {@code tresor-quarantine}.</li>
 * </ul>
 *
 * <p>Writes: the signed message; attributes {@code tresor.tenant} and {@code tresor.protection.applied} (adds
 * {@code pgp-signed}); an audit event SIGN with the key's fingerprint and the Message-ID.
 */
public class SignPgp extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(SignPgp.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final Clock clock;
    private PgpSigner signer;
    private SigningAuthorisation authorisation;
    private FailureRouting failures;
    private KeyUseAudit audit;

    @Inject
    public SignPgp(KeyRepository repository, TenantResolver tenants) {
        this(repository, tenants, Clock.systemUTC());
    }

    @VisibleForTesting
    SignPgp(KeyRepository repository, TenantResolver tenants, Clock clock) {
        this.repository = repository;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("hash", SigningAuthorisation.SIGN_FOR, SigningAuthorisation.NETWORKS, FailureRouting.PARAMETER));
        InitParameters parameters = new InitParameters(this);
        PgpSigner.Hash hash = parameters.choice("hash", "sha-256",
            Map.of("sha-256", PgpSigner.Hash.SHA256, "sha-384", PgpSigner.Hash.SHA384, "sha-512", PgpSigner.Hash.SHA512));
        signer = new PgpSigner(hash, clock);
        authorisation = SigningAuthorisation.of(this);
        failures = FailureRouting.of(this, LOGGER);
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = MailMessages.toReadWhole(mail);
        if (PgpSigner.isSigned(message) || dev.tresor.smime.SmimeSigner.isSigned(message) || Protections.alreadyEncrypted(mail, message)) {
            LOGGER.debug("Mail {} is already signed or encrypted", mail.getName());
            return;
        }
        if (SigningPolicy.forbids(mail)) {
            LOGGER.debug("Mail {}: the sender's policy says never sign", mail.getName());
            return;
        }
        Optional<EmailAddress> sender = Senders.from(message);
        Optional<String> refused = authorisation.refusal(mail, sender);
        if (refused.isPresent()) {
            SigningPolicy.refuse(failures, mail, "Not signed: " + refused.get());
            return;
        }
        try {
            TenantId tenant = tenants.tenantOf(sender.get());
            Optional<PgpPrivateKeyEntry> key = repository.lifecycle().pgpKey(tenant, sender.get());
            if (key.isEmpty()) {
                TenantAttribute.set(mail, tenant);
                SigningPolicy.refuse(failures, mail, "Not signed: no OpenPGP signing key for " + sender.get().asString() + " in tenant "
                    + tenant.asString());
                return;
            }
            MimeMessage signed = signer.sign(message, key.get());
            audit.record(tenant, AuditEvent.Operation.SIGN, key.get().entry().fingerprint(), Optional.empty(),
                KeyUseAudit.messageId(message));
            Protections.applied(mail, signed, tenant, AppliedProtections.PGP_SIGNED);
        } catch (PgpException e) {
            // the reason is a sentence of ours; what the library said stays in the log
            LOGGER.info("Mail {} not signed", mail.getName(), e);
            SigningPolicy.refuse(failures, mail, "Not signed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOGGER.error("Signing mail {} failed", mail.getName(), e);
            SigningPolicy.refuse(failures, mail, "Not signed: " + FailureRouting.unexpected(e, mail));
        }
    }


    @Override
    public String getMailetInfo() {
        return "Signs outgoing mail with the sender's OpenPGP key from the sender's tenant (PGP/MIME)";
    }
}
