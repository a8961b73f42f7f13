package dev.tresor.mailets.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.tresor.attributes.OutboundDecision;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.SelectionPolicy;

/** The keys (certificates, OpenPGP keys) an encrypting mailet found for each recipient of a mail. */
public final class RecipientKeys {
    /** The parameters every encrypting mailet takes for choosing keys: which of a recipient's keys, and escrow. */
    public static final String SELECTION = "selection";
    public static final String ESCROW = "escrow";

    private RecipientKeys() {
    }

    /** {@code selection}: {@code newest} (default) or {@code all} valid keys of each recipient. */
    public static SelectionPolicy selection(InitParameters parameters) throws MessagingException {
        return parameters.choice(SELECTION, "newest", Map.of("newest", SelectionPolicy.NEWEST, "all", SelectionPolicy.ALL_VALID));
    }

    /** {@code escrow}: the address whose key is always added, if any. */
    public static Optional<EmailAddress> escrow(InitParameters parameters) throws MessagingException {
        Optional<String> escrowAddress = parameters.optional(ESCROW);
        try {
            return escrowAddress.map(EmailAddress::of);
        } catch (IllegalArgumentException e) {
            throw parameters.invalid(ESCROW, escrowAddress.orElse(""), "an email address");
        }
    }

    /** The addresses for which nothing was found, in order: when there is any, the mail must not be encrypted. */
    public static <K> List<String> missing(Map<EmailAddress, List<K>> keys) {
        return keys.entrySet().stream()
            .filter(entry -> entry.getValue().isEmpty())
            .map(entry -> entry.getKey().asString())
            .collect(Collectors.toList());
    }

    /**
     * A recipient's own keys, or, when it has none and ApplyPolicy chose a partner gateway's certificate or key for it
     * ({@link OutboundDecision#GATEWAY}: domain encryption), that one, as {@code gateway} finds it by fingerprint.
     */
    public static <K> List<K> orGateway(List<K> personal, Mail mail, EmailAddress address, Function<String, Optional<K>> gateway) {
        if (!personal.isEmpty()) {
            return personal;
        }
        return OutboundDecision.gateway(mail, address.asString()).flatMap(gateway).map(List::of).orElse(List.of());
    }

    /**
     * Each recipient, then the escrow address if configured, with what {@code lookup} finds for it in the sender's
     * tenant, in that order; an empty list means none.
     */
    public static <K> Map<EmailAddress, List<K>> of(Mail mail, Optional<EmailAddress> escrow, Function<EmailAddress, List<K>> lookup) {
        Map<EmailAddress, List<K>> keys = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            EmailAddress address = EmailAddress.of(recipient.asString());
            keys.put(address, lookup.apply(address));
        }
        escrow.ifPresent(address -> keys.putIfAbsent(address, lookup.apply(address)));
        return keys;
    }
}
