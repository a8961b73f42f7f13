package dev.tresor.keys.ca;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

import dev.tresor.keys.lifecycle.RevocationReason;

/** One entry of a tenant CA's CRL: the serial number of a certificate it revoked, when, and why. */
public final class RevokedSerial {
    private final BigInteger serial;
    private final Instant revokedAt;
    private final RevocationReason reason;

    /** @throws IllegalArgumentException when the serial is not positive (RFC 5280, 4.1.2.2) */
    public RevokedSerial(BigInteger serial, Instant revokedAt, RevocationReason reason) {
        this.serial = Objects.requireNonNull(serial, "serial");
        this.revokedAt = Objects.requireNonNull(revokedAt, "revokedAt");
        this.reason = Objects.requireNonNull(reason, "reason");
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("A certificate serial number is positive, not " + serial);
        }
    }

    public BigInteger serial() {
        return serial;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public RevocationReason reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof RevokedSerial) {
            RevokedSerial that = (RevokedSerial) o;
            return serial.equals(that.serial) && revokedAt.equals(that.revokedAt) && reason == that.reason;
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(serial, revokedAt, reason);
    }

    @Override
    public String toString() {
        return "RevokedSerial{" + serial.toString(16) + " at " + revokedAt + ", " + reason.asString() + "}";
    }
}
