package dev.tresor.pgp;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.bouncycastle.openpgp.PGPPublicKey;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.PgpKeyVault;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.repository.TestKeyRepository;

/** A real key repository with the tenants acme (acme.example) and globex (globex.example), for the engine tests. */
final class PgpTestTenants {
    final TestKeyRepository vaults;
    final TenantId acme;
    final TenantId globex;

    PgpTestTenants(Path directory) {
        vaults = TestKeyRepository.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        globex = vaults.tenant("globex", "globex.example");
    }

    PgpKeyVault vault() {
        return vaults.repository().pgpKeys();
    }

    PgpKeyEntry addSecret(TenantId tenant, PgpFixtures.Key key) {
        return vault().addSecretKey(tenant, key.secretKey, PgpFixtures.PASSPHRASE);
    }

    PgpKeyEntry addPublic(TenantId tenant, PgpFixtures.Key key) {
        return vault().addPublicKey(tenant, key.publicKey, Origin.IMPORTED);
    }

    /** What EncryptPgp would encrypt to: each address's newest key, its newest encryption subkey. */
    List<PGPPublicKey> encryptionKeys(TenantId tenant, String... addresses) {
        return java.util.Arrays.stream(addresses)
            .flatMap(address -> vault().encryptionKeys(tenant, EmailAddress.of(address), SelectionPolicy.NEWEST).stream())
            .map(entry -> TenantPgpKeys.encryptionKey(entry, Instant.now()).orElseThrow())
            .collect(Collectors.toList());
    }

    PgpPrivateKeyEntry signingKey(TenantId tenant, String address) {
        return vault().signingKey(tenant, EmailAddress.of(address)).orElseThrow();
    }

    TenantPgpKeys keys(TenantId tenant) {
        return new TenantPgpKeys(vault(), tenant);
    }
}
