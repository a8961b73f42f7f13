package dev.tresor.keys;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

/**
 * How a CMS RecipientInfo names the certificate it was encrypted to: issuer and serial number, or subject key
 * identifier (RFC 5652, 6.2.1).
 */
public final class RecipientId {
    private final Optional<X500Principal> issuer;
    private final Optional<BigInteger> serialNumber;
    private final Optional<byte[]> subjectKeyIdentifier;

    private RecipientId(Optional<X500Principal> issuer, Optional<BigInteger> serialNumber, Optional<byte[]> subjectKeyIdentifier) {
        this.issuer = issuer;
        this.serialNumber = serialNumber;
        this.subjectKeyIdentifier = subjectKeyIdentifier;
    }

    public static RecipientId issuerAndSerial(X500Principal issuer, BigInteger serialNumber) {
        return new RecipientId(Optional.of(issuer), Optional.of(serialNumber), Optional.empty());
    }

    public static RecipientId subjectKeyIdentifier(byte[] subjectKeyIdentifier) {
        if (subjectKeyIdentifier.length == 0) {
            throw new IllegalArgumentException("Empty subject key identifier");
        }
        return new RecipientId(Optional.empty(), Optional.empty(), Optional.of(subjectKeyIdentifier.clone()));
    }

    public Optional<X500Principal> issuer() {
        return issuer;
    }

    public Optional<BigInteger> serialNumber() {
        return serialNumber;
    }

    public Optional<byte[]> subjectKeyIdentifier() {
        return subjectKeyIdentifier.map(byte[]::clone);
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof RecipientId) {
            RecipientId that = (RecipientId) o;
            return issuer.equals(that.issuer) && serialNumber.equals(that.serialNumber)
                && Arrays.equals(subjectKeyIdentifier.orElse(null), that.subjectKeyIdentifier.orElse(null));
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(issuer, serialNumber, subjectKeyIdentifier.map(Arrays::hashCode));
    }

    @Override
    public String toString() {
        return subjectKeyIdentifier.isPresent()
            ? "RecipientId[ski]"
            : "RecipientId[" + issuer.map(X500Principal::getName).orElse("") + ", " + serialNumber.map(serial -> serial.toString(16)).orElse("") + "]";
    }
}
