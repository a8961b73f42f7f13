package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.bouncycastle.openpgp.PGPUtil;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpTestKeys;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.io.GnuPg;
import io.restassured.http.ContentType;

/** The WebAdmin routes of OpenPGP keys ({@link PgpKeyRoutes}). */
class PgpKeyRoutesTest extends RoutesFixture {
    private final PgpTestKeys keys = PgpTestKeys.get();

    @BeforeEach
    void createTenant() {
        when().put(ACME);
    }

    @Test
    void postShouldImportAnArmoredPublicKeyDescribeItAndAuditTheImport() {
        PgpTestKeys.Key alice = keys.aliceAtBank;

        given()
            .contentType(PgpKeyRoutes.PGP_KEYS_CONTENT_TYPE)
            .body(alice.publicKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.CREATED_201)
            .contentType(ContentType.JSON)
            .body("fingerprint", is(alice.fingerprint.asString()))
            .body("tenant", is(ACME))
            .body("keyIds", contains(hexKeyId(alice.fingerprint), hexKeyId(alice.firstSubkey)))
            .body("addresses", contains(PgpTestKeys.ALICE))
            .body("userIds", contains("Alice <" + PgpTestKeys.ALICE + ">"))
            .body("expiry", not(is((Object) null)))
            .body("status", is("active"))
            .body("origin", is("imported"))
            .body("hasSecretKey", is(false))
            .body("revoked", is(false));

        assertThat(repository.pgpKeys().get(ACME_ID, alice.fingerprint)).isPresent();
        assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation, AuditEvent::key, AuditEvent::detail)
            .containsExactly(tuple(AuditEvent.Operation.IMPORT, Optional.of(alice.fingerprint.asString()),
                Optional.of("webadmin: OpenPGP key")));
    }

    @Test
    void theJsonOfAKeyShouldHoldExactlyItsPublicFacts() {
        Map<String, Object> json = given().body(keys.aliceAtBank.publicKey)
            .post(ACME + "/pgp-keys")
            .jsonPath().getMap(".");

        assertThat(json).containsOnlyKeys("fingerprint", "tenant", "keyIds", "addresses", "userIds", "creation",
            "expiry", "revoked", "status", "origin", "hasSecretKey", "addedAt");
    }

    @Test
    void postShouldAcceptABinaryKey() {
        given()
            .contentType("application/octet-stream")
            .body(dearmor(keys.aliceAtHospital.publicKey))
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.CREATED_201)
            .body("fingerprint", is(keys.aliceAtHospital.fingerprint.asString()));
    }

    @Test
    void postingAKnownKeyAgainShouldMergeAnswerOkAndNotAuditAgain() {
        importPgpKey(keys.carolBeforeRevocation);

        given().body(keys.carol.publicKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("revoked", is(true));

        assertThat(auditOf(ACME_ID)).hasSize(1);
    }

    @Test
    void postShouldRecordAHarvestedOrigin() {
        given().queryParam("origin", "harvested").body(keys.aliceAtBank.publicKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.CREATED_201)
            .body("origin", is("harvested"));
    }

    @Test
    void postShouldRefuseAnUnknownOrigin() {
        given().queryParam("origin", "guessed").body(keys.aliceAtBank.publicKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Invalid origin 'guessed': use imported or harvested"));
    }

    @Test
    void postShouldRefuseSomethingThatIsNoOpenPgpKey() {
        given().body("not a key")
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("type", is("InvalidArgument"))
            .body("message", startsWith("Cannot import the OpenPGP key: not an OpenPGP key: the input is neither "
                + "ASCII armor"));
    }

    @Test
    void postShouldRefuseArmorWithoutItsEndLine() {
        String armored = new String(keys.aliceAtBank.publicKey, StandardCharsets.US_ASCII);
        String truncated = armored.substring(0, armored.indexOf("-----END"));

        given().body(truncated)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Cannot import the OpenPGP key: corrupt OpenPGP armor"));
    }

    @Test
    void postShouldRefuseSeveralKeysAndImportNone() {
        given().body(concat(keys.aliceAtBank.publicKey, keys.carol.publicKey))
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Cannot import the OpenPGP key: The input holds 2 OpenPGP keys; import them one at "
                + "a time (gpg --armor --export FINGERPRINT)"));

        assertThat(repository.pgpKeys().list(ACME_ID, Optional.empty(), 10)).isEmpty();
        assertThat(auditOf(ACME_ID)).isEmpty();
    }

    @Test
    void postShouldRefuseAKeyWithoutAnEmailAddress() {
        String fingerprint;
        byte[] publicKey;
        try (GnuPg gpg = new GnuPg(directory.resolve("gnupg"))) {
            fingerprint = gpg.generateKey("Nobody in particular", "ed25519", "sign", "never");
            publicKey = gpg.exportPublic(fingerprint);
        }

        given().body(publicKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Cannot import the OpenPGP key: OpenPGP key " + fingerprint
                + " has no valid user id with an e-mail address [Nobody in particular]"));
    }

    @Test
    void postShouldRefuseASecretKeyWithoutPassphraseHeader() {
        given().body(keys.oldBob.secretKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Cannot import the OpenPGP key: the input holds the OpenPGP secret key "
                + keys.oldBob.fingerprint.asString() + "; import it as a secret key, or give its public key only "
                + "(gpg --armor --export)"));

        assertThat(repository.pgpKeys().get(ACME_ID, keys.oldBob.fingerprint)).isEmpty();
    }

    @Test
    void postShouldAnswerNotFoundForAnUnknownTenant() {
        given().body(keys.aliceAtBank.publicKey)
        .when()
            .post("nobody/pgp-keys")
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .body("message", is("Unknown tenant 'nobody'"));
    }

    @Test
    void postWithAPassphraseShouldImportTheSecretKeyAndAuditIt() {
        String response = given().header(PgpKeyRoutes.PASSPHRASE_HEADER, new String(PgpTestKeys.PASSPHRASE))
            .body(keys.oldBob.secretKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.CREATED_201)
            .body("fingerprint", is(keys.oldBob.fingerprint.asString()))
            .body("hasSecretKey", is(true))
            .body("origin", is("imported"))
            .extract().asString();

        assertThat(repository.pgpKeys().signingKey(ACME_ID, EmailAddress.of(PgpTestKeys.BOB))).isPresent();
        assertThat(response).doesNotContain(new String(PgpTestKeys.PASSPHRASE)).doesNotContain("PRIVATE");
        assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation, AuditEvent::detail)
            .containsExactly(tuple(AuditEvent.Operation.IMPORT, Optional.of("webadmin: OpenPGP key with its secret keys")));
        assertThat(auditOf(ACME_ID)).extracting(AuditEvent::key).containsExactly(Optional.of(keys.oldBob.fingerprint.asString()));
    }

    @Test
    void postWithAWrongPassphraseShouldRefuseTheKeyWithTheVaultsReason() {
        String response = given().header(PgpKeyRoutes.PASSPHRASE_HEADER, "not the passphrase")
            .body(keys.oldBob.secretKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Cannot import the OpenPGP key: wrong OpenPGP passphrase for key "))
            .extract().asString();

        assertThat(response).doesNotContain("not the passphrase");
        assertThat(repository.pgpKeys().get(ACME_ID, keys.oldBob.fingerprint)).isEmpty();
        assertThat(auditOf(ACME_ID)).isEmpty();
    }

    @Test
    void postWithAPassphraseShouldRefuseAPublicKey() {
        given().header(PgpKeyRoutes.PASSPHRASE_HEADER, new String(PgpTestKeys.PASSPHRASE))
            .body(keys.aliceAtBank.publicKey)
        .when()
            .post(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Cannot import the OpenPGP key: the input holds the OpenPGP public key "
                + keys.aliceAtBank.fingerprint.asString() + " without its secret key"));
    }

    @Test
    void listShouldPageByFingerprint() {
        importPgpKey(keys.aliceAtBank.publicKey);
        importPgpKey(keys.aliceAtHospital.publicKey);
        importPgpKey(keys.frank.publicKey);
        List<String> all = List.of(keys.aliceAtBank, keys.aliceAtHospital, keys.frank).stream()
            .map(key -> key.fingerprint.asString())
            .sorted()
            .collect(Collectors.toList());

        given().queryParam("limit", 2)
        .when()
            .get(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("fingerprint", contains(all.get(0), all.get(1)));
        given().queryParam("after", all.get(1))
        .when()
            .get(ACME + "/pgp-keys")
        .then()
            .body("fingerprint", contains(all.get(2)));
    }

    @Test
    void listShouldRefuseAnAfterThatIsNoFingerprint() {
        given().queryParam("after", "xyz")
        .when()
            .get(ACME + "/pgp-keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Invalid after: Not an OpenPGP fingerprint (40 or 64 hex digits): 'xyz'"));
    }

    @Test
    void listShouldAnswerNotFoundForAnUnknownTenant() {
        when().get("nobody/pgp-keys").then().statusCode(HttpStatus.NOT_FOUND_404);
    }

    @Test
    void getShouldDescribeTheKeyAsJson() {
        importPgpKey(keys.aliceAtBank.publicKey);

        when()
            .get(ACME + "/pgp-keys/" + keys.aliceAtBank.fingerprint.asString().toLowerCase(Locale.ROOT))
        .then()
            .statusCode(HttpStatus.OK_200)
            .contentType(ContentType.JSON)
            .body("fingerprint", is(keys.aliceAtBank.fingerprint.asString()));
    }

    @Test
    void getShouldExportAnArmoredPublicKeyThatGpgImports() {
        given().header(PgpKeyRoutes.PASSPHRASE_HEADER, new String(PgpTestKeys.PASSPHRASE))
            .body(keys.oldBob.secretKey)
            .post(ACME + "/pgp-keys");

        String armored = given().accept(PgpKeyRoutes.PGP_KEYS_CONTENT_TYPE)
        .when()
            .get(ACME + "/pgp-keys/" + keys.oldBob.fingerprint.asString())
        .then()
            .statusCode(HttpStatus.OK_200)
            .contentType(PgpKeyRoutes.PGP_KEYS_CONTENT_TYPE)
            .body(startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
            .extract().asString();

        assertThat(armored).doesNotContain("PRIVATE KEY");
        assertThat(PgpTestKeys.gpgImports(armored.getBytes(StandardCharsets.US_ASCII), keys.oldBob.fingerprint))
            .isTrue();
    }

    @Test
    void getShouldAnswerNotFoundForAnUnknownKeyInJsonAndArmor() {
        String path = ACME + "/pgp-keys/" + keys.erin.fingerprint.asString();
        String message = "Tenant 'acme' holds no OpenPGP key " + keys.erin.fingerprint.asString();

        when().get(path).then().statusCode(HttpStatus.NOT_FOUND_404).body("message", is(message));
        given().accept(PgpKeyRoutes.PGP_KEYS_CONTENT_TYPE)
        .when()
            .get(path)
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .body("message", is(message));
    }

    @Test
    void getShouldRefuseAMalformedFingerprint() {
        when()
            .get(ACME + "/pgp-keys/1234")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Not an OpenPGP fingerprint (40 or 64 hex digits): '1234'"));
    }

    @Test
    void revokingShouldStopTheKeyBeingChosenAndBeAudited() {
        importPgpKey(keys.aliceAtBank.publicKey);
        String fingerprint = keys.aliceAtBank.fingerprint.asString();

        given().body("{\"status\":\"revoked\"}")
        .when()
            .patch(ACME + "/pgp-keys/" + fingerprint)
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("status", is("revoked"));

        assertThat(repository.pgpKeys().encryptionKeys(ACME_ID, EmailAddress.of(PgpTestKeys.ALICE),
            SelectionPolicy.ALL_VALID)).isEmpty();
        assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation, AuditEvent::detail)
            .containsExactly(
                tuple(AuditEvent.Operation.REVOKE, Optional.of("webadmin: OpenPGP key")),
                tuple(AuditEvent.Operation.IMPORT, Optional.of("webadmin: OpenPGP key")));
        assertThat(auditOf(ACME_ID)).extracting(AuditEvent::key).containsOnly(Optional.of(fingerprint));
    }

    @Test
    void supersedingThenReactivatingShouldBeAuditedAsSuch() {
        importPgpKey(keys.aliceAtBank.publicKey);
        String fingerprint = keys.aliceAtBank.fingerprint.asString();

        given().body("{\"status\":\"superseded\"}").patch(ACME + "/pgp-keys/" + fingerprint);
        given().body("{\"status\":\"active\"}")
        .when()
            .patch(ACME + "/pgp-keys/" + fingerprint)
        .then()
            .body("status", is("active"));

        assertThat(repository.pgpKeys().get(ACME_ID, keys.aliceAtBank.fingerprint).orElseThrow().status())
            .isEqualTo(KeyStatus.ACTIVE);
        assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation, AuditEvent::detail).startsWith(
            tuple(AuditEvent.Operation.IMPORT, Optional.of("webadmin: OpenPGP key: reactivated")),
            tuple(AuditEvent.Operation.SUPERSEDE, Optional.of("webadmin: OpenPGP key")));
    }

    @Test
    void settingTheCurrentStatusShouldChangeNothingAndAuditNothing() {
        importPgpKey(keys.aliceAtBank.publicKey);

        given().body("{\"status\":\"active\"}")
        .when()
            .patch(ACME + "/pgp-keys/" + keys.aliceAtBank.fingerprint.asString())
        .then()
            .statusCode(HttpStatus.OK_200);

        assertThat(auditOf(ACME_ID)).hasSize(1);
    }

    @Test
    void patchShouldRefuseAnUnknownStatus() {
        importPgpKey(keys.aliceAtBank.publicKey);

        given().body("{\"status\":\"lost\"}")
        .when()
            .patch(ACME + "/pgp-keys/" + keys.aliceAtBank.fingerprint.asString())
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Invalid status 'lost': use active, revoked or superseded"));
    }

    @Test
    void patchShouldAnswerNotFoundForAnUnknownKey() {
        given().body("{\"status\":\"revoked\"}")
        .when()
            .patch(ACME + "/pgp-keys/" + keys.erin.fingerprint.asString())
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404);

        assertThat(auditOf(ACME_ID)).isEmpty();
    }

    @Test
    void lookupShouldAnswerTheNewestKeyOrAllOfThem() {
        importPgpKey(keys.oldBob.publicKey);
        importPgpKey(keys.newBob.publicKey);
        importPgpKey(keys.aliceAtBank.publicKey);

        given().queryParam("address", PgpTestKeys.BOB)
        .when()
            .get(ACME + "/pgp-lookup")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("fingerprint", contains(keys.newBob.fingerprint.asString()));
        given().queryParam("address", PgpTestKeys.BOB).queryParam("policy", "all")
        .when()
            .get(ACME + "/pgp-lookup")
        .then()
            .body("fingerprint", contains(keys.newBob.fingerprint.asString(), keys.oldBob.fingerprint.asString()));
    }

    @Test
    void lookupShouldSkipARevokedKey() {
        importPgpKey(keys.carol.publicKey);

        given().queryParam("address", "carol@partner.example")
        .when()
            .get(ACME + "/pgp-lookup")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body(".", empty());
    }

    @Test
    void lookupShouldRefuseAMissingAddressAndAnUnknownPolicy() {
        when()
            .get(ACME + "/pgp-lookup")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Missing address: give an e-mail address such as alice@example.com"));
        given().queryParam("address", PgpTestKeys.BOB).queryParam("policy", "oldest")
        .when()
            .get(ACME + "/pgp-lookup")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Invalid policy 'oldest': use newest or all"));
    }

    private void importPgpKey(byte[] publicKey) {
        given().body(publicKey)
            .post(ACME + "/pgp-keys")
            .then().statusCode(HttpStatus.CREATED_201);
    }

    private static String hexKeyId(PgpFingerprint fingerprint) {
        return String.format("%016X", fingerprint.keyId());
    }

    private static byte[] dearmor(byte[] armored) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
