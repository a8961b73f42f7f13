package dev.tresor.keys.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;

/**
 * What every {@link KeyStorage} backend does, pinned once: memory, H2 and PostgreSQL each run it through a test of a
 * few lines that implements {@link #storage()}, returning an empty storage for each test.
 */
public interface KeyStorageContract {
    TenantId ACME = TenantId.of("acme");
    TenantId GLOBEX = TenantId.of("globex");
    TenantId INITECH = TenantId.of("initech");
    TenantId UNKNOWN = TenantId.of("never-created");
    String JOHN = "john@partner.example";
    String JANE = "jane@partner.example";
    // Microseconds: the finest time every backend keeps.
    Instant NOW = Instant.parse("2026-03-01T10:15:30.123456Z");

    KeyStorage storage();

    private KeyStorage withTenants(TenantId... tenants) {
        for (TenantId tenant : tenants) {
            storage().tenants().createTenant(tenant, NOW);
        }
        return storage();
    }

    /** A certificate record whose DER is derived from {@code seed}, valid from NOW for a year. */
    static CertificateRecord certificate(TenantId tenant, String seed, String... addresses) {
        byte[] der = ("certificate " + seed).getBytes(StandardCharsets.UTF_8);
        return new CertificateRecord(tenant, Fingerprint.sha256(der), der,
            List.of(("issuer of " + seed).getBytes(StandardCharsets.UTF_8), ("root of " + seed).getBytes(StandardCharsets.UTF_8)),
            Set.of(addresses), "cn=partner ca,o=partner", "1f" + Integer.toHexString(seed.hashCode()),
            Optional.of("5k1" + Integer.toHexString(seed.hashCode())), NOW, NOW.plus(Duration.ofDays(365)),
            true, true, Origin.IMPORTED, KeyStatus.ACTIVE, NOW);
    }

    static CertificateRecord expiringAt(CertificateRecord certificate, Instant notAfter) {
        return new CertificateRecord(certificate.tenant(), certificate.fingerprint(), certificate.der(), certificate.chain(),
            certificate.addresses(), certificate.issuer(), certificate.serialNumber(), certificate.subjectKeyIdentifier(),
            certificate.notBefore(), notAfter, certificate.canEncrypt(), certificate.canSign(), certificate.origin(),
            certificate.status(), certificate.addedAt());
    }

    static AuditRecord audit(TenantId tenant, Instant time, String operation) {
        return new AuditRecord(0, time, tenant, operation, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());
    }

    private static List<Fingerprint> fingerprints(List<CertificateRecord> certificates) {
        return certificates.stream().map(CertificateRecord::fingerprint).collect(Collectors.toList());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // tenants

    @Test
    default void createTenantShouldReturnFalseWhenTheTenantExists() {
        assertThat(storage().tenants().createTenant(ACME, NOW)).isTrue();

        assertThat(storage().tenants().createTenant(ACME, NOW.plusSeconds(1))).isFalse();
        assertThat(storage().tenants().allTenants()).containsExactly(ACME);
    }

    @Test
    default void tenantExistsShouldTellCreatedTenantsOnly() {
        withTenants(ACME);

        assertThat(storage().tenants().tenantExists(ACME)).isTrue();
        assertThat(storage().tenants().tenantExists(GLOBEX)).isFalse();
    }

    @Test
    default void tenantsShouldBeListedInTenantIdOrder() {
        List<TenantId> tenants = List.of(TenantId.of("b.example"), TenantId.of("a-z"), TenantId.of("a_b"),
            TenantId.of("ab"), TenantId.of("a.c"), TenantId.of("9to5"));
        tenants.forEach(tenant -> storage().tenants().createTenant(tenant, NOW));

        assertThat(storage().tenants().allTenants()).isEqualTo(tenants.stream().sorted().collect(Collectors.toList()));
    }

    // domains

    @Test
    default void mapDomainShouldMapDomainsToTheirTenantAndListThemSorted() {
        withTenants(ACME, GLOBEX);

        storage().tenants().mapDomain("mail.acme.example", ACME);
        storage().tenants().mapDomain("acme.example", ACME);
        storage().tenants().mapDomain("globex.example", GLOBEX);

        assertThat(storage().tenants().tenantOfDomain("acme.example")).contains(ACME);
        assertThat(storage().tenants().tenantOfDomain("globex.example")).contains(GLOBEX);
        assertThat(storage().tenants().tenantOfDomain("unmapped.example")).isEmpty();
        assertThat(storage().tenants().domainsOf(ACME)).containsExactly("acme.example", "mail.acme.example");
    }

    @Test
    default void mapDomainShouldNeverTakeADomainAnotherTenantOwns() {
        withTenants(ACME, GLOBEX);
        assertThat(storage().tenants().mapDomain("shared.example", ACME)).isEqualTo(ACME);

        assertThat(storage().tenants().mapDomain("shared.example", GLOBEX)).isEqualTo(ACME);

        assertThat(storage().tenants().tenantOfDomain("shared.example")).contains(ACME);
        assertThat(storage().tenants().domainsOf(GLOBEX)).isEmpty();
    }

    @Test
    default void mapDomainShouldBeIdempotentForItsOwner() {
        withTenants(ACME);
        storage().tenants().mapDomain("acme.example", ACME);

        assertThat(storage().tenants().mapDomain("acme.example", ACME)).isEqualTo(ACME);

        assertThat(storage().tenants().domainsOf(ACME)).containsExactly("acme.example");
    }

    @Test
    default void moveDomainShouldMoveADomainOnlyFromItsOwner() {
        withTenants(ACME, GLOBEX, INITECH);
        storage().tenants().mapDomain("shared.example", ACME);

        assertThat(storage().tenants().moveDomain("shared.example", GLOBEX, INITECH)).isFalse();
        assertThat(storage().tenants().tenantOfDomain("shared.example")).contains(ACME);

        assertThat(storage().tenants().moveDomain("shared.example", ACME, GLOBEX)).isTrue();
        assertThat(storage().tenants().tenantOfDomain("shared.example")).contains(GLOBEX);
        assertThat(storage().tenants().domainsOf(ACME)).isEmpty();
        assertThat(storage().tenants().domainsOf(GLOBEX)).containsExactly("shared.example");
    }

    @Test
    default void moveDomainShouldNotMapAFreeDomain() {
        withTenants(ACME, GLOBEX);

        assertThat(storage().tenants().moveDomain("free.example", ACME, GLOBEX)).isFalse();

        assertThat(storage().tenants().tenantOfDomain("free.example")).isEmpty();
    }

    @Test
    default void moveDomainShouldRefuseAnUnknownTenant() {
        withTenants(ACME);
        storage().tenants().mapDomain("acme.example", ACME);

        assertThatThrownBy(() -> storage().tenants().moveDomain("acme.example", ACME, UNKNOWN))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThat(storage().tenants().tenantOfDomain("acme.example")).contains(ACME);
    }

    @Test
    default void unmapDomainShouldRemoveTheMappingOnce() {
        withTenants(ACME);
        storage().tenants().mapDomain("acme.example", ACME);

        assertThat(storage().tenants().unmapDomain("acme.example")).isTrue();
        assertThat(storage().tenants().unmapDomain("acme.example")).isFalse();
        assertThat(storage().tenants().tenantOfDomain("acme.example")).isEmpty();
        assertThat(storage().tenants().domainsOf(ACME)).isEmpty();
    }

    @Test
    default void mapDomainShouldRefuseAnUnknownTenant() {
        assertThatThrownBy(() -> storage().tenants().mapDomain("acme.example", UNKNOWN))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThat(storage().tenants().tenantOfDomain("acme.example")).isEmpty();
    }

    // federation

    @Test
    default void aGrantShouldBeVisibleFromBothSides() {
        withTenants(ACME, GLOBEX, INITECH);

        storage().tenants().grant(ACME, INITECH);
        storage().tenants().grant(GLOBEX, INITECH);

        assertThat(storage().tenants().grantorsOf(INITECH)).containsExactlyInAnyOrder(ACME, GLOBEX);
        assertThat(storage().tenants().granteesOf(ACME)).containsExactly(INITECH);
        assertThat(storage().tenants().grantorsOf(ACME)).isEmpty();
        assertThat(storage().tenants().granteesOf(INITECH)).isEmpty();
    }

    @Test
    default void grantingTwiceShouldKeepOneGrant() {
        withTenants(ACME, GLOBEX);
        storage().tenants().grant(ACME, GLOBEX);

        storage().tenants().grant(ACME, GLOBEX);

        assertThat(storage().tenants().grantorsOf(GLOBEX)).containsExactly(ACME);
        assertThat(storage().tenants().revokeGrant(ACME, GLOBEX)).isTrue();
        assertThat(storage().tenants().grantorsOf(GLOBEX)).isEmpty();
    }

    @Test
    default void revokeGrantShouldRemoveOnlyThatDirection() {
        withTenants(ACME, GLOBEX);
        storage().tenants().grant(ACME, GLOBEX);
        storage().tenants().grant(GLOBEX, ACME);

        assertThat(storage().tenants().revokeGrant(ACME, GLOBEX)).isTrue();

        assertThat(storage().tenants().revokeGrant(ACME, GLOBEX)).isFalse();
        assertThat(storage().tenants().grantorsOf(GLOBEX)).isEmpty();
        assertThat(storage().tenants().grantorsOf(ACME)).containsExactly(GLOBEX);
    }

    @Test
    default void revokeGrantShouldReturnFalseForAGranteeWithoutGrants() {
        withTenants(ACME, GLOBEX);

        assertThat(storage().tenants().revokeGrant(ACME, GLOBEX)).isFalse();
        assertThat(storage().tenants().revokeGrant(UNKNOWN, ACME)).isFalse();
    }

    @Test
    default void grantShouldRefuseAnUnknownGrantorOrGrantee() {
        withTenants(ACME);

        assertThatThrownBy(() -> storage().tenants().grant(UNKNOWN, ACME))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThatThrownBy(() -> storage().tenants().grant(ACME, UNKNOWN))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThat(storage().tenants().granteesOf(ACME)).isEmpty();
        assertThat(storage().tenants().grantorsOf(ACME)).isEmpty();
    }

    // certificates

    @Test
    default void aCertificateShouldComeBackWithEveryField() {
        withTenants(ACME);
        CertificateRecord certificate = certificate(ACME, "john", JOHN, "j.doe@partner.example");

        assertThat(storage().certificates().insertCertificate(certificate)).isTrue();

        assertThat(storage().certificates().certificate(ACME, certificate.fingerprint())).get()
            .usingRecursiveComparison().isEqualTo(certificate);
    }

    @Test
    default void aCertificateWithoutChainAddressesOrKeyIdentifierShouldComeBackAsSuch() {
        withTenants(ACME);
        byte[] der = bytes("bare certificate");
        CertificateRecord bare = new CertificateRecord(ACME, Fingerprint.sha256(der), der, List.of(), Set.of(),
            "cn=bare", "0", Optional.empty(), NOW.minusSeconds(60), NOW, false, false, Origin.HARVESTED,
            KeyStatus.REVOKED, NOW.plusNanos(1_000));

        storage().certificates().insertCertificate(bare);

        assertThat(storage().certificates().certificate(ACME, bare.fingerprint())).get().usingRecursiveComparison().isEqualTo(bare);
    }

    @Test
    default void insertCertificateShouldKeepTheFirstWhenTheTenantHoldsTheFingerprint() {
        withTenants(ACME);
        CertificateRecord first = certificate(ACME, "john", JOHN);
        storage().certificates().insertCertificate(first);

        boolean inserted = storage().certificates().insertCertificate(first.withStatus(KeyStatus.REVOKED));

        assertThat(inserted).isFalse();
        assertThat(storage().certificates().certificate(ACME, first.fingerprint())).get()
            .extracting(CertificateRecord::status).isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    default void twoTenantsShouldHoldTheSameCertificateIndependently() {
        withTenants(ACME, GLOBEX);
        CertificateRecord ofAcme = certificate(ACME, "john", JOHN);
        CertificateRecord ofGlobex = certificate(GLOBEX, "john", JOHN);

        assertThat(storage().certificates().insertCertificate(ofAcme)).isTrue();
        assertThat(storage().certificates().insertCertificate(ofGlobex)).isTrue();
        storage().certificates().updateCertificateStatus(GLOBEX, ofGlobex.fingerprint(), KeyStatus.REVOKED);

        assertThat(storage().certificates().certificate(ACME, ofAcme.fingerprint())).get()
            .extracting(CertificateRecord::tenant, CertificateRecord::status).containsExactly(ACME, KeyStatus.ACTIVE);
        assertThat(storage().certificates().certificate(GLOBEX, ofGlobex.fingerprint())).get()
            .extracting(CertificateRecord::tenant, CertificateRecord::status).containsExactly(GLOBEX, KeyStatus.REVOKED);
    }

    @Test
    default void insertCertificateShouldRefuseAnUnknownTenant() {
        CertificateRecord certificate = certificate(UNKNOWN, "john", JOHN);

        assertThatThrownBy(() -> storage().certificates().insertCertificate(certificate))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThat(storage().certificates().certificatesByAddress(List.of(UNKNOWN), JOHN)).isEmpty();
    }

    @Test
    default void insertCertificatesShouldSkipCertificatesAlreadyHeldOrListedTwice() {
        withTenants(ACME, GLOBEX);
        CertificateRecord held = certificate(ACME, "held", JOHN);
        storage().certificates().insertCertificate(held);
        CertificateRecord john = certificate(ACME, "john", JOHN, "j@partner.example");
        CertificateRecord jane = certificate(GLOBEX, "jane", JANE);

        int inserted = storage().certificates().insertCertificates(List.of(john, held.withStatus(KeyStatus.REVOKED), jane, john));

        assertThat(inserted).isEqualTo(2);
        assertThat(storage().certificates().certificatesByAddress(List.of(ACME), JOHN)).extracting(CertificateRecord::status)
            .containsExactly(KeyStatus.ACTIVE, KeyStatus.ACTIVE);
        assertThat(storage().certificates().certificatesByAddress(List.of(ACME), "j@partner.example"))
            .singleElement().usingRecursiveComparison().isEqualTo(john);
        assertThat(storage().certificates().certificate(GLOBEX, jane.fingerprint())).get().usingRecursiveComparison().isEqualTo(jane);
        assertThat(storage().certificates().insertCertificates(List.of())).isZero();
    }

    @Test
    default void insertCertificatesShouldRefuseAnUnknownTenant() {
        withTenants(ACME);
        List<CertificateRecord> certificates = List.of(certificate(ACME, "john", JOHN), certificate(UNKNOWN, "jane", JANE));

        assertThatThrownBy(() -> storage().certificates().insertCertificates(certificates))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThat(storage().certificates().certificatesByAddress(List.of(UNKNOWN), JANE)).isEmpty();
    }

    @Test
    default void certificateShouldNotBeFoundInAnotherTenantsVault() {
        withTenants(ACME, GLOBEX);
        CertificateRecord certificate = certificate(ACME, "john", JOHN);
        storage().certificates().insertCertificate(certificate);

        assertThat(storage().certificates().certificate(GLOBEX, certificate.fingerprint())).isEmpty();
        assertThat(storage().certificates().certificate(UNKNOWN, certificate.fingerprint())).isEmpty();
    }

    @Test
    default void certificatesByAddressShouldSearchTheGivenTenantsOnly() {
        withTenants(ACME, GLOBEX, INITECH);
        CertificateRecord ofAcme = certificate(ACME, "john at acme", JOHN);
        CertificateRecord ofGlobex = certificate(GLOBEX, "john at globex", JOHN);
        CertificateRecord ofInitech = certificate(INITECH, "john at initech", JOHN);
        CertificateRecord sameAsAcmesAtInitech = certificate(INITECH, "john at acme", JOHN);
        List.of(ofAcme, ofGlobex, ofInitech, sameAsAcmesAtInitech).forEach(storage().certificates()::insertCertificate);

        assertThat(storage().certificates().certificatesByAddress(List.of(ACME), JOHN))
            .extracting(CertificateRecord::tenant, CertificateRecord::fingerprint)
            .containsExactly(tuple(ACME, ofAcme.fingerprint()));
        assertThat(storage().certificates().certificatesByAddress(List.of(GLOBEX, ACME, GLOBEX), JOHN))
            .extracting(CertificateRecord::tenant, CertificateRecord::fingerprint)
            .containsExactlyInAnyOrder(tuple(ACME, ofAcme.fingerprint()),
                tuple(GLOBEX, ofGlobex.fingerprint()));
        assertThat(storage().certificates().certificatesByAddress(List.of(UNKNOWN), JOHN)).isEmpty();
        assertThat(storage().certificates().certificatesByAddress(List.of(), JOHN)).isEmpty();
    }

    @Test
    default void certificatesByAddressShouldSearchAnyNumberOfTenantsAtOnce() {
        List<TenantId> holders = IntStream.range(0, 5).mapToObj(i -> TenantId.of("holder-" + i)).collect(Collectors.toList());
        withTenants(holders.toArray(new TenantId[0]));
        withTenants(ACME);
        holders.forEach(holder -> storage().certificates().insertCertificate(certificate(holder, "john", JOHN)));
        storage().certificates().insertCertificate(certificate(ACME, "john", JOHN));

        for (int count = 1; count <= holders.size(); count++) {
            List<TenantId> searched = holders.subList(0, count);

            assertThat(storage().certificates().certificatesByAddress(searched, JOHN)).extracting(CertificateRecord::tenant)
                .containsExactlyInAnyOrderElementsOf(searched);
        }
    }

    @Test
    default void certificatesByAddressShouldFindEveryStatusWithAllTheCertificatesAddresses() {
        withTenants(ACME);
        CertificateRecord current = certificate(ACME, "john current", JOHN, "j.doe@partner.example");
        CertificateRecord revoked = certificate(ACME, "john revoked", JOHN).withStatus(KeyStatus.REVOKED);
        CertificateRecord janes = certificate(ACME, "jane", JANE);
        List.of(current, revoked, janes).forEach(storage().certificates()::insertCertificate);

        List<CertificateRecord> found = storage().certificates().certificatesByAddress(List.of(ACME), JOHN);

        assertThat(found).extracting(CertificateRecord::fingerprint)
            .containsExactlyInAnyOrder(current.fingerprint(), revoked.fingerprint());
        assertThat(found).filteredOn(certificate -> certificate.fingerprint().equals(current.fingerprint()))
            .singleElement().usingRecursiveComparison().isEqualTo(current);
        assertThat(storage().certificates().certificatesByAddress(List.of(ACME), "j.doe@partner.example"))
            .extracting(CertificateRecord::fingerprint).containsExactly(current.fingerprint());
        assertThat(storage().certificates().certificatesByAddress(List.of(ACME), "nobody@partner.example")).isEmpty();
    }

    @Test
    default void certificatesByIssuerAndSerialShouldMatchBothInTheTenantsVaultOnly() {
        withTenants(ACME, GLOBEX);
        CertificateRecord wanted = certificate(ACME, "john", JOHN);
        byte[] otherDer = bytes("same serial, other issuer");
        CertificateRecord otherIssuer = new CertificateRecord(ACME, Fingerprint.sha256(otherDer), otherDer, List.of(),
            Set.of(JOHN), "cn=other ca", wanted.serialNumber(), Optional.empty(), NOW, NOW.plusSeconds(1), true, true,
            Origin.IMPORTED, KeyStatus.ACTIVE, NOW);
        List.of(wanted, otherIssuer, certificate(GLOBEX, "john", JOHN)).forEach(storage().certificates()::insertCertificate);

        assertThat(storage().certificates().certificatesByIssuerAndSerial(ACME, wanted.issuer(), wanted.serialNumber()))
            .extracting(CertificateRecord::tenant, CertificateRecord::fingerprint)
            .containsExactly(tuple(ACME, wanted.fingerprint()));
        assertThat(storage().certificates().certificatesByIssuerAndSerial(ACME, wanted.issuer(), "ff")).isEmpty();
    }

    @Test
    default void certificatesBySubjectKeyIdentifierShouldSearchTheTenantsVaultOnly() {
        withTenants(ACME, GLOBEX);
        CertificateRecord wanted = certificate(ACME, "john", JOHN);
        List.of(wanted, certificate(ACME, "jane", JANE), certificate(GLOBEX, "john", JOHN)).forEach(storage().certificates()::insertCertificate);
        String subjectKeyIdentifier = wanted.subjectKeyIdentifier().orElseThrow();

        assertThat(storage().certificates().certificatesBySubjectKeyIdentifier(ACME, subjectKeyIdentifier))
            .extracting(CertificateRecord::tenant, CertificateRecord::fingerprint)
            .containsExactly(tuple(ACME, wanted.fingerprint()));
        assertThat(storage().certificates().certificatesBySubjectKeyIdentifier(ACME, "00")).isEmpty();
    }

    @Test
    default void certificatesShouldBePagedInFingerprintOrder() {
        withTenants(ACME, GLOBEX);
        List<CertificateRecord> all = IntStream.range(0, 7)
            .mapToObj(i -> certificate(ACME, "certificate " + i, "user" + i + "@acme.example"))
            .collect(Collectors.toList());
        all.forEach(storage().certificates()::insertCertificate);
        storage().certificates().insertCertificate(certificate(GLOBEX, "of another tenant", JOHN));
        List<Fingerprint> sorted = fingerprints(all).stream().sorted().collect(Collectors.toList());

        List<CertificateRecord> first = storage().certificates().certificates(ACME, Optional.empty(), 3);
        List<CertificateRecord> second = storage().certificates().certificates(ACME, Optional.of(sorted.get(2)), 3);
        List<CertificateRecord> last = storage().certificates().certificates(ACME, Optional.of(sorted.get(5)), 3);

        assertThat(fingerprints(first)).isEqualTo(sorted.subList(0, 3));
        assertThat(fingerprints(second)).isEqualTo(sorted.subList(3, 6));
        assertThat(fingerprints(last)).isEqualTo(sorted.subList(6, 7));
        assertThat(last.get(0).addresses()).hasSize(1);
        assertThat(storage().certificates().certificates(ACME, Optional.of(sorted.get(6)), 3)).isEmpty();
        assertThat(storage().certificates().certificates(ACME, Optional.empty(), 0)).isEmpty();
    }

    @Test
    default void aNegativeLimitShouldBeRefused() {
        withTenants(ACME);

        assertThatThrownBy(() -> storage().certificates().certificates(ACME, Optional.empty(), -1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().certificates().certificatesWithPrivateKeyExpiringBefore(NOW, -1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage().audit().audit(ACME, NOW, NOW.plusSeconds(1), -1))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void updateCertificateStatusShouldChangeOnlyThatCertificate() {
        withTenants(ACME);
        CertificateRecord john = certificate(ACME, "john", JOHN);
        CertificateRecord jane = certificate(ACME, "jane", JANE);
        storage().certificates().insertCertificate(john);
        storage().certificates().insertCertificate(jane);

        assertThat(storage().certificates().updateCertificateStatus(ACME, john.fingerprint(), KeyStatus.SUPERSEDED)).isTrue();

        assertThat(storage().certificates().certificate(ACME, john.fingerprint())).get()
            .usingRecursiveComparison().isEqualTo(john.withStatus(KeyStatus.SUPERSEDED));
        assertThat(storage().certificates().certificate(ACME, jane.fingerprint())).get()
            .extracting(CertificateRecord::status).isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    default void updateCertificateStatusShouldReturnFalseForACertificateTheTenantDoesNotHold() {
        withTenants(ACME, GLOBEX);
        CertificateRecord john = certificate(ACME, "john", JOHN);
        storage().certificates().insertCertificate(john);

        assertThat(storage().certificates().updateCertificateStatus(GLOBEX, john.fingerprint(), KeyStatus.REVOKED)).isFalse();
        assertThat(storage().certificates().updateCertificateStatus(UNKNOWN, john.fingerprint(), KeyStatus.REVOKED)).isFalse();
        assertThat(storage().certificates().certificate(ACME, john.fingerprint())).get()
            .extracting(CertificateRecord::status).isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    default void expiringCertificatesShouldBeThoseWithAPrivateKeySoonestFirstAcrossTenants() {
        withTenants(ACME, GLOBEX);
        CertificateRecord acmeInTenDays = expiringAt(certificate(ACME, "acme 10 days", "a@acme.example"), NOW.plus(Duration.ofDays(10)));
        CertificateRecord globexInFiveDays = expiringAt(certificate(GLOBEX, "globex 5 days", "g@globex.example"), NOW.plus(Duration.ofDays(5)));
        CertificateRecord acmeWithoutKey = expiringAt(certificate(ACME, "partner 1 day", JOHN), NOW.plus(Duration.ofDays(1)));
        CertificateRecord acmeInAYear = expiringAt(certificate(ACME, "acme 1 year", "b@acme.example"), NOW.plus(Duration.ofDays(365)));
        CertificateRecord globexExpired = expiringAt(certificate(GLOBEX, "globex expired", "old@globex.example"), NOW.minusSeconds(1));
        for (CertificateRecord certificate : List.of(acmeInTenDays, globexInFiveDays, acmeWithoutKey, acmeInAYear, globexExpired)) {
            storage().certificates().insertCertificate(certificate);
            if (certificate != acmeWithoutKey) {
                storage().privateKeys().putPrivateKey(certificate.tenant(), certificate.fingerprint(), bytes("key"));
            }
        }
        Instant inThirtyDays = NOW.plus(Duration.ofDays(30));

        assertThat(fingerprints(storage().certificates().certificatesWithPrivateKeyExpiringBefore(inThirtyDays, 10)))
            .containsExactly(globexExpired.fingerprint(), globexInFiveDays.fingerprint(), acmeInTenDays.fingerprint());
        assertThat(fingerprints(storage().certificates().certificatesWithPrivateKeyExpiringBefore(inThirtyDays, 2)))
            .containsExactly(globexExpired.fingerprint(), globexInFiveDays.fingerprint());
        assertThat(fingerprints(storage().certificates().certificatesWithPrivateKeyExpiringBefore(acmeInTenDays.notAfter(), 10)))
            .containsExactly(globexExpired.fingerprint(), globexInFiveDays.fingerprint());
        assertThat(storage().certificates().certificatesWithPrivateKeyExpiringBefore(inThirtyDays, 10).get(2))
            .usingRecursiveComparison().isEqualTo(acmeInTenDays);
    }

    // private keys

    @Test
    default void putPrivateKeyShouldStoreAndReplaceTheKeyOfACertificate() {
        withTenants(ACME);
        CertificateRecord john = certificate(ACME, "john", JOHN);
        storage().certificates().insertCertificate(john);

        storage().privateKeys().putPrivateKey(ACME, john.fingerprint(), bytes("first"));
        storage().privateKeys().putPrivateKey(ACME, john.fingerprint(), bytes("second"));

        assertThat(storage().privateKeys().privateKey(ACME, john.fingerprint())).hasValueSatisfying(
            blob -> assertThat(blob).isEqualTo(bytes("second")));
    }

    @Test
    default void putPrivateKeyShouldRefuseACertificateTheTenantDoesNotHold() {
        withTenants(ACME, GLOBEX);
        CertificateRecord ofGlobex = certificate(GLOBEX, "john", JOHN);
        storage().certificates().insertCertificate(ofGlobex);

        assertThatThrownBy(() -> storage().privateKeys().putPrivateKey(ACME, ofGlobex.fingerprint(), bytes("key")))
            .isInstanceOf(IllegalArgumentException.class)
            .isNotInstanceOf(UnknownTenantException.class)
            .hasMessageContaining(ACME.asString())
            .hasMessageContaining(ofGlobex.fingerprint().asString());
        assertThat(storage().privateKeys().privateKey(ACME, ofGlobex.fingerprint())).isEmpty();
        assertThat(storage().privateKeys().privateKey(GLOBEX, ofGlobex.fingerprint())).isEmpty();
    }

    @Test
    default void putPrivateKeyShouldRefuseAnUnknownTenant() {
        Fingerprint fingerprint = certificate(UNKNOWN, "john", JOHN).fingerprint();

        assertThatThrownBy(() -> storage().privateKeys().putPrivateKey(UNKNOWN, fingerprint, bytes("key")))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
    }

    @Test
    default void aPrivateKeyShouldNotBeFoundByAnotherTenantHoldingTheSameCertificate() {
        withTenants(ACME, GLOBEX);
        CertificateRecord ofAcme = certificate(ACME, "john", JOHN);
        storage().certificates().insertCertificate(ofAcme);
        storage().certificates().insertCertificate(certificate(GLOBEX, "john", JOHN));

        storage().privateKeys().putPrivateKey(ACME, ofAcme.fingerprint(), bytes("acme's key"));

        assertThat(storage().privateKeys().privateKey(GLOBEX, ofAcme.fingerprint())).isEmpty();
        assertThat(storage().privateKeys().privateKey(UNKNOWN, ofAcme.fingerprint())).isEmpty();
    }

    @Test
    default void storedBytesShouldNotChangeWhenTheCallersArraysDo() {
        withTenants(ACME);
        CertificateRecord john = certificate(ACME, "john", JOHN);
        storage().certificates().insertCertificate(john);
        byte[] key = bytes("key");
        byte[] anchor = bytes("anchor");
        byte[] password = bytes("password");
        storage().privateKeys().putPrivateKey(ACME, john.fingerprint(), key);
        storage().trustAnchors().insertTrustAnchor(ACME, Fingerprint.sha256(anchor), anchor, NOW);
        storage().pdfPasswords().putPdfPassword(ACME, JOHN, password, NOW);

        key[0] = 'X';
        anchor[0] = 'X';
        password[0] = 'X';
        storage().privateKeys().privateKey(ACME, john.fingerprint()).orElseThrow()[1] = 'X';
        storage().trustAnchors().trustAnchors(ACME).get(0)[1] = 'X';
        storage().pdfPasswords().pdfPassword(ACME, JOHN).orElseThrow()[1] = 'X';

        assertThat(storage().privateKeys().privateKey(ACME, john.fingerprint())).hasValueSatisfying(
            blob -> assertThat(blob).isEqualTo(bytes("key")));
        assertThat(storage().trustAnchors().trustAnchors(ACME)).singleElement().isEqualTo(bytes("anchor"));
        assertThat(storage().pdfPasswords().pdfPassword(ACME, JOHN)).hasValueSatisfying(
            blob -> assertThat(blob).isEqualTo(bytes("password")));
    }

    @Test
    default void blobsShouldBeKeptByteForByte() {
        withTenants(ACME);
        byte[] everyByteValue = everyByteValue();
        byte[] anchor = everyByteValue();
        anchor[0] = 'A';
        byte[] der = everyByteValue();
        der[0] = 'D';
        CertificateRecord certificate = new CertificateRecord(ACME, Fingerprint.sha256(der), der,
            List.of(everyByteValue, new byte[0], everyByteValue), Set.of(JOHN), "cn=ca", "1", Optional.empty(),
            NOW, NOW, true, true, Origin.IMPORTED, KeyStatus.ACTIVE, NOW);

        storage().certificates().insertCertificate(certificate);
        storage().privateKeys().putPrivateKey(ACME, certificate.fingerprint(), everyByteValue);
        storage().trustAnchors().insertTrustAnchor(ACME, Fingerprint.sha256(anchor), anchor, NOW);
        storage().pdfPasswords().putPdfPassword(ACME, JOHN, everyByteValue, NOW);

        assertThat(storage().certificates().certificate(ACME, certificate.fingerprint())).get()
            .usingRecursiveComparison().isEqualTo(certificate);
        assertThat(storage().privateKeys().privateKey(ACME, certificate.fingerprint())).hasValueSatisfying(
            blob -> assertThat(blob).isEqualTo(everyByteValue));
        assertThat(storage().trustAnchors().trustAnchors(ACME)).singleElement().isEqualTo(anchor);
        assertThat(storage().pdfPasswords().pdfPassword(ACME, JOHN)).hasValueSatisfying(
            blob -> assertThat(blob).isEqualTo(everyByteValue));
    }

    private static byte[] everyByteValue() {
        byte[] bytes = new byte[512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        return bytes;
    }

    // trust anchors

    @Test
    default void trustAnchorsShouldBeAddedOnceAndListedInFingerprintOrder() {
        withTenants(ACME, GLOBEX);
        List<byte[]> anchors = IntStream.range(0, 4).mapToObj(i -> bytes("anchor " + i)).collect(Collectors.toList());

        anchors.forEach(anchor -> assertThat(storage().trustAnchors().insertTrustAnchor(ACME, Fingerprint.sha256(anchor), anchor, NOW)).isTrue());
        boolean again = storage().trustAnchors().insertTrustAnchor(ACME, Fingerprint.sha256(anchors.get(0)), bytes("other bytes"), NOW);

        assertThat(again).isFalse();
        assertThat(storage().trustAnchors().trustAnchors(ACME)).containsExactlyElementsOf(anchors.stream()
            .sorted(Comparator.comparing(Fingerprint::sha256)).collect(Collectors.toList()));
        assertThat(storage().trustAnchors().trustAnchors(GLOBEX)).isEmpty();
    }

    @Test
    default void deleteTrustAnchorShouldRemoveItFromThatTenantOnly() {
        withTenants(ACME, GLOBEX);
        byte[] anchor = bytes("anchor");
        Fingerprint fingerprint = Fingerprint.sha256(anchor);
        storage().trustAnchors().insertTrustAnchor(ACME, fingerprint, anchor, NOW);
        storage().trustAnchors().insertTrustAnchor(GLOBEX, fingerprint, anchor, NOW);

        assertThat(storage().trustAnchors().deleteTrustAnchor(ACME, fingerprint)).isTrue();

        assertThat(storage().trustAnchors().deleteTrustAnchor(ACME, fingerprint)).isFalse();
        assertThat(storage().trustAnchors().trustAnchors(ACME)).isEmpty();
        assertThat(storage().trustAnchors().trustAnchors(GLOBEX)).containsExactly(anchor);
    }

    @Test
    default void insertTrustAnchorShouldRefuseAnUnknownTenant() {
        byte[] anchor = bytes("anchor");

        assertThatThrownBy(() -> storage().trustAnchors().insertTrustAnchor(UNKNOWN, Fingerprint.sha256(anchor), anchor, NOW))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThat(storage().trustAnchors().trustAnchors(UNKNOWN)).isEmpty();
    }

    // TLS policies

    @Test
    default void tlsPoliciesShouldBeReplacedListedInDomainOrderAndDeletedPerTenant() {
        withTenants(ACME, GLOBEX);
        storage().tlsPolicies().putTlsPolicy(ACME, "partner.example", "encrypt", NOW);
        storage().tlsPolicies().putTlsPolicy(ACME, "bank.example", "may", NOW);
        storage().tlsPolicies().putTlsPolicy(GLOBEX, "bank.example", "none", NOW);

        storage().tlsPolicies().putTlsPolicy(ACME, "bank.example", "verify min=TLSv1.3", NOW.plusSeconds(1));

        assertThat(storage().tlsPolicies().tlsPolicy(ACME, "bank.example")).contains("verify min=TLSv1.3");
        assertThat(storage().tlsPolicies().tlsPolicies(ACME)).containsExactly(
            entry("bank.example", "verify min=TLSv1.3"), entry("partner.example", "encrypt"));
        assertThat(storage().tlsPolicies().tlsPolicy(GLOBEX, "bank.example")).contains("none");
        assertThat(storage().tlsPolicies().deleteTlsPolicy(ACME, "bank.example")).isTrue();
        assertThat(storage().tlsPolicies().deleteTlsPolicy(ACME, "bank.example")).isFalse();
        assertThat(storage().tlsPolicies().tlsPolicy(ACME, "bank.example")).isEmpty();
        assertThat(storage().tlsPolicies().tlsPolicy(GLOBEX, "bank.example")).contains("none");
        assertThat(storage().tlsPolicies().tlsPolicies(UNKNOWN)).isEmpty();
    }

    @Test
    default void tlsPolicyOfAnUnknownTenantShouldBeRefused() {
        assertThatThrownBy(() -> storage().tlsPolicies().putTlsPolicy(UNKNOWN, "bank.example", "verify", NOW))
            .isInstanceOf(UnknownTenantException.class);
    }

    // policies

    @Test
    default void policyVersionsShouldBeNumberedPerTenantAndScopeAndTheNewestShouldBeCurrent() {
        withTenants(ACME, GLOBEX);
        assertThat(storage().policies().appendPolicy(ACME, "partner:bank.example", Optional.of("encryption=never"), NOW,
            "carol")).isEqualTo(1);
        assertThat(storage().policies().appendPolicy(ACME, "partner:bank.example", Optional.of("encryption=mandatory"),
            NOW.plusSeconds(1), "dave")).isEqualTo(2);
        assertThat(storage().policies().appendPolicy(ACME, "default", Optional.of("subjectTag="), NOW, "carol"))
            .isEqualTo(1);
        assertThat(storage().policies().appendPolicy(GLOBEX, "partner:bank.example", Optional.of("encryption=never"),
            NOW, "erin")).isEqualTo(1);

        assertThat(storage().policies().currentPolicies(ACME)).containsExactly(entry("default", "subjectTag="),
            entry("partner:bank.example", "encryption=mandatory"));
        assertThat(storage().policies().currentPolicies(GLOBEX)).containsExactly(
            entry("partner:bank.example", "encryption=never"));
        assertThat(storage().policies().policyHistory(ACME, "partner:bank.example"))
            .extracting(PolicyStorage.PolicyRow::version, PolicyStorage.PolicyRow::settings,
                PolicyStorage.PolicyRow::changedAt, PolicyStorage.PolicyRow::changedBy)
            .containsExactly(tuple(2, Optional.of("encryption=mandatory"), NOW.plusSeconds(1), "dave"),
                tuple(1, Optional.of("encryption=never"), NOW, "carol"));
    }

    @Test
    default void aRemovalVersionShouldTakeTheScopeOutOfTheCurrentPolicies() {
        withTenants(ACME);
        storage().policies().appendPolicy(ACME, "partner:bank.example", Optional.of("encryption=never"), NOW, "carol");

        assertThat(storage().policies().appendPolicy(ACME, "partner:bank.example", Optional.empty(), NOW, "carol"))
            .isEqualTo(2);

        assertThat(storage().policies().currentPolicies(ACME)).isEmpty();
        assertThat(storage().policies().policyHistory(ACME, "partner:bank.example")).first()
            .satisfies(row -> assertThat(row.settings()).isEmpty());
    }

    @Test
    default void policiesOfAnUnknownTenantShouldBeRefusedAndNone() {
        assertThatThrownBy(() -> storage().policies().appendPolicy(UNKNOWN, "default", Optional.of("encryption=never"),
            NOW, "carol")).isInstanceOf(UnknownTenantException.class);
        assertThat(storage().policies().currentPolicies(UNKNOWN)).isEmpty();
        assertThat(storage().policies().policyHistory(UNKNOWN, "default")).isEmpty();
    }

    // PDF passwords

    @Test
    default void pdfPasswordsShouldBeReplacedAndDeletedPerTenant() {
        withTenants(ACME, GLOBEX);
        storage().pdfPasswords().putPdfPassword(ACME, JOHN, bytes("first"), NOW);
        storage().pdfPasswords().putPdfPassword(GLOBEX, JOHN, bytes("globex's"), NOW);

        storage().pdfPasswords().putPdfPassword(ACME, JOHN, bytes("second"), NOW.plusSeconds(1));

        assertThat(storage().pdfPasswords().pdfPassword(ACME, JOHN)).hasValueSatisfying(blob -> assertThat(blob).isEqualTo(bytes("second")));
        assertThat(storage().pdfPasswords().deletePdfPassword(ACME, JOHN)).isTrue();
        assertThat(storage().pdfPasswords().deletePdfPassword(ACME, JOHN)).isFalse();
        assertThat(storage().pdfPasswords().pdfPassword(ACME, JOHN)).isEmpty();
        assertThat(storage().pdfPasswords().pdfPassword(GLOBEX, JOHN)).hasValueSatisfying(blob -> assertThat(blob).isEqualTo(bytes("globex's")));
        assertThat(storage().pdfPasswords().pdfPassword(ACME, JANE)).isEmpty();
    }

    @Test
    default void putPdfPasswordShouldRefuseAnUnknownTenant() {
        assertThatThrownBy(() -> storage().pdfPasswords().putPdfPassword(UNKNOWN, JOHN, bytes("secret"), NOW))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThat(storage().pdfPasswords().pdfPassword(UNKNOWN, JOHN)).isEmpty();
    }

    // audit log

    @Test
    default void appendAuditShouldAssignIncreasingIds() {
        withTenants(ACME, GLOBEX);

        storage().audit().appendAudit(audit(ACME, NOW, "first"));
        storage().audit().appendAudit(audit(GLOBEX, NOW, "second"));
        storage().audit().appendAudit(audit(ACME, NOW.minusSeconds(60), "third"));

        long first = storedAudit(ACME, "first").id();
        long second = storedAudit(GLOBEX, "second").id();
        long third = storedAudit(ACME, "third").id();
        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
    }

    @Test
    default void anAuditRecordShouldComeBackWithEveryField() {
        withTenants(ACME);
        AuditRecord full = new AuditRecord(0, NOW, ACME, "encrypt", Optional.of("ab".repeat(32)), Optional.of(JOHN),
            Optional.of("<1234@acme.example>"), Optional.of("x".repeat(5_000)));
        AuditRecord sparse = audit(ACME, NOW.plusSeconds(1), "decrypt");

        storage().audit().appendAudit(full);
        storage().audit().appendAudit(sparse);

        assertThat(storage().audit().audit(ACME, NOW, NOW.plusSeconds(2), 10))
            .usingRecursiveFieldByFieldElementComparatorIgnoringFields("id")
            .containsExactly(sparse, full);
    }

    @Test
    default void auditShouldListTheWindowNewestFirstUpToTheLimit() {
        withTenants(ACME);
        storage().audit().appendAudit(audit(ACME, NOW.minusNanos(1_000), "before"));
        storage().audit().appendAudit(audit(ACME, NOW, "at start"));
        storage().audit().appendAudit(audit(ACME, NOW.plusSeconds(30), "middle"));
        storage().audit().appendAudit(audit(ACME, NOW.plusSeconds(30), "same time, appended later"));
        storage().audit().appendAudit(audit(ACME, NOW.plusSeconds(60).minusNanos(1_000), "last inside"));
        storage().audit().appendAudit(audit(ACME, NOW.plusSeconds(60), "at end"));

        assertThat(storage().audit().audit(ACME, NOW, NOW.plusSeconds(60), 10)).extracting(AuditRecord::operation)
            .containsExactly("last inside", "same time, appended later", "middle", "at start");
        assertThat(storage().audit().audit(ACME, NOW, NOW.plusSeconds(60), 2)).extracting(AuditRecord::operation)
            .containsExactly("last inside", "same time, appended later");
        assertThat(storage().audit().audit(ACME, NOW.minusSeconds(1), NOW.plusSeconds(61), 10)).extracting(AuditRecord::operation)
            .contains("before", "at end");
    }

    @Test
    default void auditShouldListOnlyTheTenantsOwnRecords() {
        withTenants(ACME, GLOBEX);
        storage().audit().appendAudit(audit(ACME, NOW, "sign by acme"));
        storage().audit().appendAudit(audit(GLOBEX, NOW, "sign by globex"));

        assertThat(storage().audit().audit(ACME, NOW, NOW.plusSeconds(1), 10)).extracting(AuditRecord::operation, AuditRecord::tenant)
            .containsExactly(tuple("sign by acme", ACME));
        assertThat(storage().audit().audit(UNKNOWN, NOW, NOW.plusSeconds(1), 10)).isEmpty();
    }

    @Test
    default void appendAuditsShouldStoreEveryRecordInItsOrder() {
        withTenants(ACME, GLOBEX);
        List<AuditRecord> batch = IntStream.range(0, 1_200)
            .mapToObj(i -> audit(i % 3 == 0 ? GLOBEX : ACME, NOW, "use " + i))
            .collect(Collectors.toList());

        storage().audit().appendAudits(batch);
        storage().audit().appendAudits(List.of());

        List<AuditRecord> ofAcme = storage().audit().audit(ACME, NOW, NOW.plusSeconds(1), 2_000);
        assertThat(ofAcme).hasSize(800);
        assertThat(storage().audit().audit(GLOBEX, NOW, NOW.plusSeconds(1), 2_000)).hasSize(400);
        assertThat(ofAcme).extracting(AuditRecord::operation).first().isEqualTo("use 1199");
        assertThat(ofAcme).extracting(AuditRecord::id).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(ofAcme).extracting(AuditRecord::operation)
            .containsExactlyElementsOf(batch.stream().filter(record -> record.tenant().equals(ACME))
                .map(AuditRecord::operation).sorted(Comparator.comparing((String op) -> Integer.parseInt(op.substring(4))).reversed())
                .collect(Collectors.toList()));
    }

    @Test
    default void appendAuditsShouldStoreNothingWhenOneTenantIsUnknown() {
        withTenants(ACME);

        assertThatThrownBy(() -> storage().audit().appendAudits(List.of(audit(ACME, NOW, "sign"),
            audit(UNKNOWN, NOW, "sign"), audit(ACME, NOW, "decrypt"))))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
        assertThat(storage().audit().audit(ACME, NOW, NOW.plusSeconds(1), 10)).isEmpty();
    }

    private AuditRecord storedAudit(TenantId tenant, String operation) {
        return storage().audit().audit(tenant, Instant.EPOCH, NOW.plusSeconds(1), 100).stream()
            .filter(record -> record.operation().equals(operation))
            .findFirst().orElseThrow();
    }

    @Test
    default void appendAuditShouldRefuseAnUnknownTenant() {
        assertThatThrownBy(() -> storage().audit().appendAudit(audit(UNKNOWN, NOW, "sign")))
            .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(UNKNOWN));
    }

    // reads of an unknown tenant

    @Test
    default void readsOfAnUnknownTenantShouldFindNothing() {
        assertThat(storage().tenants().domainsOf(UNKNOWN)).isEmpty();
        assertThat(storage().tenants().grantorsOf(UNKNOWN)).isEmpty();
        assertThat(storage().tenants().granteesOf(UNKNOWN)).isEmpty();
        assertThat(storage().certificates().certificates(UNKNOWN, Optional.empty(), 10)).isEmpty();
        assertThat(storage().certificates().certificatesBySubjectKeyIdentifier(UNKNOWN, "00")).isEmpty();
        assertThat(storage().certificates().certificatesByIssuerAndSerial(UNKNOWN, "cn=ca", "1")).isEmpty();
        assertThat(storage().trustAnchors().trustAnchors(UNKNOWN)).isEmpty();
        assertThat(storage().trustAnchors().deleteTrustAnchor(UNKNOWN, Fingerprint.sha256(bytes("anchor")))).isFalse();
        assertThat(storage().pdfPasswords().deletePdfPassword(UNKNOWN, JOHN)).isFalse();
    }

    // OpenPGP keys

    /** An OpenPGP key record whose key ring and fingerprint are derived from {@code seed}. */
    static PgpKeyRecord pgpKey(TenantId tenant, String seed, Set<Long> keyIds, String... addresses) {
        String hex = Fingerprint.sha256(seed.getBytes(StandardCharsets.UTF_8)).asString().substring(0, 40);
        return new PgpKeyRecord(tenant, PgpFingerprint.of(hex), ("key ring " + seed).getBytes(StandardCharsets.UTF_8),
            Set.of(addresses), keyIds, Origin.IMPORTED, KeyStatus.ACTIVE, NOW, false);
    }

    @Test
    default void pgpKeysShouldBeFoundByAddressAndKeyIdOnlyInTheirTenantsVault() {
        withTenants(ACME, GLOBEX);
        PgpKeyRecord acmes = pgpKey(ACME, "acme's john", Set.of(1L, -7L), JOHN);
        PgpKeyRecord globexs = pgpKey(GLOBEX, "globex's john", Set.of(1L, 2L), JOHN, JANE);
        assertThat(storage().pgpKeys().insertPgpKey(acmes)).isTrue();
        assertThat(storage().pgpKeys().insertPgpKey(globexs)).isTrue();
        assertThat(storage().pgpKeys().insertPgpKey(acmes)).isFalse();

        assertThat(storage().pgpKeys().pgpKeysByAddress(List.of(ACME), JOHN)).extracting(PgpKeyRecord::fingerprint)
            .containsExactly(acmes.fingerprint());
        assertThat(storage().pgpKeys().pgpKeysByAddress(List.of(ACME, GLOBEX), JOHN)).hasSize(2);
        assertThat(storage().pgpKeys().pgpKeysByAddress(List.of(ACME), JANE)).isEmpty();
        assertThat(storage().pgpKeys().pgpKeysByKeyId(ACME, -7L)).extracting(PgpKeyRecord::fingerprint).containsExactly(acmes.fingerprint());
        assertThat(storage().pgpKeys().pgpKeysByKeyId(ACME, 2L)).isEmpty();
        assertThat(storage().pgpKeys().pgpKey(GLOBEX, acmes.fingerprint())).isEmpty();
        PgpKeyRecord read = storage().pgpKeys().pgpKey(ACME, acmes.fingerprint()).orElseThrow();
        assertThat(read.keyRing()).isEqualTo(acmes.keyRing());
        assertThat(read.addresses()).containsExactly(JOHN);
        assertThat(read.keyIds()).containsExactlyInAnyOrder(1L, -7L);
        assertThat(read.addedAt()).isEqualTo(NOW);
        assertThat(read.hasSecretKey()).isFalse();
    }

    @Test
    default void insertPgpKeyShouldRequireAnExistingTenant() {
        assertThatThrownBy(() -> storage().pgpKeys().insertPgpKey(pgpKey(UNKNOWN, "nobody's", Set.of(1L), JOHN)))
            .isInstanceOf(UnknownTenantException.class);
    }

    @Test
    default void updatePgpKeyShouldReplaceTheRingAddressesAndKeyIdsButKeepTheSecretKey() {
        withTenants(ACME, GLOBEX);
        PgpKeyRecord key = pgpKey(ACME, "john", Set.of(1L), JOHN);
        storage().pgpKeys().insertPgpKey(key);
        storage().pgpKeys().putPgpSecretKey(ACME, key.fingerprint(), new byte[] {9, 9});
        PgpKeyRecord newer = new PgpKeyRecord(ACME, key.fingerprint(), new byte[] {4, 2}, Set.of(JANE), Set.of(1L, 3L),
            Origin.HARVESTED, KeyStatus.SUPERSEDED, NOW.plusSeconds(1), false);

        assertThat(storage().pgpKeys().updatePgpKey(newer)).isTrue();
        assertThat(storage().pgpKeys().updatePgpKey(pgpKey(GLOBEX, "john", Set.of(1L), JOHN))).isFalse();

        PgpKeyRecord read = storage().pgpKeys().pgpKey(ACME, key.fingerprint()).orElseThrow();
        assertThat(read.keyRing()).containsExactly(4, 2);
        assertThat(read.origin()).isEqualTo(Origin.HARVESTED);
        assertThat(read.status()).isEqualTo(KeyStatus.SUPERSEDED);
        assertThat(read.hasSecretKey()).isTrue();
        assertThat(storage().pgpKeys().pgpKeysByAddress(List.of(ACME), JOHN)).isEmpty();
        assertThat(storage().pgpKeys().pgpKeysByAddress(List.of(ACME), JANE)).hasSize(1);
        assertThat(storage().pgpKeys().pgpKeysByKeyId(ACME, 3L)).hasSize(1);
        assertThat(storage().pgpKeys().pgpKey(GLOBEX, key.fingerprint())).isEmpty();
    }

    @Test
    default void pgpSecretKeysShouldBelongToAKeyOfTheirTenantAndComeOutAsCopies() {
        withTenants(ACME, GLOBEX);
        PgpKeyRecord key = pgpKey(ACME, "john", Set.of(1L), JOHN);
        storage().pgpKeys().insertPgpKey(key);
        byte[] blob = {1, 2, 3};

        storage().pgpKeys().putPgpSecretKey(ACME, key.fingerprint(), blob);
        blob[0] = 7;
        storage().pgpKeys().pgpSecretKey(ACME, key.fingerprint()).orElseThrow()[1] = 7;

        assertThat(storage().pgpKeys().pgpSecretKey(ACME, key.fingerprint())).hasValueSatisfying(
            stored -> assertThat(stored).containsExactly(1, 2, 3));
        assertThat(storage().pgpKeys().pgpSecretKey(GLOBEX, key.fingerprint())).isEmpty();
        assertThat(storage().pgpKeys().pgpKeysByKeyId(ACME, 1L).get(0).hasSecretKey()).isTrue();
        assertThatThrownBy(() -> storage().pgpKeys().putPgpSecretKey(GLOBEX, key.fingerprint(), new byte[] {1}))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void pgpKeyStatusAndPagesShouldStayInTheirTenant() {
        withTenants(ACME, GLOBEX);
        PgpKeyRecord first = pgpKey(ACME, "one", Set.of(1L), JOHN);
        PgpKeyRecord second = pgpKey(ACME, "two", Set.of(2L), JOHN);
        storage().pgpKeys().insertPgpKey(first);
        storage().pgpKeys().insertPgpKey(second);
        storage().pgpKeys().insertPgpKey(pgpKey(GLOBEX, "three", Set.of(3L), JOHN));
        List<PgpFingerprint> sorted = java.util.stream.Stream.of(first.fingerprint(), second.fingerprint()).sorted()
            .collect(java.util.stream.Collectors.toList());

        assertThat(storage().pgpKeys().updatePgpKeyStatus(ACME, first.fingerprint(), KeyStatus.REVOKED)).isTrue();
        assertThat(storage().pgpKeys().updatePgpKeyStatus(GLOBEX, first.fingerprint(), KeyStatus.REVOKED)).isFalse();

        assertThat(storage().pgpKeys().pgpKey(ACME, first.fingerprint()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(storage().pgpKeys().pgpKeys(ACME, Optional.empty(), 10)).extracting(PgpKeyRecord::fingerprint).containsExactlyElementsOf(sorted);
        assertThat(storage().pgpKeys().pgpKeys(ACME, Optional.of(sorted.get(0)), 10)).extracting(PgpKeyRecord::fingerprint)
            .containsExactly(sorted.get(1));
        assertThat(storage().pgpKeys().pgpKeys(ACME, Optional.empty(), 1)).hasSize(1);
    }
}
