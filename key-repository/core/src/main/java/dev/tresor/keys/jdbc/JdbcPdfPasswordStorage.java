package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.update;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.PdfPasswordStorage;
import dev.tresor.keys.spi.StorageChange;

/**
 * PDF passwords, as the key protection layer sealed them, in table {@code tresor_pdf_passwords}.
 */
final class JdbcPdfPasswordStorage implements PdfPasswordStorage {
    private final JdbcDatabase database;
    private final String upsertPdfPassword;

    JdbcPdfPasswordStorage(JdbcDatabase database) {
        this.database = database;
        this.upsertPdfPassword = database.dialect().upsert("tresor_pdf_passwords",
            List.of("tenant", "address", "protected_blob", "updated_at"), List.of("tenant", "address"));
    }

    @Override
    public void putPdfPassword(TenantId tenant, String address, byte[] protectedBlob, Instant updatedAt) {
        database.change("store the PDF password of " + address + " for " + tenant, () -> new UnknownTenantException(tenant),
            connection -> update(connection, upsertPdfPassword, tenant.asString(), address, protectedBlob, updatedAt),
            always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public Optional<byte[]> pdfPassword(TenantId tenant, String address) {
        return database.blob("read the PDF password of " + address + " for " + tenant,
            "SELECT protected_blob FROM tresor_pdf_passwords WHERE tenant = ? AND address = ?", tenant.asString(), address);
    }

    @Override
    public boolean deletePdfPassword(TenantId tenant, String address) {
        return database.change("remove the PDF password of " + address + " for " + tenant, null,
            connection -> update(connection, "DELETE FROM tresor_pdf_passwords WHERE tenant = ? AND address = ?",
                tenant.asString(), address) > 0, Boolean::booleanValue, StorageChange.tenant(tenant));
    }
}
