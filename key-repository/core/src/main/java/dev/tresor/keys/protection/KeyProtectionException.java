package dev.tresor.keys.protection;

/**
 * A private key could not be protected or unprotected, or a master key could not be loaded: wrong key, tampered or
 * misplaced data, a missing or badly configured master key. The message is meant for a mail admin: it names what
 * failed and, where there is one, the fix. It never contains key material.
 */
public final class KeyProtectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeyProtectionException(String message) {
        super(message);
    }

    public KeyProtectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
