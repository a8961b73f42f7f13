package dev.tresor.mailets.support;

import java.util.Collection;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one structured log line per policy decision an admin must be able to find: a mail (or some of its recipients)
 * refused or held by a policy, or sent unprotected under an opportunistic one. One format, one logger
 * ({@value #LOGGER_NAME}), so that the lines can be grepped and shipped to a SIEM:
 * <pre>
 * policy-decision outcome=refused tenant="acme" policy="mandatory (partner:bank.example)" recipients="bob@bank.example" reason="..." message-id="&lt;id@acme.example&gt;"
 * </pre>
 * Values are quoted, and quotes, backslashes and control characters in them are escaped: the Message-ID comes from
 * outside and must not forge a log line.
 */
public final class PolicyLog {
    public static final String LOGGER_NAME = "dev.tresor.policy";
    private static final Logger LOGGER = LoggerFactory.getLogger(LOGGER_NAME);

    public static final String REFUSED = "refused";
    public static final String HELD = "held";
    public static final String UNPROTECTED = "sent-unprotected";

    private PolicyLog() {
    }

    public static void log(String outcome, String tenant, String policy, Collection<String> recipients, String reason,
                           Optional<String> messageId) {
        String line = line(outcome, tenant, policy, recipients, reason, messageId);
        if (UNPROTECTED.equals(outcome)) {
            LOGGER.info(line);
        } else {
            LOGGER.warn(line);
        }
    }

    public static String line(String outcome, String tenant, String policy, Collection<String> recipients, String reason,
                              Optional<String> messageId) {
        return "policy-decision outcome=" + outcome
            + " tenant=" + quoted(tenant)
            + " policy=" + quoted(policy)
            + " recipients=" + quoted(String.join(",", recipients))
            + " reason=" + quoted(reason)
            + " message-id=" + quoted(messageId.orElse(""));
    }

    private static String quoted(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
