package dev.tresor.mailets;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.Protections;
import dev.tresor.mailets.support.RecipientKeys;
import dev.tresor.mailets.support.Senders;
import dev.tresor.mailets.support.SigningAuthorisation;
import dev.tresor.pgp.PgpEncryptor;
import dev.tresor.pgp.PgpException;
import dev.tresor.pgp.TenantPgpKeys;

/**
 * Encrypts a mail with OpenPGP (PGP/MIME, RFC 3156) to all its recipients at once, using the keys that the <b>sender's
 * tenant</b> holds for them (its own vault first, then partners that federate with it). Put
 * {@code RecipientHasPgpKey} in front, so that only recipients with a key reach it; the others continue down the chain.
 *
 * <p>Domain encryption: a recipient without a key of its own, for whom ApplyPolicy chose the partner gateway key of
 * the policy ({@code gatewayPgpKey}, recorded in {@code tresor.policy.gateway}), is encrypted to that key.
 *
 * <p>If any recipient has no usable key, nothing is sent: the mail goes to {@code onFailure} with the addresses in the
 * reason. A message that is already encrypted, with OpenPGP or S/MIME as a whole (by the sender's client) or by any
 * Tresor mailet earlier in the chain ({@code tresor.protection.applied}: S/MIME, OpenPGP, PDF), passes unchanged: one
 * protection per recipient, never S/MIME inside OpenPGP.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.RecipientHasPgpKey" class="dev.tresor.mailets.EncryptPgp">
 *     <sign>false</sign>
 *     <encryptToSender>true</encryptToSender>
 *     <onFailure>tresor-quarantine</onFailure>
 * </mailet>
 * }</pre>
 *
 * <ul>
 *   <li>{@code selection}: {@code newest} (default: each recipient's newest usable key) or {@code all}.</li>
 *   <li>{@code sign}: {@code true} to sign inside the encryption with the sender's own OpenPGP key (sign, then
 *       encrypt: one message, as {@code gpg --sign --encrypt} makes). The sender must be authorised as for SignPgp
 *       ({@code signFor}, {@code networks}); a sender without a key or authorisation fails the mail. Default
 *       {@code false}: chain SignPgp before this mailet for a PGP/MIME signature inside instead.</li>
 *   <li>{@code signFor}, {@code networks}: as for SignPgp, used only with {@code sign=true}.</li>
 *   <li>{@code encryptToSender}: {@code true} to add the sender's own key (so the sent copy stays readable), when
 *       the sender has one; default {@code false}.</li>
 *   <li>{@code escrow}: an address whose key in the sender's tenant is always added (a compliance archive). If it has
 *       none, the mail fails like a recipient without a key. Default: none.</li>
 *   <li>{@code onFailure}: processor for mail that cannot be encrypted, default {@code tresor-quarantine}.</li>
 * </ul>
 *
 * <p>Encryption: AES-256, SEIPD v1 (with MDC) for v4 keys, SEIPD v2 (AES-OCB) when every key is a v6 key.
 * Writes: the encrypted message; attributes {@code tresor.tenant}, {@code tresor.protection.applied} (adds
 * {@code pgp-encrypted}, and {@code pgp-signed} when signed); one audit event ENCRYPT per key used, with the recipient
 * and the Message-ID, and SIGN for the signing key.
 */
public class EncryptPgp extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(EncryptPgp.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final Clock clock;
    private PgpEncryptor encryptor;
    private SelectionPolicy selection;
    private boolean sign;
    private SigningAuthorisation authorisation;
    private boolean encryptToSender;
    private Optional<EmailAddress> escrow;
    private FailureRouting failures;
    private KeyUseAudit audit;

    @Inject
    public EncryptPgp(KeyRepository repository, TenantResolver tenants) {
        this(repository, tenants, Clock.systemUTC());
    }

    @VisibleForTesting
    EncryptPgp(KeyRepository repository, TenantResolver tenants, Clock clock) {
        this.repository = repository;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(RecipientKeys.SELECTION, "sign", SigningAuthorisation.SIGN_FOR, SigningAuthorisation.NETWORKS,
            "encryptToSender", RecipientKeys.ESCROW, FailureRouting.PARAMETER));
        InitParameters parameters = new InitParameters(this);
        encryptor = new PgpEncryptor(clock);
        selection = RecipientKeys.selection(parameters);
        sign = parameters.bool("sign", false);
        authorisation = SigningAuthorisation.of(this);
        encryptToSender = parameters.bool("encryptToSender", false);
        escrow = RecipientKeys.escrow(parameters);
        failures = FailureRouting.of(this, LOGGER);
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = MailMessages.toReadWhole(mail);
        if (Protections.alreadyEncrypted(mail, message)) {
            LOGGER.debug("Mail {} is already encrypted", mail.getName());
            return;
        }
        Optional<EmailAddress> sender = Senders.from(message);
        if (sender.isEmpty()) {
            failures.route(mail, "Not encrypted: the From header must name exactly one address");
            return;
        }
        try {
            TenantId tenant = tenants.tenantOf(sender.get());
            Instant now = clock.instant();
            Map<EmailAddress, List<PgpKeyEntry>> keys = RecipientKeys.of(mail, escrow,
                address -> RecipientKeys.orGateway(keys(tenant, address), mail, address,
                    fingerprint -> gatewayKey(tenant, fingerprint, now)));
            List<String> missing = RecipientKeys.missing(keys);
            if (!missing.isEmpty()) {
                failures.route(mail, tenant, "Not encrypted: no usable OpenPGP key in tenant " + tenant.asString() + " for "
                    + String.join(", ", missing));
                return;
            }
            Optional<PgpPrivateKeyEntry> signer = Optional.empty();
            if (sign) {
                Optional<String> unauthorised = authorisation.unauthorisedReason(mail, sender.get());
                if (unauthorised.isPresent()) {
                    failures.route(mail, tenant, "Not encrypted: cannot sign inside: " + unauthorised.get());
                    return;
                }
                signer = repository.lifecycle().pgpKey(tenant, sender.get());
                if (signer.isEmpty()) {
                    failures.route(mail, tenant, "Not encrypted: cannot sign inside: no OpenPGP signing key for " + sender.get().asString()
                        + " in tenant " + tenant.asString());
                    return;
                }
            }
            if (encryptToSender) {
                keys.putIfAbsent(sender.get(), keys(tenant, sender.get()));
            }
            MimeMessage encrypted = encryptor.encrypt(message, distinctKeys(keys, now), signer);
            recordUse(tenant, keys, signer, message);
            if (signer.isPresent()) {
                Protections.applied(mail, encrypted, tenant, AppliedProtections.PGP_SIGNED, AppliedProtections.PGP_ENCRYPTED);
            } else {
                Protections.applied(mail, encrypted, tenant, AppliedProtections.PGP_ENCRYPTED);
            }
        } catch (PgpException e) {
            // the reason is a sentence of ours; what the library said stays in the log
            LOGGER.info("Mail {} not encrypted", mail.getName(), e);
            failures.route(mail, "Not encrypted: " + e.getMessage());
        } catch (RuntimeException e) {
            LOGGER.error("Encrypting mail {} failed", mail.getName(), e);
            failures.route(mail, "Not encrypted: " + FailureRouting.unexpected(e, mail));
        }
    }

    private List<PgpKeyEntry> keys(TenantId tenant, EmailAddress address) {
        return repository.pgpKeys().encryptionKeys(tenant, address, selection);
    }

    /** The partner gateway's OpenPGP key the policy named (ApplyPolicy checked it), if it can still encrypt. */
    private Optional<PgpKeyEntry> gatewayKey(TenantId tenant, String fingerprint, Instant now) {
        return repository.pgpKeys().get(tenant, PgpFingerprint.of(fingerprint))
            .filter(entry -> !entry.encryptionKeysAt(now).isEmpty());
    }

    /** The encryption subkey of each distinct key ring (a partner named twice is encrypted to once). */
    private static List<PGPPublicKey> distinctKeys(Map<EmailAddress, List<PgpKeyEntry>> keys, Instant now) throws PgpException {
        Map<Object, PGPPublicKey> distinct = new LinkedHashMap<>();
        for (List<PgpKeyEntry> entries : keys.values()) {
            for (PgpKeyEntry entry : entries) {
                if (!distinct.containsKey(entry.fingerprint())) {
                    distinct.put(entry.fingerprint(), TenantPgpKeys.encryptionKey(entry, now)
                        .orElseThrow(() -> new PgpException("OpenPGP key " + entry.fingerprint() + " has no valid encryption key")));
                }
            }
        }
        return new ArrayList<>(distinct.values());
    }

    private void recordUse(TenantId tenant, Map<EmailAddress, List<PgpKeyEntry>> keys, Optional<PgpPrivateKeyEntry> signer,
                           MimeMessage message) {
        Optional<String> messageId = KeyUseAudit.messageId(message);
        signer.ifPresent(key -> audit.record(tenant, AuditEvent.Operation.SIGN, key.entry().fingerprint(), Optional.empty(), messageId));
        keys.forEach((address, entries) -> entries.forEach(entry ->
            audit.record(tenant, AuditEvent.Operation.ENCRYPT, entry.fingerprint(), Optional.of(address), messageId)));
    }

    @Override
    public String getMailetInfo() {
        return "Encrypts mail with OpenPGP (PGP/MIME) to the recipients' keys from the sender's tenant";
    }
}
