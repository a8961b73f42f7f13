package dev.tresor.keys;

import java.util.Objects;

import org.bouncycastle.openpgp.PGPPrivateKey;

import dev.tresor.keys.io.PgpComponentKey;

/**
 * One unlocked OpenPGP private key (the primary key or a subkey) with the key ring it belongs to, as handed out for
 * signing or decrypting. It is decrypted from the vault for this use: callers keep it no longer than the operation
 * needs, never log or cache it.
 */
public final class PgpPrivateKeyEntry {
    private final PgpKeyEntry entry;
    private final PgpComponentKey component;
    private final PGPPrivateKey privateKey;

    public PgpPrivateKeyEntry(PgpKeyEntry entry, PgpComponentKey component, PGPPrivateKey privateKey) {
        this.entry = Objects.requireNonNull(entry);
        this.component = Objects.requireNonNull(component);
        this.privateKey = Objects.requireNonNull(privateKey);
        if (component.keyId() != privateKey.getKeyID()) {
            throw new IllegalArgumentException("The private key " + Long.toHexString(privateKey.getKeyID())
                + " is not the key " + component.keyIdHex());
        }
    }

    /** The key ring in the vault. */
    public PgpKeyEntry entry() {
        return entry;
    }

    /** Which key of the ring this is, with its capabilities and validity. */
    public PgpComponentKey component() {
        return component;
    }

    public long keyId() {
        return component.keyId();
    }

    public PGPPrivateKey privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "PgpPrivateKeyEntry[" + entry + ", " + component.keyIdHex() + ", private key hidden]";
    }
}
