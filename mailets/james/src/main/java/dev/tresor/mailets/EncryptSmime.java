package dev.tresor.mailets;

import java.security.cert.X509Certificate;
import java.time.Clock;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.Protections;
import dev.tresor.mailets.support.RecipientKeys;
import dev.tresor.mailets.support.Senders;
import dev.tresor.smime.EncryptionOptions;
import dev.tresor.smime.SmimeEncryptor;
import dev.tresor.smime.SmimeException;

/**
 * Encrypts a mail with S/MIME to all its recipients at once, using the certificates that the <b>sender's tenant</b>
 * holds for them (its own directory first, then partners that federate with it). Put
 * {@code RecipientHasSmimeCertificate} in front, so that only recipients with a certificate reach it; the others
 * continue down the chain (to PdfWrap, say).
 *
 * <p>Domain encryption: a recipient without a certificate of its own, for whom ApplyPolicy chose the partner gateway
 * certificate of the policy ({@code gatewayCertificate}, recorded in {@code tresor.policy.gateway}), is encrypted to
 * that certificate.
 *
 * <p>If any recipient has no usable certificate, nothing is sent: the mail goes to {@code onFailure} with the
 * addresses in the reason. A message that is already encrypted (S/MIME or OpenPGP as a whole by the sender's client,
 * or by a Tresor mailet before: {@code tresor.protection.applied}) passes unchanged: one protection per recipient.
 * Chained after SignSmime, the signed message is encrypted as it is (sign, then encrypt).
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.RecipientHasSmimeCertificate" class="dev.tresor.mailets.EncryptSmime">
 *     <cipher>aes256-cbc</cipher>
 *     <keyTransport>rsa-pkcs1</keyTransport>
 *     <encryptToSender>true</encryptToSender>
 *     <onFailure>tresor-quarantine</onFailure>
 * </mailet>
 * }</pre>
 *
 * <ul>
 *   <li>{@code cipher}: {@code aes256-cbc} (default, EnvelopedData, read by every client) or {@code aes256-gcm}
 *       (AuthEnvelopedData, RFC 5083/5084, authenticated).</li>
 *   <li>{@code keyTransport}: {@code rsa-pkcs1} (default, widest support) or {@code rsa-oaep} (SHA-256) for RSA
 *       certificates; EC certificates always use ECDH.</li>
 *   <li>{@code selection}: {@code newest} (default: each recipient's newest usable certificate) or {@code all}.</li>
 *   <li>{@code encryptToSender}: {@code true} to add the sender's own certificate (so the sent copy stays readable),
 *       when the sender has one (her tenant's CA issues one on the spot if it issues automatically); default
 *       {@code false}.</li>
 *   <li>{@code escrow}: an address whose certificate in the sender's tenant is always added (a compliance archive).
 *       If it has none, the mail fails like a recipient without a certificate. Default: none.</li>
 *   <li>{@code onFailure}: processor for mail that cannot be encrypted, default {@code tresor-quarantine}.</li>
 * </ul>
 *
 * <p>Writes: the encrypted message; attributes {@code tresor.tenant}, {@code tresor.protection.applied} (adds
 * {@code smime-encrypted}); one audit event ENCRYPT per certificate used, with the recipient and the Message-ID.
 */
public class EncryptSmime extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(EncryptSmime.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final Clock clock;
    private SmimeEncryptor encryptor;
    private SelectionPolicy selection;
    private boolean encryptToSender;
    private Optional<EmailAddress> escrow;
    private FailureRouting failures;
    private KeyUseAudit audit;

    @Inject
    public EncryptSmime(KeyRepository repository, TenantResolver tenants) {
        this(repository, tenants, Clock.systemUTC());
    }

    @VisibleForTesting
    EncryptSmime(KeyRepository repository, TenantResolver tenants, Clock clock) {
        this.repository = repository;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("cipher", "keyTransport", RecipientKeys.SELECTION, "encryptToSender", RecipientKeys.ESCROW, FailureRouting.PARAMETER));
        InitParameters parameters = new InitParameters(this);
        EncryptionOptions.ContentCipher cipher = parameters.choice("cipher", "aes256-cbc",
            InitParameters.names(EncryptionOptions.ContentCipher.class));
        EncryptionOptions.KeyTransport transport = parameters.choice("keyTransport", "rsa-pkcs1",
            InitParameters.names(EncryptionOptions.KeyTransport.class));
        encryptor = new SmimeEncryptor(new EncryptionOptions(cipher, transport));
        selection = RecipientKeys.selection(parameters);
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
            Map<EmailAddress, List<CertificateEntry>> certificates = RecipientKeys.of(mail, escrow,
                address -> RecipientKeys.orGateway(certificates(tenant, address), mail, address,
                    fingerprint -> gatewayCertificate(tenant, fingerprint)));
            List<String> missing = RecipientKeys.missing(certificates);
            if (!missing.isEmpty()) {
                failures.route(mail, tenant, "Not encrypted: no usable S/MIME certificate in tenant " + tenant.asString() + " for "
                    + String.join(", ", missing));
                return;
            }
            if (encryptToSender) {
                certificates.putIfAbsent(sender.get(), senderCertificates(tenant, sender.get()));
            }
            MimeMessage encrypted = encryptor.encrypt(message, distinctCertificates(certificates));
            recordUse(tenant, certificates, message);
            Protections.applied(mail, encrypted, tenant, AppliedProtections.SMIME_ENCRYPTED);
        } catch (SmimeException e) {
            // the reason is a sentence of ours; what the library said stays in the log
            LOGGER.info("Mail {} not encrypted", mail.getName(), e);
            failures.route(mail, "Not encrypted: " + e.getMessage());
        } catch (RuntimeException e) {
            LOGGER.error("Encrypting mail {} failed", mail.getName(), e);
            failures.route(mail, "Not encrypted: " + FailureRouting.unexpected(e, mail));
        }
    }

    private List<CertificateEntry> certificates(TenantId tenant, EmailAddress address) {
        return repository.certificates().encryptionCertificates(tenant, address, selection);
    }

    /** The partner gateway's certificate the policy named (ApplyPolicy checked it), if it is still usable. */
    private Optional<CertificateEntry> gatewayCertificate(TenantId tenant, String fingerprint) {
        return repository.certificates().get(tenant, Fingerprint.of(fingerprint))
            .filter(entry -> entry.canEncrypt() && entry.isUsableAt(clock.instant()));
    }

    private static List<X509Certificate> distinctCertificates(Map<EmailAddress, List<CertificateEntry>> certificates) {
        Map<Object, X509Certificate> distinct = new LinkedHashMap<>();
        certificates.values().stream().flatMap(List::stream)
            .forEach(entry -> distinct.putIfAbsent(entry.fingerprint(), entry.certificate()));
        return new ArrayList<>(distinct.values());
    }

    private void recordUse(TenantId tenant, Map<EmailAddress, List<CertificateEntry>> certificates, MimeMessage message) {
        Optional<String> messageId = KeyUseAudit.messageId(message);
        certificates.forEach((address, entries) -> entries.forEach(entry ->
            audit.record(tenant, AuditEvent.Operation.ENCRYPT, entry.fingerprint(), Optional.of(address), messageId)));
    }

    /** The sender's own certificates; none yet and her tenant's CA issues automatically: the one it issues now. */
    private List<CertificateEntry> senderCertificates(TenantId tenant, EmailAddress sender) {
        List<CertificateEntry> own = certificates(tenant, sender);
        if (!own.isEmpty() || !repository.lifecycle().issuesAutomatically(tenant, sender, KeyKind.SMIME)) {
            return own;
        }
        return repository.lifecycle().smimeKey(tenant, sender).map(key -> List.of(key.certificate())).orElse(own);
    }

    @Override
    public String getMailetInfo() {
        return "Encrypts mail with S/MIME to the recipients' certificates from the sender's tenant";
    }
}
