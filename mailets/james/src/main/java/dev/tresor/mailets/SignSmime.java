package dev.tresor.mailets;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
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
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.KeyRepository;
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
import dev.tresor.smime.SigningOptions;
import dev.tresor.smime.SmimeException;
import dev.tresor.smime.SmimeSigner;

/**
 * Signs outgoing mail with the sender's personal S/MIME key, taken from the sender's tenant.
 *
 * <p>The sender is the single address of the {@code From} header (what the recipient's client checks against the
 * certificate). It is signed for only if it is authorised to use that key: authenticated over SMTP as exactly that
 * address (or as its local part, for a James without virtual hosting), or, if configured, connected from a trusted
 * network. A mail that is already signed, or already encrypted (by the sender's client or a Tresor mailet), passes
 * unchanged. A mail that should be signed and cannot be (sender not
 * authorised, no key, a broken key, a storage failure) goes to the {@code onFailure} processor with the reason in
 * {@code tresor.failure.reason}: it is never sent on unsigned.
 *
 * <p>Signing policy ({@code tresor.policy.signing}, recorded by ApplyPolicy): {@code never} passes the mail unsigned;
 * under {@code force} a mail that cannot be signed is held as above and logged as a policy decision
 * ({@code policy-decision outcome=held}).
 *
 * <pre>{@code
 * <mailet match="SenderIsLocal" class="dev.tresor.mailets.SignSmime">
 *     <digest>SHA-256</digest>
 *     <format>detached</format>
 *     <signFor>authenticated</signFor>
 *     <onFailure>tresor-quarantine</onFailure>
 * </mailet>
 * }</pre>
 *
 * <ul>
 *   <li>{@code digest}: {@code SHA-256} (default), {@code SHA-384} or {@code SHA-512}.</li>
 *   <li>{@code format}: {@code detached} (default, {@code multipart/signed}, readable without S/MIME) or {@code opaque}
 *       ({@code application/pkcs7-mime; smime-type=signed-data}).</li>
 *   <li>{@code rsaPadding}: {@code pkcs1} (default, PKCS#1 v1.5) or {@code pss}; EC keys always sign ECDSA.</li>
 *   <li>{@code signFor}: {@code authenticated} (default) or {@code authenticated-or-network}.</li>
 *   <li>{@code networks}: comma-separated CIDR networks whose clients may send signed mail without SMTP AUTH; required
 *       with {@code authenticated-or-network}, refused otherwise.</li>
 *   <li>{@code gatewayKey}: a local part, e.g. {@code gateway}. When the sender has no personal key, sign with the key
 *       of {@code <gatewayKey>@<sender's domain>} in the same tenant. Default: none, the sender's own key only.</li>
 *   <li>{@code onFailure}: processor for mail that cannot be signed, default {@code tresor-quarantine}.</li>
 * </ul>
 *
 * <p>Writes: the signed message; attributes {@code tresor.tenant} and {@code tresor.protection.applied} (adds
 * {@code smime-signed}); an audit event SIGN with the key's fingerprint, the sender and the Message-ID.
 */
public class SignSmime extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(SignSmime.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final Clock clock;
    private SmimeSigner signer;
    private SigningAuthorisation authorisation;
    private Optional<String> gatewayKey;
    private FailureRouting failures;
    private KeyUseAudit audit;

    @Inject
    public SignSmime(KeyRepository repository, TenantResolver tenants) {
        this(repository, tenants, Clock.systemUTC());
    }

    @VisibleForTesting
    SignSmime(KeyRepository repository, TenantResolver tenants, Clock clock) {
        this.repository = repository;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("digest", "format", "rsaPadding", SigningAuthorisation.SIGN_FOR, SigningAuthorisation.NETWORKS,
            "gatewayKey", FailureRouting.PARAMETER));
        InitParameters parameters = new InitParameters(this);
        SigningOptions.Digest digest = parameters.choice("digest", "sha-256",
            Map.of("sha-256", SigningOptions.Digest.SHA256, "sha-384", SigningOptions.Digest.SHA384, "sha-512", SigningOptions.Digest.SHA512));
        SigningOptions.Format format = parameters.choice("format", "detached", InitParameters.names(SigningOptions.Format.class));
        SigningOptions.RsaPadding padding = parameters.choice("rsaPadding", "pkcs1", InitParameters.names(SigningOptions.RsaPadding.class));
        signer = new SmimeSigner(new SigningOptions(format, digest, padding));
        authorisation = SigningAuthorisation.of(this);
        gatewayKey = parameters.optional("gatewayKey");
        if (gatewayKey.isPresent() && gatewayKey.get().contains("@")) {
            throw parameters.invalid("gatewayKey", gatewayKey.get(), "a local part such as 'gateway'");
        }
        failures = FailureRouting.of(this, LOGGER);
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = MailMessages.toReadWhole(mail);
        if (SmimeSigner.isSigned(message) || Protections.alreadyEncrypted(mail, message)) {
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
            Optional<KeyPairEntry> key = signingKey(tenant, sender.get());
            if (key.isEmpty()) {
                TenantAttribute.set(mail, tenant);
                SigningPolicy.refuse(failures, mail, "Not signed: no signing key for " + sender.get().asString() + " in tenant " + tenant.asString()
                    + gatewayKey.map(local -> " (nor a gateway key " + local + "@" + sender.get().domain() + ")").orElse(""));
                return;
            }
            MimeMessage signed = signer.sign(message, key.get().privateKey(), chain(key.get()));
            audit.record(tenant, AuditEvent.Operation.SIGN, key.get().certificate().fingerprint(), Optional.empty(),
                KeyUseAudit.messageId(message));
            Protections.applied(mail, signed, tenant, AppliedProtections.SMIME_SIGNED);
        } catch (SmimeException e) {
            // the reason is a sentence of ours; what the library said stays in the log
            LOGGER.info("Mail {} not signed", mail.getName(), e);
            SigningPolicy.refuse(failures, mail, "Not signed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOGGER.error("Signing mail {} failed", mail.getName(), e);
            SigningPolicy.refuse(failures, mail, "Not signed: " + FailureRouting.unexpected(e, mail));
        }
    }

    private Optional<KeyPairEntry> signingKey(TenantId tenant, EmailAddress sender) {
        // the sender's own key, or one the tenant's CA issues now if it issues automatically
        Optional<KeyPairEntry> personal = repository.lifecycle().smimeKey(tenant, sender);
        if (personal.isPresent() || gatewayKey.isEmpty()) {
            return personal;
        }
        return repository.privateKeys().signingKey(tenant, EmailAddress.of(gatewayKey.get() + "@" + sender.domain()));
    }

    private static List<X509Certificate> chain(KeyPairEntry key) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(key.certificate().certificate());
        chain.addAll(key.certificate().chain());
        return chain;
    }


    @Override
    public String getMailetInfo() {
        return "Signs outgoing mail with the sender's S/MIME key from the sender's tenant";
    }
}
