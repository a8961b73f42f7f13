package dev.tresor.keys.lifecycle;

import java.util.Locale;

import dev.tresor.keys.policy.PolicyText;

/**
 * Why a certificate Tresor issued was revoked: the CRL reason codes of RFC 5280 that the S/MIME Baseline Requirements
 * let a CA use for a subscriber certificate.
 */
public enum RevocationReason {
    UNSPECIFIED(0), KEY_COMPROMISE(1), AFFILIATION_CHANGED(3), SUPERSEDED(4), CESSATION_OF_OPERATION(5);

    private final int code;

    RevocationReason(int code) {
        this.code = code;
    }

    /** The CRLReason code (RFC 5280, 5.3.1). */
    public int code() {
        return code;
    }

    /** The form in WebAdmin and the audit log: {@code key-compromise}, {@code cessation-of-operation}. */
    public String asString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static RevocationReason parse(String text) {
        return PolicyText.parse(RevocationReason.class, values(), RevocationReason::asString, "reason", text);
    }

    public static RevocationReason ofCode(int code) {
        for (RevocationReason reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        throw new IllegalArgumentException("No revocation reason with code " + code);
    }
}
