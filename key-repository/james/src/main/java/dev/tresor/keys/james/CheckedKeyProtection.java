package dev.tresor.keys.james;

import java.util.List;

import javax.inject.Inject;
import javax.inject.Provider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.KeyProtectionException;

/**
 * The key protection of the configured storage, opened when James starts and only if the configured master key
 * unwraps every tenant key stored so far. A lost or swapped master key stops the start with what to do, instead of
 * letting James run with keys it cannot use (every protected mail would fail) or, worse, with a new master key.
 */
final class CheckedKeyProtection implements Provider<KeyProtection> {
    private static final Logger LOGGER = LoggerFactory.getLogger(CheckedKeyProtection.class);
    private static final int LISTED = 5;

    private final ConfiguredKeyStorage storage;
    private final KeyRepositoryConfiguration configuration;

    @Inject
    CheckedKeyProtection(ConfiguredKeyStorage storage, KeyRepositoryConfiguration configuration) {
        this.storage = storage;
        this.configuration = configuration;
    }

    /** @throws KeyProtectionException if the master key is missing, or cannot unwrap a stored tenant key */
    @Override
    public KeyProtection get() {
        KeyProtection protection = KeyProtection.create(configuration.openMasterKey(storage.tenantKeys()), storage.tenantKeys());
        List<String> problems = protection.unwrappableTenantKeyProblems();
        if (!problems.isEmpty()) {
            throw new KeyProtectionException(describe(protection, problems) + ". Restore the master key these keys were "
                + "stored under from your backup and point masterkey.* in keyrepository.properties at it, or, if a "
                + "master key rotation stopped half-way, run bin/tresor-rotate-master-key again. Only to start over, "
                + "losing every stored private key, stop James and move the key database aside.");
        }
        LOGGER.info("Master key {} unwraps every stored tenant key", protection.masterKeyId());
        return protection;
    }

    /** The sentence saying which tenant keys the master key in use cannot unwrap. */
    static String describe(KeyProtection protection, List<String> problems) {
        String listed = String.join("; ", problems.subList(0, Math.min(LISTED, problems.size())))
            + (problems.size() > LISTED ? "; and " + (problems.size() - LISTED) + " more" : "");
        return "The master key in use (" + protection.masterKeyId() + ") cannot unwrap " + problems.size()
            + " stored tenant key(s): " + listed;
    }
}
