package dev.tresor.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.io.PgpComponentKey;

/**
 * The behaviour of the OpenPGP key vault, pinned once and run against every storage backend. Implementations provide a
 * fresh, empty repository per test whose clock is {@link #clock()}. The keys are real ones, made by gpg.
 */
public interface PgpKeyVaultContract {
    TenantId BANK = TenantId.of("bank");
    TenantId HOSPITAL = TenantId.of("hospital");
    TenantId PARTNER_DIRECTORY = TenantId.of("partner-directory");
    EmailAddress ALICE = EmailAddress.of(PgpTestKeys.ALICE);
    EmailAddress BOB = EmailAddress.of(PgpTestKeys.BOB);

    KeyRepository repository();

    TestClock clock();

    private PgpKeyVault vault(TenantId... tenants) {
        for (TenantId tenant : tenants) {
            repository().tenants().create(tenant);
        }
        return repository().pgpKeys();
    }

    private static PgpTestKeys keys() {
        return PgpTestKeys.get();
    }

    private static List<PgpFingerprint> fingerprints(List<PgpKeyEntry> entries) {
        return entries.stream().map(PgpKeyEntry::fingerprint).collect(java.util.stream.Collectors.toList());
    }

    // import

    @Test
    default void addPublicKeyShouldStoreWhatTheKeyRingSays() {
        PgpTestKeys.Key alice = keys().aliceAtBank;

        PgpKeyEntry entry = vault(BANK).addPublicKey(BANK, alice.publicKey, Origin.IMPORTED);

        assertThat(entry.tenant()).isEqualTo(BANK);
        assertThat(entry.fingerprint()).isEqualTo(alice.fingerprint);
        assertThat(entry.addresses()).containsExactly(ALICE);
        assertThat(entry.keyIds()).containsExactlyInAnyOrder(alice.fingerprint.keyId(), alice.firstSubkey.keyId());
        assertThat(entry.origin()).isEqualTo(Origin.IMPORTED);
        assertThat(entry.status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(entry.addedAt()).isEqualTo(clock().instant());
        assertThat(entry.expiry()).isPresent();
        assertThat(entry.hasSecretKey()).isFalse();
        assertThat(vault().get(BANK, alice.fingerprint)).contains(entry);
        assertThat(vault().get(HOSPITAL, alice.fingerprint)).isEmpty();
    }

    @Test
    default void addPublicKeyShouldRefuseSeveralKeyRingsAtOnce() {
        byte[] two = (new String(keys().aliceAtBank.publicKey, StandardCharsets.US_ASCII)
            + new String(keys().erin.publicKey, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> vault(BANK).addPublicKey(BANK, two, Origin.IMPORTED))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("one at a time");
        assertThat(vault().list(BANK, Optional.empty(), 10)).isEmpty();
    }

    @Test
    default void addPublicKeyShouldRefuseWhatIsNotAPublicKey() {
        assertThatThrownBy(() -> vault(BANK).addPublicKey(BANK, "not a key".getBytes(StandardCharsets.US_ASCII), Origin.IMPORTED))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> vault().addPublicKey(BANK, keys().oldBob.secretKey, Origin.IMPORTED))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("secret key");
    }

    @Test
    default void addPublicKeyShouldRequireAnExistingTenant() {
        assertThatThrownBy(() -> vault().addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED))
            .isInstanceOf(UnknownTenantException.class);
    }

    @Test
    default void aNewerCopyShouldAddItsSubkeysAndAnOlderCopyShouldRemoveNothing() {
        PgpTestKeys.Key frank = keys().frank;
        vault(BANK).addPublicKey(BANK, keys().frankWithOneSubkey, Origin.IMPORTED);

        PgpKeyEntry updated = vault().addPublicKey(BANK, frank.publicKey, Origin.IMPORTED);
        PgpKeyEntry again = vault().addPublicKey(BANK, keys().frankWithOneSubkey, Origin.IMPORTED);

        assertThat(updated.keyIds()).hasSize(3);
        assertThat(again.keyIds()).isEqualTo(updated.keyIds());
        assertThat(vault().list(BANK, Optional.empty(), 10)).hasSize(1);
    }

    @Test
    default void aStaleCopyShouldNotUndoARevocation() {
        vault(BANK).addPublicKey(BANK, keys().carolBeforeRevocation, Origin.IMPORTED);
        assertThat(vault().get(BANK, keys().carol.fingerprint).orElseThrow().isRevoked()).isFalse();

        vault().addPublicKey(BANK, keys().carol.publicKey, Origin.IMPORTED);
        vault().addPublicKey(BANK, keys().carolBeforeRevocation, Origin.IMPORTED);

        assertThat(vault().get(BANK, keys().carol.fingerprint).orElseThrow().isRevoked()).isTrue();
    }

    @Test
    default void keysAlreadyUsedShouldShowLaterRevocationsAndStatusChanges() {
        vault(BANK).addPublicKey(BANK, keys().carolBeforeRevocation, Origin.IMPORTED);
        vault().addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);
        assertThat(vault().encryptionKeys(BANK, EmailAddress.of("carol@partner.example"), SelectionPolicy.ALL_VALID)).hasSize(1);
        assertThat(vault().signingKey(BANK, BOB)).isPresent();

        vault().addPublicKey(BANK, keys().carol.publicKey, Origin.IMPORTED);
        vault().setStatus(BANK, keys().oldBob.fingerprint, KeyStatus.REVOKED);

        assertThat(vault().encryptionKeys(BANK, EmailAddress.of("carol@partner.example"), SelectionPolicy.ALL_VALID))
            .as("revoked by its holder after it was used").isEmpty();
        assertThat(vault().signingKey(BANK, BOB)).as("revoked by the admin after it signed").isEmpty();
        assertThat(vault().decryptionKeys(BANK, keys().oldBob.firstSubkey.keyId())).as("old mail stays readable").hasSize(1);
    }

    @Test
    default void aHarvestedCopyShouldChangeNothingOfAnImportedKey() {
        vault(BANK).addPublicKey(BANK, keys().frankWithOneSubkey, Origin.IMPORTED);

        PgpKeyEntry entry = vault().addPublicKey(BANK, keys().frank.publicKey, Origin.HARVESTED);

        assertThat(entry.origin()).isEqualTo(Origin.IMPORTED);
        assertThat(entry.keyIds()).hasSize(2);
    }

    @Test
    default void anImportedCopyShouldMakeAHarvestedKeyImportedAndKeepItsStatus() {
        PgpTestKeys.Key frank = keys().frank;
        PgpKeyEntry harvested = vault(BANK).addPublicKey(BANK, keys().frankWithOneSubkey, Origin.HARVESTED);
        vault().setStatus(BANK, frank.fingerprint, KeyStatus.SUPERSEDED);
        clock().advance(Duration.ofHours(1));

        PgpKeyEntry imported = vault().addPublicKey(BANK, frank.publicKey, Origin.IMPORTED);

        assertThat(imported.origin()).isEqualTo(Origin.IMPORTED);
        assertThat(imported.status()).isEqualTo(KeyStatus.SUPERSEDED);
        assertThat(imported.addedAt()).isEqualTo(harvested.addedAt());
        assertThat(imported.keyIds()).hasSize(3);
    }

    // tenancy and selection

    @Test
    default void eachTenantShouldGetOnlyItsOwnKeyForTheSameAddress() {
        vault(BANK, HOSPITAL).addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED);
        vault().addPublicKey(HOSPITAL, keys().aliceAtHospital.publicKey, Origin.IMPORTED);

        assertThat(fingerprints(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.ALL_VALID)))
            .containsExactly(keys().aliceAtBank.fingerprint);
        assertThat(fingerprints(vault().encryptionKeys(HOSPITAL, ALICE, SelectionPolicy.ALL_VALID)))
            .containsExactly(keys().aliceAtHospital.fingerprint);
        assertThat(vault().encryptionKeys(PARTNER_DIRECTORY, ALICE, SelectionPolicy.ALL_VALID)).isEmpty();
    }

    @Test
    default void federatedKeysShouldBeUsedOnlyWhenTheTenantHasNoneOfItsOwn() {
        vault(BANK, HOSPITAL, PARTNER_DIRECTORY).addPublicKey(PARTNER_DIRECTORY, keys().aliceAtBank.publicKey, Origin.IMPORTED);
        vault().addPublicKey(PARTNER_DIRECTORY, keys().frank.publicKey, Origin.IMPORTED);
        vault().addPublicKey(HOSPITAL, keys().aliceAtHospital.publicKey, Origin.IMPORTED);
        repository().tenants().grantFederation(PARTNER_DIRECTORY, HOSPITAL);
        repository().tenants().grantFederation(PARTNER_DIRECTORY, BANK);

        assertThat(fingerprints(vault().encryptionKeys(HOSPITAL, ALICE, SelectionPolicy.ALL_VALID)))
            .containsExactly(keys().aliceAtHospital.fingerprint);
        assertThat(fingerprints(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.ALL_VALID)))
            .containsExactly(keys().aliceAtBank.fingerprint);
        assertThat(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.ALL_VALID).get(0).tenant()).isEqualTo(PARTNER_DIRECTORY);

        repository().tenants().revokeFederation(PARTNER_DIRECTORY, BANK);

        assertThat(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.ALL_VALID)).isEmpty();
    }

    @Test
    default void encryptionKeysShouldMatchTheAddressInAnySpelling() {
        vault(BANK).addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED);

        assertThat(vault().encryptionKeys(BANK, EmailAddress.of("Alice@Partner.EXAMPLE"), SelectionPolicy.NEWEST)).hasSize(1);
        assertThat(vault().encryptionKeys(BANK, EmailAddress.of("bob@partner.example"), SelectionPolicy.NEWEST)).isEmpty();
    }

    @Test
    default void aKeyItsHolderRevokedShouldNotBeUsedToEncrypt() {
        vault(BANK).addPublicKey(BANK, keys().carol.publicKey, Origin.IMPORTED);

        assertThat(vault().encryptionKeys(BANK, EmailAddress.of("carol@partner.example"), SelectionPolicy.ALL_VALID)).isEmpty();
    }

    @Test
    default void aKeyWithoutAValidEncryptionSubkeyShouldNotBeUsedToEncrypt() {
        vault(BANK).addPublicKey(BANK, keys().dave.publicKey, Origin.IMPORTED);
        vault().addPublicKey(BANK, keys().erin.publicKey, Origin.IMPORTED);

        assertThat(vault().encryptionKeys(BANK, EmailAddress.of("dave@partner.example"), SelectionPolicy.ALL_VALID))
            .as("its only encryption subkey is revoked").isEmpty();
        assertThat(vault().encryptionKeys(BANK, EmailAddress.of("erin@partner.example"), SelectionPolicy.ALL_VALID))
            .as("it can only sign").isEmpty();
    }

    @Test
    default void anExpiredKeyShouldNotBeUsedToEncrypt() {
        vault(BANK).addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED);
        assertThat(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.NEWEST)).hasSize(1);

        clock().advance(Duration.ofDays(3 * 366));

        assertThat(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.NEWEST)).isEmpty();
    }

    @Test
    default void aKeyAnAdministratorRevokedShouldNotBeUsedToEncrypt() {
        vault(BANK).addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED);

        assertThat(vault().setStatus(BANK, keys().aliceAtBank.fingerprint, KeyStatus.REVOKED)).isTrue();

        assertThat(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.NEWEST)).isEmpty();
        assertThat(vault().get(BANK, keys().aliceAtBank.fingerprint).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(vault().setStatus(HOSPITAL, keys().aliceAtBank.fingerprint, KeyStatus.REVOKED)).isFalse();
    }

    @Test
    default void theNewestPolicyShouldChooseTheNewestKeyAndAllValidEveryOneNewestFirst() {
        vault(BANK).addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED);
        clock().advance(Duration.ofMinutes(1));
        vault().addPublicKey(BANK, keys().aliceAtHospital.publicKey, Origin.IMPORTED);
        PgpFingerprint newer = keys().aliceAtHospital.fingerprint;
        PgpFingerprint older = keys().aliceAtBank.fingerprint;

        assertThat(fingerprints(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.NEWEST))).containsExactly(newer);
        assertThat(fingerprints(vault().encryptionKeys(BANK, ALICE, SelectionPolicy.ALL_VALID))).containsExactly(newer, older);
    }

    @Test
    default void listShouldPageThroughTheTenantsKeysByFingerprint() {
        vault(BANK, HOSPITAL).addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED);
        vault().addPublicKey(BANK, keys().erin.publicKey, Origin.IMPORTED);
        vault().addPublicKey(BANK, keys().frank.publicKey, Origin.IMPORTED);
        vault().addPublicKey(HOSPITAL, keys().dave.publicKey, Origin.IMPORTED);
        List<PgpFingerprint> sorted = fingerprints(List.of(vault().get(BANK, keys().aliceAtBank.fingerprint).orElseThrow(),
            vault().get(BANK, keys().erin.fingerprint).orElseThrow(), vault().get(BANK, keys().frank.fingerprint).orElseThrow()));
        sorted = sorted.stream().sorted().collect(java.util.stream.Collectors.toList());

        List<PgpKeyEntry> first = vault().list(BANK, Optional.empty(), 2);
        List<PgpKeyEntry> second = vault().list(BANK, Optional.of(first.get(1).fingerprint()), 2);

        assertThat(fingerprints(first)).containsExactly(sorted.get(0), sorted.get(1));
        assertThat(fingerprints(second)).containsExactly(sorted.get(2));
    }

    // own keys: secret keys

    @Test
    default void addSecretKeyShouldRefuseAWrongPassphraseAndStoreNothing() {
        assertThatThrownBy(() -> vault(BANK).addSecretKey(BANK, keys().oldBob.secretKey, "wrong".toCharArray()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("wrong OpenPGP passphrase");
        assertThat(vault().get(BANK, keys().oldBob.fingerprint)).isEmpty();
    }

    @Test
    default void addSecretKeyShouldStoreThePublicPartAsAnImportedKeyWithItsSecretKey() {
        PgpKeyEntry entry = vault(BANK).addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);

        assertThat(entry.fingerprint()).isEqualTo(keys().oldBob.fingerprint);
        assertThat(entry.hasSecretKey()).isTrue();
        assertThat(entry.origin()).isEqualTo(Origin.IMPORTED);
        assertThat(fingerprints(vault().encryptionKeys(BANK, BOB, SelectionPolicy.NEWEST))).containsExactly(keys().oldBob.fingerprint);
    }

    @Test
    default void signingKeyShouldBeTheUnlockedSigningKeyOfTheSendersOwnKey() {
        vault(BANK).addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED);
        vault().addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);

        PgpPrivateKeyEntry signing = vault().signingKey(BANK, BOB).orElseThrow();

        assertThat(signing.entry().fingerprint()).isEqualTo(keys().oldBob.fingerprint);
        assertThat(signing.component().canSign()).isTrue();
        assertThat(signing.privateKey().getKeyID()).isEqualTo(keys().oldBob.fingerprint.keyId());
        assertThat(vault().signingKey(BANK, ALICE)).as("no secret key for a public key").isEmpty();
    }

    @Test
    default void signingKeyShouldNeverComeFromAFederatedTenant() {
        vault(BANK, HOSPITAL).addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);
        repository().tenants().grantFederation(BANK, HOSPITAL);

        assertThat(vault().signingKey(HOSPITAL, BOB)).isEmpty();
        assertThat(vault().decryptionKeys(HOSPITAL, keys().oldBob.firstSubkey.keyId())).isEmpty();
        assertThat(vault().encryptionKeys(HOSPITAL, BOB, SelectionPolicy.NEWEST)).as("the public part is shared").hasSize(1);
    }

    @Test
    default void anOldKeyShouldStillDecryptAfterANewKeySupersededIt() {
        vault(BANK).addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);
        vault().addSecretKey(BANK, keys().newBob.secretKey, PgpTestKeys.PASSPHRASE);
        vault().setStatus(BANK, keys().oldBob.fingerprint, KeyStatus.SUPERSEDED);
        long oldSubkey = keys().oldBob.firstSubkey.keyId();

        List<PgpPrivateKeyEntry> decryption = vault().decryptionKeys(BANK, oldSubkey);

        assertThat(fingerprints(vault().encryptionKeys(BANK, BOB, SelectionPolicy.ALL_VALID))).containsExactly(keys().newBob.fingerprint);
        assertThat(vault().signingKey(BANK, BOB).orElseThrow().entry().fingerprint()).isEqualTo(keys().newBob.fingerprint);
        assertThat(decryption).hasSize(1);
        assertThat(decryption.get(0).entry().fingerprint()).isEqualTo(keys().oldBob.fingerprint);
        assertThat(decryption.get(0).privateKey().getKeyID()).isEqualTo(oldSubkey);
        assertThat(decryption.get(0).component().canEncrypt()).isTrue();
    }

    @Test
    default void decryptionKeysShouldBeFoundByTheSubkeyFingerprint() {
        vault(BANK).addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);
        vault().addPublicKey(BANK, keys().aliceAtBank.publicKey, Origin.IMPORTED);

        assertThat(vault().decryptionKeys(BANK, keys().oldBob.firstSubkey))
            .extracting(key -> key.component().fingerprint()).containsExactly(keys().oldBob.firstSubkey.asString());
        assertThat(vault().decryptionKeys(BANK, keys().aliceAtBank.firstSubkey)).as("no secret key").isEmpty();
        assertThat(vault().decryptionKeys(BANK, keys().newBob.firstSubkey)).isEmpty();
    }

    @Test
    default void keysWithKeyIdShouldFindPublicKeysOfTheTenantOnlyWhateverTheirStatus() {
        vault(BANK, HOSPITAL).addPublicKey(BANK, keys().carol.publicKey, Origin.IMPORTED);
        vault().addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);
        vault().setStatus(BANK, keys().oldBob.fingerprint, KeyStatus.REVOKED);
        vault().addPublicKey(HOSPITAL, keys().aliceAtHospital.publicKey, Origin.IMPORTED);
        repository().tenants().grantFederation(HOSPITAL, BANK);

        assertThat(fingerprints(vault().keysWithKeyId(BANK, keys().carol.firstSubkey.keyId())))
            .as("revoked by its holder").containsExactly(keys().carol.fingerprint);
        assertThat(fingerprints(vault().keysWithKeyId(BANK, keys().oldBob.fingerprint.keyId())))
            .as("revoked by the admin, found by its primary key id").containsExactly(keys().oldBob.fingerprint);
        assertThat(vault().keysWithKeyId(BANK, keys().aliceAtHospital.fingerprint.keyId())).as("another tenant's").isEmpty();
        assertThat(vault().keysWithKeyId(HOSPITAL, keys().carol.fingerprint.keyId())).isEmpty();
    }

    @Test
    default void aSecondImportOfTheSecretKeyShouldKeepItUsable() {
        vault(BANK).addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);

        vault().addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);

        assertThat(vault().decryptionKeys(BANK, keys().oldBob.firstSubkey.keyId())).hasSize(1);
        assertThat(vault().list(BANK, Optional.empty(), 10)).hasSize(1);
    }

    // export

    @Test
    default void anExportedPublicKeyShouldBeImportableByGpg() {
        vault(BANK).addSecretKey(BANK, keys().oldBob.secretKey, PgpTestKeys.PASSPHRASE);

        byte[] exported = vault().exportPublic(BANK, keys().oldBob.fingerprint).orElseThrow();

        assertThat(new String(exported, StandardCharsets.US_ASCII))
            .startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
            .doesNotContain("PRIVATE");
        assertThat(PgpTestKeys.gpgImports(exported, keys().oldBob.fingerprint)).isTrue();
        assertThat(vault().exportPublic(HOSPITAL, keys().oldBob.fingerprint)).isEmpty();
    }

    @Test
    default void entriesShouldReportTheValidEncryptionKeysOfTheRing() {
        PgpKeyEntry frank = vault(BANK).addPublicKey(BANK, keys().frank.publicKey, Origin.IMPORTED);

        assertThat(frank.encryptionKeysAt(clock().instant())).hasSize(2).allMatch(PgpComponentKey::canEncrypt);
    }
}
