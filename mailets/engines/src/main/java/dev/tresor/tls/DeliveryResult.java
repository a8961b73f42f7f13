package dev.tresor.tls;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What became of each recipient of one domain: delivered, failed for now (retry), or failed for good (bounce), each
 * failure with a sentence saying why; and, when a TLS session carried the mail, what it negotiated.
 */
public final class DeliveryResult {

    public enum Status {
        DELIVERED, TEMPORARY_FAILURE, PERMANENT_FAILURE
    }

    /** The outcome for one recipient. */
    public static final class Outcome {
        private final Status status;
        private final String detail;

        Outcome(Status status, String detail) {
            this.status = status;
            this.detail = detail;
        }

        public Status status() {
            return status;
        }

        /** Why it failed, or the server's acceptance. */
        public String detail() {
            return detail;
        }

        @Override
        public String toString() {
            return status + ": " + detail;
        }
    }

    private final Map<String, Outcome> outcomes;
    private final Optional<NegotiatedTls> tls;

    DeliveryResult(Map<String, Outcome> outcomes, Optional<NegotiatedTls> tls) {
        this.outcomes = new LinkedHashMap<>(outcomes);
        this.tls = tls;
    }

    public static DeliveryResult all(List<String> recipients, Status status, String detail) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        recipients.forEach(recipient -> outcomes.put(recipient, new Outcome(status, detail)));
        return new DeliveryResult(outcomes, Optional.empty());
    }

    public Map<String, Outcome> outcomes() {
        return outcomes;
    }

    public Optional<NegotiatedTls> tls() {
        return tls;
    }

    @Override
    public String toString() {
        return outcomes.toString();
    }
}
