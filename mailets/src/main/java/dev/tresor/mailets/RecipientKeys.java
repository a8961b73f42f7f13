package dev.tresor.mailets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.tresor.keys.EmailAddress;

/** The keys (certificates, OpenPGP keys) an encrypting mailet found for each recipient of a mail. */
final class RecipientKeys {
    private RecipientKeys() {
    }

    /**
     * Each recipient, then the escrow address if configured, with what {@code lookup} finds for it in the sender's
     * tenant, in that order; an empty list means none.
     */
    static <K> Map<EmailAddress, List<K>> of(Mail mail, Optional<EmailAddress> escrow, Function<EmailAddress, List<K>> lookup) {
        Map<EmailAddress, List<K>> keys = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            EmailAddress address = EmailAddress.of(recipient.asString());
            keys.put(address, lookup.apply(address));
        }
        escrow.ifPresent(address -> keys.putIfAbsent(address, lookup.apply(address)));
        return keys;
    }
}
