package dev.tresor.pdf;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;

/**
 * The SMS hook without a provider: logs that a password for a recipient is ready, never the password itself. A
 * starting point for a real gateway, and a way to see in the log where it would be called.
 */
public final class LoggingSmsGateway implements SmsGateway {
    private static final Logger LOGGER = LoggerFactory.getLogger(LoggingSmsGateway.class);

    @Override
    public void sendPassword(TenantId tenant, EmailAddress sender, EmailAddress recipient, char[] password) {
        LOGGER.info("SMS hook: a {}-character PDF password for {} (mail from {}, tenant {}) would be sent now; no SMS provider"
            + " is configured", password.length, recipient.asString(), sender.asString(), tenant.asString());
    }
}
