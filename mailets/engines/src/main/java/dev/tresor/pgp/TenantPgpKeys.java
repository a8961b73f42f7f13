package dev.tresor.pgp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPPublicKey;

import dev.tresor.keys.Hex;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.PgpKeyVault;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.io.PgpComponentKey;

/** One tenant's OpenPGP vault as the engines ask it: private keys to decrypt with, public keys of signers. */
public final class TenantPgpKeys implements PgpDecryptor.Keys, PgpVerifier.SignerKeys {
    private static final int PAGE = 500;

    private final PgpKeyVault vault;
    private final TenantId tenant;

    public TenantPgpKeys(PgpKeyVault vault, TenantId tenant) {
        this.vault = vault;
        this.tenant = tenant;
    }

    @Override
    public List<PgpPrivateKeyEntry> forRecipient(KeyIdentifier recipient) {
        byte[] fingerprint = recipient.getFingerprint();
        if (fingerprint != null && (fingerprint.length == 20 || fingerprint.length == 32)) {
            return vault.decryptionKeys(tenant, PgpFingerprint.of(Hex.encode(fingerprint)));
        }
        return vault.decryptionKeys(tenant, recipient.getKeyId());
    }

    /** Every secret key of the tenant able to decrypt, whatever its status: paged through the whole vault. */
    @Override
    public List<PgpPrivateKeyEntry> all() {
        List<PgpPrivateKeyEntry> keys = new ArrayList<>();
        Optional<PgpFingerprint> after = Optional.empty();
        while (true) {
            List<PgpKeyEntry> page = vault.list(tenant, after, PAGE);
            for (PgpKeyEntry entry : page) {
                if (entry.hasSecretKey()) {
                    Set<Long> keyIds = new LinkedHashSet<>();
                    components(entry).stream().filter(PgpComponentKey::canEncrypt).forEach(key -> keyIds.add(key.keyId()));
                    keyIds.forEach(keyId -> keys.addAll(vault.decryptionKeys(tenant, keyId)));
                }
            }
            if (page.size() < PAGE) {
                return keys;
            }
            after = Optional.of(page.get(page.size() - 1).fingerprint());
        }
    }

    @Override
    public List<PgpKeyEntry> withKeyId(long keyId) {
        return vault.keysWithKeyId(tenant, keyId);
    }

    /** The key of the ring to encrypt to now: its newest valid encryption key (as gpg chooses). */
    public static Optional<PGPPublicKey> encryptionKey(PgpKeyEntry entry, Instant now) {
        return entry.encryptionKeysAt(now).stream()
            .max(Comparator.comparing(PgpComponentKey::creationTime))
            .map(component -> entry.key().keyRing().getPublicKey(component.keyId()));
    }

    private static List<PgpComponentKey> components(PgpKeyEntry entry) {
        List<PgpComponentKey> all = new ArrayList<>();
        all.add(entry.key().primaryKey());
        all.addAll(entry.key().subkeys());
        return all;
    }
}
