package dev.tresor.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.AuditEvent.Operation;

/**
 * The behaviour of the key repository, pinned once and run against every storage backend. Implementations provide a
 * fresh, empty repository per test whose clock is {@link #clock()}.
 */
public interface KeyRepositoryContract {
    TenantId BANK = TenantId.of("bank");
    TenantId HOSPITAL = TenantId.of("hospital");
    TenantId PARTNER_DIRECTORY = TenantId.of("partner-directory");
    String JOHN = "john.smith@partner.example";
    TestPki PARTNER_CA = TestPki.ca("Partner CA");
    TestPki OWN_CA = TestPki.ca("Own CA");

    KeyRepository repository();

    TestClock clock();

    private KeyRepository withTenants(TenantId... tenants) {
        for (TenantId tenant : tenants) {
            repository().tenants().create(tenant);
        }
        return repository();
    }

    // tenants and domains

    @Test
    default void createShouldBeIdempotent() {
        assertThat(repository().tenants().create(BANK)).isTrue();
        assertThat(repository().tenants().create(BANK)).isFalse();
        assertThat(repository().tenants().list()).containsExactly(BANK);
        assertThat(repository().tenants().exists(HOSPITAL)).isFalse();
    }

    @Test
    default void anUnmappedDomainShouldBeItsOwnTenant() {
        assertThat(repository().tenants().tenantOf("Partner.Example.")).isEqualTo(TenantId.of("partner.example"));
    }

    @Test
    default void mappedDomainsShouldBelongToTheirTenantInAnySpelling() {
        withTenants(BANK);

        repository().tenants().mapDomain("bank.example", BANK);
        repository().tenants().mapDomain("Bücher-Bank.example", BANK);

        assertThat(repository().tenants().tenantOf("BANK.example")).isEqualTo(BANK);
        assertThat(repository().tenants().tenantOf("xn--bcher-bank-9db.example")).isEqualTo(BANK);
        assertThat(repository().tenants().domains(BANK)).containsExactly("bank.example", "xn--bcher-bank-9db.example");
    }

    @Test
    default void mappingADomainAnotherTenantOwnsShouldBeRefusedAndChangeNothing() {
        withTenants(BANK, HOSPITAL);
        repository().tenants().mapDomain("shared.example", BANK);

        assertThatThrownBy(() -> repository().tenants().mapDomain("Shared.Example", HOSPITAL))
            .isInstanceOfSatisfying(DomainOwnershipException.class, e -> {
                assertThat(e.owner()).contains(BANK);
                assertThat(e.domain()).isEqualTo("shared.example");
            })
            .hasMessageContaining("'bank'");

        assertThat(repository().tenants().tenantOf("shared.example")).isEqualTo(BANK);
        assertThat(repository().tenants().domains(HOSPITAL)).isEmpty();
        assertThat(domainEvents(HOSPITAL)).isEmpty();
    }

    @Test
    default void mappingADomainItsTenantOwnsAlreadyShouldChangeNothing() {
        withTenants(BANK);
        repository().tenants().mapDomain("bank.example", BANK);

        repository().tenants().mapDomain("BANK.example.", BANK);

        assertThat(repository().tenants().domains(BANK)).containsExactly("bank.example");
        assertThat(domainEvents(BANK)).hasSize(1);
    }

    @Test
    default void movingADomainShouldBeExplicitAndAuditedInBothTenants() {
        withTenants(BANK, HOSPITAL);
        repository().tenants().mapDomain("shared.example", BANK);

        repository().tenants().moveDomain("shared.example", BANK, HOSPITAL);

        assertThat(repository().tenants().tenantOf("shared.example")).isEqualTo(HOSPITAL);
        assertThat(repository().tenants().domains(BANK)).isEmpty();
        assertThat(domainEvents(BANK)).extracting(AuditEvent::operation, AuditEvent::detail)
            .containsExactly(
                tuple(Operation.UNMAP_DOMAIN, Optional.of("domain shared.example moved to tenant hospital")),
                tuple(Operation.MAP_DOMAIN, Optional.of("domain shared.example mapped")));
        assertThat(domainEvents(HOSPITAL)).extracting(AuditEvent::operation, AuditEvent::detail)
            .containsExactly(tuple(Operation.MAP_DOMAIN, Optional.of("domain shared.example moved from tenant bank")));
    }

    @Test
    default void movingADomainFromATenantThatDoesNotOwnItShouldFailAndNameTheOwner() {
        withTenants(BANK, HOSPITAL, PARTNER_DIRECTORY);
        repository().tenants().mapDomain("shared.example", BANK);

        assertThatThrownBy(() -> repository().tenants().moveDomain("shared.example", HOSPITAL, PARTNER_DIRECTORY))
            .isInstanceOfSatisfying(DomainOwnershipException.class, e -> assertThat(e.owner()).contains(BANK));
        assertThatThrownBy(() -> repository().tenants().moveDomain("free.example", HOSPITAL, PARTNER_DIRECTORY))
            .isInstanceOfSatisfying(DomainOwnershipException.class, e -> assertThat(e.owner()).isEmpty());

        assertThat(repository().tenants().tenantOf("shared.example")).isEqualTo(BANK);
        assertThat(repository().tenants().domains(PARTNER_DIRECTORY)).isEmpty();
    }

    @Test
    default void malformedDomainsShouldNeverBeMapped() {
        withTenants(BANK);
        List<String> malformed = List.of("not_a_domain", "", " ", "bank..example", ".bank.example", "bank example",
            " bank.example", "bank.example\n", "-bank.example", "bank-.example", "x".repeat(64) + ".example",
            ("a".repeat(60) + ".").repeat(5) + "example", "bank.example/x", "bank@example", "10.0.0.1", "*.example");

        for (String domain : malformed) {
            assertThatThrownBy(() -> repository().tenants().mapDomain(domain, BANK))
                .as("mapping '%s'", domain)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid domain");
        }

        assertThat(repository().tenants().domains(BANK)).isEmpty();
        assertThat(domainEvents(BANK)).isEmpty();
    }

    @Test
    default void internationalisedDomainsShouldBeMappedInTheirCanonicalForm() {
        withTenants(BANK);

        repository().tenants().mapDomain("Bücher.example", BANK);
        repository().tenants().mapDomain("\u2603.example.", BANK);

        assertThat(repository().tenants().domains(BANK)).containsExactly("xn--bcher-kva.example", "xn--n3h.example");
        assertThat(repository().tenants().tenantOf("bücher.EXAMPLE")).isEqualTo(BANK);
    }

    @Test
    default void unmappingShouldBeAuditedInTheTenantThatOwnedTheDomain() {
        withTenants(BANK);
        repository().tenants().mapDomain("bank.example", BANK);

        repository().tenants().unmapDomain("bank.example");

        assertThat(domainEvents(BANK)).extracting(AuditEvent::operation)
            .containsExactly(Operation.UNMAP_DOMAIN, Operation.MAP_DOMAIN);
    }

    @Test
    default void unmappingShouldReturnTheDomainToItself() {
        withTenants(BANK);
        repository().tenants().mapDomain("bank.example", BANK);

        assertThat(repository().tenants().unmapDomain("bank.example")).isTrue();

        assertThat(repository().tenants().tenantOf("bank.example")).isEqualTo(TenantId.of("bank.example"));
        assertThat(repository().tenants().unmapDomain("bank.example")).isFalse();
    }

    @Test
    default void mappingToAnUnknownTenantShouldFail() {
        assertThatThrownBy(() -> repository().tenants().mapDomain("bank.example", BANK))
            .isInstanceOf(UnknownTenantException.class)
            .hasMessageContaining("bank");
    }

    private List<AuditEvent> domainEvents(TenantId tenant) {
        return repository().audit().query(tenant, Instant.EPOCH, clock().instant().plusSeconds(1), 100).stream()
            .filter(event -> event.operation() == Operation.MAP_DOMAIN || event.operation() == Operation.UNMAP_DOMAIN)
            .collect(Collectors.toList());
    }

    // certificates

    @Test
    default void addShouldKeepTheNormalisedAddressesAndTheChain() {
        withTenants(BANK);
        TestPki.Issued john = PARTNER_CA.issue("John.Smith@Partner.Example", "John@XN--Bcher-kva.Example");

        CertificateEntry entry = repository().certificates().add(BANK, john.chain(), Origin.IMPORTED);

        assertThat(entry.tenant()).isEqualTo(BANK);
        assertThat(entry.fingerprint()).isEqualTo(john.fingerprint());
        assertThat(entry.addresses()).containsExactlyInAnyOrder(EmailAddress.of(JOHN), EmailAddress.of("john@xn--bcher-kva.example"));
        assertThat(entry.chain()).containsExactly(PARTNER_CA.certificate());
        assertThat(entry.status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(entry.origin()).isEqualTo(Origin.IMPORTED);
    }

    @Test
    default void addingTheSameCertificateTwiceShouldKeepTheFirstEntry() {
        withTenants(BANK);
        TestPki.Issued john = PARTNER_CA.issue(JOHN);
        repository().certificates().add(BANK, john.chain(), Origin.IMPORTED);

        CertificateEntry again = repository().certificates().add(BANK, john.chain(), Origin.HARVESTED);

        assertThat(again.origin()).isEqualTo(Origin.IMPORTED);
        assertThat(repository().certificates().list(BANK, Optional.empty(), 10)).hasSize(1);
    }

    @Test
    default void addShouldRefuseACertificateWithoutAddress() {
        withTenants(BANK);

        assertThatThrownBy(() -> repository().certificates().add(BANK, PARTNER_CA.issue().chain(), Origin.IMPORTED))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no e-mail address");
    }

    @Test
    default void addShouldRefuseAnUnknownTenant() {
        assertThatThrownBy(() -> repository().certificates().add(BANK, PARTNER_CA.issue(JOHN).chain(), Origin.IMPORTED))
            .isInstanceOf(UnknownTenantException.class);
    }

    @Test
    default void addAllShouldStoreEveryNewCertificateAndSkipKnownOnes() {
        withTenants(BANK);
        TestPki.Issued known = PARTNER_CA.issue(JOHN);
        repository().certificates().add(BANK, known.chain(), Origin.IMPORTED);
        TestPki.Issued first = PARTNER_CA.issue("first@partner.example");
        TestPki.Issued second = PARTNER_CA.issue("second@partner.example");

        int added = repository().certificates().addAll(BANK, List.of(known.chain(), first.chain(), second.chain()), Origin.IMPORTED);

        assertThat(added).isEqualTo(2);
        assertThat(repository().certificates().list(BANK, Optional.empty(), 10)).hasSize(3);
        assertThat(repository().certificates().encryptionCertificates(BANK, EmailAddress.of("second@partner.example"), SelectionPolicy.NEWEST))
            .extracting(CertificateEntry::fingerprint).containsExactly(second.fingerprint());
    }

    @Test
    default void addAllShouldStoreNothingWhenOneCertificateHasNoAddress() {
        withTenants(BANK);

        assertThatThrownBy(() -> repository().certificates().addAll(BANK,
                List.of(PARTNER_CA.issue(JOHN).chain(), PARTNER_CA.issue().chain()), Origin.IMPORTED))
            .isInstanceOf(IllegalArgumentException.class);

        assertThat(repository().certificates().list(BANK, Optional.empty(), 10)).isEmpty();
    }

    @Test
    default void listShouldPageInFingerprintOrder() {
        withTenants(BANK);
        for (int i = 0; i < 5; i++) {
            repository().certificates().add(BANK, PARTNER_CA.issue("user" + i + "@partner.example").chain(), Origin.IMPORTED);
        }

        List<CertificateEntry> first = repository().certificates().list(BANK, Optional.empty(), 3);
        List<CertificateEntry> rest = repository().certificates().list(BANK, Optional.of(first.get(2).fingerprint()), 3);

        assertThat(first).hasSize(3);
        assertThat(rest).hasSize(2);
        assertThat(first.get(0).fingerprint()).isLessThan(first.get(1).fingerprint());
        assertThat(rest.get(0).fingerprint()).isGreaterThan(first.get(2).fingerprint());
    }

    // encryption lookups

    @Test
    default void encryptionShouldUseOnlyTheSenderTenantsCertificate() {
        withTenants(BANK, HOSPITAL);
        TestPki.Issued bankCopy = PARTNER_CA.issue(JOHN);
        TestPki.Issued hospitalCopy = PARTNER_CA.issue(JOHN);
        repository().certificates().add(BANK, bankCopy.chain(), Origin.IMPORTED);
        repository().certificates().add(HOSPITAL, hospitalCopy.chain(), Origin.IMPORTED);

        assertThat(fingerprints(repository().certificates().encryptionCertificates(BANK, EmailAddress.of(JOHN), SelectionPolicy.ALL_VALID)))
            .containsExactly(bankCopy.fingerprint());
        assertThat(fingerprints(repository().certificates().encryptionCertificates(HOSPITAL, EmailAddress.of(JOHN), SelectionPolicy.ALL_VALID)))
            .containsExactly(hospitalCopy.fingerprint());
    }

    @Test
    default void aTenantWithoutACertificateShouldFindNoneEvenIfAnotherTenantHasOne() {
        withTenants(BANK, HOSPITAL);
        repository().certificates().add(HOSPITAL, PARTNER_CA.issue(JOHN).chain(), Origin.IMPORTED);

        assertThat(repository().certificates().encryptionCertificates(BANK, EmailAddress.of(JOHN), SelectionPolicy.ALL_VALID)).isEmpty();
    }

    @Test
    default void addressesShouldMatchWhateverTheirCaseAndDomainSpelling() {
        withTenants(BANK);
        // certificates carry the ASCII form of an internationalised domain (rfc822Name is an IA5String)
        TestPki.Issued idn = PARTNER_CA.issue("Anna@xn--bcher-kva.example");
        repository().certificates().add(BANK, idn.chain(), Origin.IMPORTED);

        assertThat(repository().certificates().encryptionCertificates(BANK, EmailAddress.of("anna@xn--bcher-kva.example"), SelectionPolicy.NEWEST))
            .extracting(CertificateEntry::fingerprint).containsExactly(idn.fingerprint());
        assertThat(repository().certificates().encryptionCertificates(BANK, EmailAddress.of("ANNA@BÜCHER.EXAMPLE"), SelectionPolicy.NEWEST))
            .extracting(CertificateEntry::fingerprint).containsExactly(idn.fingerprint());
    }

    @Test
    default void expiredNotYetValidRevokedSupersededAndSigningOnlyCertificatesShouldNeverEncrypt() {
        withTenants(BANK);
        Instant now = clock().instant();
        TestPki.Issued expired = PARTNER_CA.issuing(JOHN).validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))).build();
        TestPki.Issued future = PARTNER_CA.issuing(JOHN).validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))).build();
        TestPki.Issued revoked = PARTNER_CA.issue(JOHN);
        TestPki.Issued superseded = PARTNER_CA.issue(JOHN);
        TestPki.Issued signingOnly = PARTNER_CA.issuing(JOHN).signingOnly().build();
        TestPki.Issued tlsOnly = PARTNER_CA.issuing(JOHN).serverAuthOnly().build();
        TestPki.Issued good = PARTNER_CA.issue(JOHN);
        for (TestPki.Issued issued : List.of(expired, future, revoked, superseded, signingOnly, tlsOnly, good)) {
            repository().certificates().add(BANK, issued.chain(), Origin.IMPORTED);
        }
        repository().certificates().setStatus(BANK, revoked.fingerprint(), KeyStatus.REVOKED);
        repository().certificates().setStatus(BANK, superseded.fingerprint(), KeyStatus.SUPERSEDED);

        assertThat(fingerprints(repository().certificates().encryptionCertificates(BANK, EmailAddress.of(JOHN), SelectionPolicy.ALL_VALID)))
            .containsExactly(good.fingerprint());
    }

    @Test
    default void newestShouldChooseTheLatestValidCertificateAndAllValidShouldListThemNewestFirst() {
        withTenants(BANK);
        Instant now = clock().instant();
        TestPki.Issued older = PARTNER_CA.issuing(JOHN).validity(now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(60))).build();
        TestPki.Issued newer = PARTNER_CA.issuing(JOHN).validity(now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(360))).build();
        repository().certificates().add(BANK, newer.chain(), Origin.IMPORTED);
        repository().certificates().add(BANK, older.chain(), Origin.IMPORTED);

        assertThat(fingerprints(repository().certificates().encryptionCertificates(BANK, EmailAddress.of(JOHN), SelectionPolicy.NEWEST)))
            .containsExactly(newer.fingerprint());
        assertThat(fingerprints(repository().certificates().encryptionCertificates(BANK, EmailAddress.of(JOHN), SelectionPolicy.ALL_VALID)))
            .containsExactly(newer.fingerprint(), older.fingerprint());
    }

    @Test
    default void lookupsShouldFollowTheClock() {
        withTenants(BANK);
        Instant now = clock().instant();
        TestPki.Issued john = PARTNER_CA.issuing(JOHN).validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1))).build();
        repository().certificates().add(BANK, john.chain(), Origin.IMPORTED);

        clock().advance(Duration.ofDays(2));

        assertThat(repository().certificates().encryptionCertificates(BANK, EmailAddress.of(JOHN), SelectionPolicy.NEWEST)).isEmpty();
    }

    // federation

    @Test
    default void federationShouldShareTheGrantorsPublicCertificatesOnlyWithTheGrantee() {
        withTenants(BANK, HOSPITAL, PARTNER_DIRECTORY);
        TestPki.Issued john = PARTNER_CA.issue(JOHN);
        repository().certificates().add(PARTNER_DIRECTORY, john.chain(), Origin.IMPORTED);

        repository().tenants().grantFederation(PARTNER_DIRECTORY, BANK);

        assertThat(fingerprints(repository().certificates().encryptionCertificates(BANK, EmailAddress.of(JOHN), SelectionPolicy.NEWEST)))
            .containsExactly(john.fingerprint());
        assertThat(repository().certificates().encryptionCertificates(HOSPITAL, EmailAddress.of(JOHN), SelectionPolicy.NEWEST)).isEmpty();
        assertThat(repository().tenants().federatedWith(BANK)).containsExactly(PARTNER_DIRECTORY);
    }

    @Test
    default void aTenantsOwnCertificateShouldWinOverAFederatedOne() {
        withTenants(BANK, PARTNER_DIRECTORY);
        TestPki.Issued own = PARTNER_CA.issue(JOHN);
        repository().certificates().add(BANK, own.chain(), Origin.IMPORTED);
        repository().certificates().add(PARTNER_DIRECTORY, PARTNER_CA.issue(JOHN).chain(), Origin.IMPORTED);
        repository().tenants().grantFederation(PARTNER_DIRECTORY, BANK);

        assertThat(fingerprints(repository().certificates().encryptionCertificates(BANK, EmailAddress.of(JOHN), SelectionPolicy.ALL_VALID)))
            .containsExactly(own.fingerprint());
    }

    @Test
    default void federationShouldBeOneWayAndRevocable() {
        withTenants(BANK, PARTNER_DIRECTORY);
        repository().certificates().add(BANK, PARTNER_CA.issue(JOHN).chain(), Origin.IMPORTED);
        repository().certificates().add(PARTNER_DIRECTORY, PARTNER_CA.issue("other@partner.example").chain(), Origin.IMPORTED);
        repository().tenants().grantFederation(PARTNER_DIRECTORY, BANK);

        assertThat(repository().certificates().encryptionCertificates(PARTNER_DIRECTORY, EmailAddress.of(JOHN), SelectionPolicy.NEWEST)).isEmpty();

        assertThat(repository().tenants().revokeFederation(PARTNER_DIRECTORY, BANK)).isTrue();
        assertThat(repository().certificates().encryptionCertificates(BANK, EmailAddress.of("other@partner.example"), SelectionPolicy.NEWEST)).isEmpty();
    }

    @Test
    default void revokingAGrantThatWasNeverGivenShouldSayNo() {
        withTenants(BANK, PARTNER_DIRECTORY);

        assertThat(repository().tenants().revokeFederation(PARTNER_DIRECTORY, BANK)).isFalse();
    }

    @Test
    default void aTenantCannotFederateWithItself() {
        withTenants(BANK);

        assertThatThrownBy(() -> repository().tenants().grantFederation(BANK, BANK)).isInstanceOf(IllegalArgumentException.class);
    }

    // private keys

    @Test
    default void signingKeyShouldSignWhatItsCertificateVerifies() throws Exception {
        withTenants(BANK);
        TestPki.Issued alice = OWN_CA.issue("alice@bank.example");
        repository().certificates().add(BANK, alice.chain(), Origin.IMPORTED);
        repository().privateKeys().add(BANK, alice.fingerprint(), alice.privateKey());

        KeyPairEntry signing = repository().privateKeys().signingKey(BANK, EmailAddress.of("Alice@Bank.Example")).orElseThrow();

        assertThat(signing.certificate().fingerprint()).isEqualTo(alice.fingerprint());
        assertThat(signs(signing)).isTrue();
    }

    @Test
    default void aPrivateKeyOfAnotherCertificateShouldBeRefused() {
        withTenants(BANK);
        TestPki.Issued alice = OWN_CA.issue("alice@bank.example");
        repository().certificates().add(BANK, alice.chain(), Origin.IMPORTED);

        assertThatThrownBy(() -> repository().privateKeys().add(BANK, alice.fingerprint(), TestPki.newKeyPair().getPrivate()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("does not belong");
        assertThat(repository().privateKeys().has(BANK, alice.fingerprint())).isFalse();
    }

    @Test
    default void aPrivateKeyCanOnlyBeStoredForACertificateOfTheSameTenant() {
        withTenants(BANK, HOSPITAL);
        TestPki.Issued alice = OWN_CA.issue("alice@bank.example");
        repository().certificates().add(BANK, alice.chain(), Origin.IMPORTED);

        assertThatThrownBy(() -> repository().privateKeys().add(HOSPITAL, alice.fingerprint(), alice.privateKey()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("holds no certificate");
    }

    @Test
    default void signingKeysShouldNeverCrossTenantsNorFederation() {
        withTenants(BANK, HOSPITAL);
        TestPki.Issued alice = OWN_CA.issue("alice@shared.example");
        repository().certificates().add(BANK, alice.chain(), Origin.IMPORTED);
        repository().privateKeys().add(BANK, alice.fingerprint(), alice.privateKey());
        repository().tenants().grantFederation(BANK, HOSPITAL);

        assertThat(repository().privateKeys().signingKey(HOSPITAL, EmailAddress.of("alice@shared.example"))).isEmpty();
    }

    @Test
    default void aRevokedCertificateShouldNotSignButStillDecrypt() throws Exception {
        withTenants(BANK);
        TestPki.Issued alice = OWN_CA.issue("alice@bank.example");
        repository().certificates().add(BANK, alice.chain(), Origin.IMPORTED);
        repository().privateKeys().add(BANK, alice.fingerprint(), alice.privateKey());

        repository().certificates().setStatus(BANK, alice.fingerprint(), KeyStatus.REVOKED);

        assertThat(repository().privateKeys().signingKey(BANK, EmailAddress.of("alice@bank.example"))).isEmpty();
        List<KeyPairEntry> keys = repository().privateKeys().decryptionKeys(BANK,
            RecipientId.issuerAndSerial(alice.certificate().getIssuerX500Principal(), alice.certificate().getSerialNumber()));
        assertThat(keys).extracting(key -> key.certificate().fingerprint()).containsExactly(alice.fingerprint());
        assertThat(keys.get(0).privateKey().getEncoded()).isEqualTo(alice.privateKey().getEncoded());
    }

    @Test
    default void decryptionShouldFindEveryKeyTheRecipientEverHeldBySubjectKeyIdentifier() {
        withTenants(BANK);
        java.security.KeyPair reused = TestPki.newKeyPair();
        TestPki.Issued old = OWN_CA.issuing("alice@bank.example").keyPair(reused).build();
        TestPki.Issued renewed = OWN_CA.issuing("alice@bank.example").keyPair(reused).build();
        for (TestPki.Issued issued : List.of(old, renewed)) {
            repository().certificates().add(BANK, issued.chain(), Origin.IMPORTED);
            repository().privateKeys().add(BANK, issued.fingerprint(), issued.privateKey());
        }
        repository().certificates().setStatus(BANK, old.fingerprint(), KeyStatus.SUPERSEDED);
        byte[] ski = org.bouncycastle.asn1.ASN1OctetString.getInstance(
            org.bouncycastle.asn1.ASN1OctetString.getInstance(old.certificate().getExtensionValue("2.5.29.14")).getOctets()).getOctets();

        List<KeyPairEntry> keys = repository().privateKeys().decryptionKeys(BANK, RecipientId.subjectKeyIdentifier(ski));

        assertThat(keys).extracting(key -> key.certificate().fingerprint())
            .containsExactlyInAnyOrder(old.fingerprint(), renewed.fingerprint());
    }

    @Test
    default void findShouldNotReturnAnotherTenantsCertificateWithTheSameIssuerAndSerial() {
        withTenants(BANK, HOSPITAL);
        TestPki.Issued john = PARTNER_CA.issue(JOHN);
        repository().certificates().add(HOSPITAL, john.chain(), Origin.IMPORTED);

        assertThat(repository().certificates().find(BANK,
            RecipientId.issuerAndSerial(john.certificate().getIssuerX500Principal(), john.certificate().getSerialNumber()))).isEmpty();
        assertThat(repository().certificates().find(HOSPITAL,
            RecipientId.issuerAndSerial(john.certificate().getIssuerX500Principal(), john.certificate().getSerialNumber()))).hasSize(1);
    }

    // trust anchors and PDF passwords

    @Test
    default void trustAnchorsShouldBelongToOneTenant() throws Exception {
        withTenants(BANK, HOSPITAL);

        assertThat(repository().trustAnchors().add(BANK, PARTNER_CA.certificate())).isTrue();
        assertThat(repository().trustAnchors().add(BANK, PARTNER_CA.certificate())).isFalse();

        assertThat(repository().trustAnchors().list(BANK)).containsExactly(PARTNER_CA.certificate());
        assertThat(repository().trustAnchors().list(HOSPITAL)).isEmpty();
        assertThat(repository().trustAnchors().remove(BANK, Fingerprint.sha256(PARTNER_CA.certificate().getEncoded()))).isTrue();
        assertThat(repository().trustAnchors().list(BANK)).isEmpty();
    }

    @Test
    default void pdfPasswordsShouldRoundTripPerTenant() {
        withTenants(BANK, HOSPITAL);
        EmailAddress john = EmailAddress.of(JOHN);

        repository().pdfPasswords().set(BANK, john, "Grüße-123 €".toCharArray());

        assertThat(repository().pdfPasswords().get(BANK, EmailAddress.of("JOHN.SMITH@partner.example"))).hasValueSatisfying(
            password -> assertThat(new String(password)).isEqualTo("Grüße-123 €"));
        assertThat(repository().pdfPasswords().get(HOSPITAL, john)).isEmpty();
        assertThat(repository().pdfPasswords().remove(BANK, john)).isTrue();
        assertThat(repository().pdfPasswords().get(BANK, john)).isEmpty();
    }

    // TLS policies

    @Test
    default void tlsPoliciesShouldRoundTripPerTenantUnderNormalisedDomains() {
        withTenants(BANK, HOSPITAL);
        TlsPolicy strict = TlsPolicy.parse("verify min=TLSv1.3 names=*.Partner.Example");

        repository().tlsPolicies().set(BANK, "Partner.Example.", strict);

        assertThat(repository().tlsPolicies().get(BANK, "partner.example")).contains(strict);
        assertThat(repository().tlsPolicies().all(BANK)).containsExactly(entry("partner.example", strict));
        assertThat(repository().tlsPolicies().get(HOSPITAL, "partner.example")).isEmpty();
        assertThat(repository().tlsPolicies().remove(BANK, "PARTNER.example")).isTrue();
        assertThat(repository().tlsPolicies().get(BANK, "partner.example")).isEmpty();
    }

    // audit

    @Test
    default void auditShouldBeQueriedPerTenantNewestFirstWithinTheWindow() {
        withTenants(BANK, HOSPITAL);
        Instant start = clock().instant();
        TestPki.Issued alice = OWN_CA.issue("alice@bank.example");
        AuditEvent first = AuditEvent.of(start, BANK, Operation.SIGN).withKey(alice.fingerprint())
            .withCounterpart(EmailAddress.of(JOHN)).withMessageId("<1@bank.example>");
        AuditEvent second = AuditEvent.of(start.plusSeconds(10), BANK, Operation.ENCRYPT).withDetail("AES-256-CBC");
        AuditEvent late = AuditEvent.of(start.plusSeconds(100), BANK, Operation.DECRYPT);
        AuditEvent elsewhere = AuditEvent.of(start.plusSeconds(5), HOSPITAL, Operation.SIGN);
        List.of(first, second, late, elsewhere).forEach(repository().audit()::append);

        assertThat(repository().audit().query(BANK, start, start.plusSeconds(60), 10)).containsExactly(second, first);
        assertThat(repository().audit().query(BANK, start, start.plusSeconds(1000), 1)).containsExactly(late);
        assertThat(repository().audit().query(HOSPITAL, start, start.plusSeconds(1000), 10)).containsExactly(elsewhere);
    }

    private static List<Fingerprint> fingerprints(List<CertificateEntry> entries) {
        return entries.stream().map(CertificateEntry::fingerprint).collect(java.util.stream.Collectors.toList());
    }

    private static boolean signs(KeyPairEntry entry) throws Exception {
        byte[] data = "mail".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(entry.privateKey());
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(entry.certificate().certificate());
        verifier.update(data);
        return verifier.verify(signature);
    }
}
