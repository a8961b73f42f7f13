package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.Optional;

import dev.tresor.keys.TenantId;

/**
 * PDF passwords per recipient address, encrypted by the key protection layer.
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface PdfPasswordStorage {
    void putPdfPassword(TenantId tenant, String address, byte[] protectedBlob, Instant updatedAt);

    Optional<byte[]> pdfPassword(TenantId tenant, String address);

    boolean deletePdfPassword(TenantId tenant, String address);
}
