package dev.tresor.keys.repository;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.PdfPasswordVault;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.ProtectedKey;
import dev.tresor.keys.spi.PdfPasswordStorage;

/** Pre-shared PDF passwords, UTF-8, encrypted like private keys with the recipient address as context. */
final class StoredPdfPasswordVault implements PdfPasswordVault {
    private final PdfPasswordStorage storage;
    private final KeyProtection protection;
    private final Clock clock;

    StoredPdfPasswordVault(PdfPasswordStorage storage, KeyProtection protection, Clock clock) {
        this.storage = storage;
        this.protection = protection;
        this.clock = clock;
    }

    @Override
    public void set(TenantId tenant, EmailAddress recipient, char[] password) {
        if (password.length == 0) {
            throw new IllegalArgumentException("Empty PDF password for " + recipient);
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] plaintext = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
        try {
            ProtectedKey sealed = protection.protect(tenant, plaintext, context(recipient));
            storage.putPdfPassword(tenant, recipient.asString(), sealed.toBytes(), clock.instant());
        } finally {
            Arrays.fill(plaintext, (byte) 0);
            Arrays.fill(encoded.array(), (byte) 0);
        }
    }

    @Override
    public Optional<char[]> get(TenantId tenant, EmailAddress recipient) {
        return storage.pdfPassword(tenant, recipient.asString())
            .map(blob -> decode(protection.unprotect(tenant, ProtectedKey.fromBytes(blob), context(recipient))));
    }

    @Override
    public boolean remove(TenantId tenant, EmailAddress recipient) {
        return storage.deletePdfPassword(tenant, recipient.asString());
    }

    private static char[] decode(byte[] plaintext) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(plaintext));
            char[] password = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return password;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static byte[] context(EmailAddress recipient) {
        return ("pdf-password:" + recipient.asString()).getBytes(StandardCharsets.UTF_8);
    }
}
