package dev.tresor.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.ExpiringKey;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.Renewal;
import dev.tresor.keys.lifecycle.RevocationReason;
import dev.tresor.keys.lifecycle.TenantCa;

/**
 * The behaviour of tenant CAs and the keys they issue, pinned once and run against every backend. Implementations give
 * a fresh repository per test whose clock is {@link #clock()}, and {@link #otherNode()}: a second repository over the
 * same stored data (another James node, for a shared database), with the same clock.
 */
public interface KeyLifecycleContract {
    TenantId ACME = TenantId.of("acme");
    TenantId GLOBEX = TenantId.of("globex");
    EmailAddress ALICE = EmailAddress.of("alice@acme.example");
    EmailAddress BOB = EmailAddress.of("bob@acme.example");
    EmailAddress PARTNER = EmailAddress.of("carol@partner.example");
    String PUBLICATION = "http://pki.acme.test:8081";

    KeyRepository repository();

    KeyRepository otherNode();

    TestClock clock();

    private TenantCa acmeCa(String... fieldsAndValues) {
        KeyRepository repository = repository();
        repository.tenants().create(ACME);
        repository.tenants().mapDomain("acme.example", ACME);
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("publicationUrl", PUBLICATION);
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return repository.lifecycle().createCa(ACME, CaSettings.parse(fields, Optional.empty()), "admin");
    }

    private List<AuditEvent> audit(TenantId tenant, AuditEvent.Operation operation) {
        return repository().audit().query(tenant, Instant.EPOCH, clock().instant().plus(Duration.ofDays(1000)), 1000).stream()
            .filter(event -> event.operation() == operation)
            .collect(Collectors.toList());
    }

    // the CA

    @Test
    default void createCaShouldMakeASigningCaOnceAndAuditIt() {
        TenantCa ca = acmeCa();

        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.certificate().getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.generated()).isTrue();
        assertThat(repository().lifecycle().ca(ACME)).hasValueSatisfying(stored ->
            assertThat(stored.fingerprint()).isEqualTo(ca.fingerprint()));
        assertThatThrownBy(() -> repository().lifecycle().createCa(ACME, CaSettings.defaults(PUBLICATION), "mallory"))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("never replaced");
        assertThat(repository().lifecycle().ca(ACME).orElseThrow().fingerprint()).isEqualTo(ca.fingerprint());
        assertThat(audit(ACME, AuditEvent.Operation.CHANGE_CA)).hasSize(1)
            .allSatisfy(event -> assertThat(event.detail().orElseThrow()).contains("admin"));
    }

    @Test
    default void aTenantWithoutCaShouldIssueNothing() {
        repository().tenants().create(ACME);
        repository().tenants().mapDomain("acme.example", ACME);

        assertThat(repository().lifecycle().smimeKey(ACME, ALICE)).isEmpty();
        assertThat(repository().lifecycle().issuesAutomatically(ACME, ALICE, KeyKind.SMIME)).isFalse();
        assertThatThrownBy(() -> repository().lifecycle().issue(ACME, KeyKind.SMIME, ALICE, Optional.empty(), "admin"))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("no CA");
    }

    // issuance

    @Test
    default void aSendersFirstKeyShouldBeIssuedOnceAndThenReused() {
        TenantCa ca = acmeCa();

        KeyPairEntry first = repository().lifecycle().smimeKey(ACME, ALICE).orElseThrow();
        KeyPairEntry second = repository().lifecycle().smimeKey(ACME, ALICE).orElseThrow();

        assertThat(second.certificate().fingerprint()).isEqualTo(first.certificate().fingerprint());
        assertThat(first.certificate().origin()).isEqualTo(Origin.ISSUED);
        assertThat(first.certificate().addresses()).containsExactly(ALICE);
        assertThat(first.certificate().chain()).extracting(X509Certificate::getSubjectX500Principal)
            .containsExactly(ca.certificate().getSubjectX500Principal());
        assertThat(repository().lifecycle().issued(ACME, Optional.of(ALICE))).hasSize(1);
        assertThat(repository().privateKeys().signingKey(ACME, ALICE)).isPresent();
        assertThat(audit(ACME, AuditEvent.Operation.ISSUE)).hasSize(1)
            .allSatisfy(event -> assertThat(event.counterpart()).contains(ALICE));
    }

    @Test
    default void fiftyConcurrentFirstMailsOnTwoNodesShouldMakeOneKey() throws Exception {
        acmeCa();
        KeyRepository[] nodes = {repository(), otherNode()};
        ExecutorService threads = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Fingerprint>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                KeyRepository node = nodes[i % 2];
                Callable<Fingerprint> firstMail = () -> {
                    start.await();
                    return node.lifecycle().smimeKey(ACME, ALICE).orElseThrow().certificate().fingerprint();
                };
                results.add(threads.submit(firstMail));
            }
            start.countDown();
            Set<Fingerprint> keys = new java.util.HashSet<>();
            for (Future<Fingerprint> result : results) {
                keys.add(result.get(120, TimeUnit.SECONDS));
            }
            assertThat(keys).hasSize(1);
        } finally {
            threads.shutdownNow();
        }
        assertThat(repository().lifecycle().issued(ACME, Optional.of(ALICE))).hasSize(1);
        assertThat(audit(ACME, AuditEvent.Operation.ISSUE)).hasSize(1);
    }

    @Test
    default void keysShouldOnlyBeIssuedForTheTenantsOwnDomainsAndWhenEnabled() {
        acmeCa("autoIssueSmime", "false", "autoIssuePgp", "false");

        assertThat(repository().lifecycle().smimeKey(ACME, ALICE)).isEmpty();
        assertThat(repository().lifecycle().pgpKey(ACME, ALICE)).isEmpty();
        assertThat(repository().lifecycle().issuesAutomatically(ACME, PARTNER, KeyKind.SMIME)).isFalse();
        assertThatThrownBy(() -> repository().lifecycle().issue(ACME, KeyKind.SMIME, PARTNER, Optional.empty(), "admin"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carol@partner.example");
        assertThat(repository().lifecycle().issued(ACME, Optional.empty())).isEmpty();
    }

    @Test
    default void issuingAheadOfTimeShouldBeIdempotent() {
        acmeCa("autoIssueSmime", "false");

        IssuedKey first = repository().lifecycle().issue(ACME, KeyKind.SMIME, BOB, Optional.of(90), "admin");
        IssuedKey again = repository().lifecycle().issue(ACME, KeyKind.SMIME, BOB, Optional.empty(), "admin");

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(Duration.between(clock().instant(), first.notAfter())).isBetween(Duration.ofDays(89), Duration.ofDays(90));
        assertThat(repository().privateKeys().signingKey(ACME, BOB).orElseThrow().certificate().fingerprint().asString())
            .isEqualTo(first.fingerprint());
    }

    @Test
    default void anotherTenantsCaShouldNeverIssueForAcme() {
        acmeCa();
        repository().tenants().create(GLOBEX);
        repository().tenants().mapDomain("globex.example", GLOBEX);
        repository().lifecycle().createCa(GLOBEX, CaSettings.defaults("http://pki.globex.test"), "admin");

        assertThat(repository().lifecycle().smimeKey(GLOBEX, ALICE)).isEmpty();
        repository().lifecycle().smimeKey(ACME, ALICE).orElseThrow();

        assertThat(repository().lifecycle().issued(GLOBEX, Optional.empty())).isEmpty();
        assertThat(repository().privateKeys().signingKey(GLOBEX, ALICE)).isEmpty();
        IssuedKey acmes = repository().lifecycle().issued(ACME, Optional.empty()).get(0);
        assertThat(repository().lifecycle().revoke(GLOBEX, KeyKind.SMIME, acmes.id(), RevocationReason.KEY_COMPROMISE, "x"))
            .isEmpty();
        assertThat(repository().lifecycle().issuedKey(ACME, KeyKind.SMIME, acmes.id()).orElseThrow().status())
            .isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    default void openPgpKeysShouldBeIssuedWhenEnabled() {
        acmeCa("autoIssuePgp", "true");

        PgpPrivateKeyEntry key = repository().lifecycle().pgpKey(ACME, ALICE).orElseThrow();

        assertThat(key.entry().origin()).isEqualTo(Origin.ISSUED);
        assertThat(key.entry().addresses()).containsExactly(ALICE);
        assertThat(repository().lifecycle().pgpKey(ACME, ALICE).orElseThrow().entry().fingerprint())
            .isEqualTo(key.entry().fingerprint());
        assertThat(repository().pgpKeys().encryptionKeys(ACME, ALICE, SelectionPolicy.NEWEST)).hasSize(1);
        assertThat(repository().lifecycle().issued(ACME, Optional.of(ALICE)))
            .extracting(IssuedKey::kind).containsExactly(KeyKind.OPENPGP);
    }

    // renewal

    @Test
    default void aKeyTenDaysBeforeExpiryShouldBeRenewedAndTheOldOneStillDecrypt() throws Exception {
        acmeCa("validityDays", "365", "renewBeforeDays", "30");
        KeyPairEntry old = repository().lifecycle().smimeKey(ACME, ALICE).orElseThrow();
        byte[] oldMail = encryptTo(old.certificate().certificate(), "written before the renewal");

        clock().advance(Duration.ofDays(300));
        assertThat(repository().lifecycle().renew(ACME, "renewal-job")).isEmpty();
        clock().advance(Duration.ofDays(55));
        List<Renewal> renewals = repository().lifecycle().renew(ACME, "renewal-job");

        assertThat(renewals).hasSize(1);
        assertThat(renewals.get(0).superseded().fingerprint()).isEqualTo(old.certificate().fingerprint().asString());
        assertThat(renewals.get(0).superseded().status()).isEqualTo(KeyStatus.SUPERSEDED);
        assertThat(renewals.get(0).superseded().renewedBy()).contains(renewals.get(0).replacement().id());
        KeyPairEntry signing = repository().lifecycle().smimeKey(ACME, ALICE).orElseThrow();
        assertThat(signing.certificate().fingerprint().asString()).isEqualTo(renewals.get(0).replacement().fingerprint());
        assertThat(repository().certificates().get(ACME, old.certificate().fingerprint()).orElseThrow().status())
            .isEqualTo(KeyStatus.SUPERSEDED);
        assertThat(decrypt(oldMail, ACME)).isEqualTo("written before the renewal");
        assertThat(repository().lifecycle().renew(ACME, "renewal-job")).isEmpty();
        assertThat(audit(ACME, AuditEvent.Operation.SUPERSEDE)).hasSize(1);
    }

    @Test
    default void expiringShouldListImportedKeysOfEveryOriginSoonestFirst() {
        acmeCa();
        TestPki partnerCa = TestPki.ca("Partner CA");
        Instant now = clock().instant();
        TestPki.Issued soon = partnerCa.issuing(PARTNER.asString()).validity(now.minusSeconds(60), now.plus(Duration.ofDays(10))).build();
        TestPki.Issued later = partnerCa.issuing("dave@partner.example").validity(now.minusSeconds(60), now.plus(Duration.ofDays(200))).build();
        repository().certificates().add(ACME, soon.chain(), Origin.IMPORTED);
        repository().certificates().add(ACME, later.chain(), Origin.HARVESTED);

        List<ExpiringKey> expiring = repository().lifecycle().expiring(ACME, 30);

        assertThat(expiring).extracting(ExpiringKey::fingerprint).containsExactly(soon.fingerprint().asString());
        assertThat(expiring.get(0).origin()).isEqualTo(Origin.IMPORTED);
        assertThat(expiring.get(0).ownKey()).isFalse();
    }

    // revocation

    @Test
    default void aRevokedCertificateShouldBeOnTheCrlAnsweredRevokedByOcspAndNeverSignAgain() throws Exception {
        TenantCa ca = acmeCa();
        KeyPairEntry alice = repository().lifecycle().smimeKey(ACME, ALICE).orElseThrow();
        KeyPairEntry bob = repository().lifecycle().smimeKey(ACME, BOB).orElseThrow();
        BigInteger revokedSerial = alice.certificate().certificate().getSerialNumber();
        X509CRL before = crl(ACME);

        IssuedKey revoked = repository().lifecycle().revoke(ACME, KeyKind.SMIME, revokedSerial.toString(16),
            RevocationReason.KEY_COMPROMISE, "admin").orElseThrow();

        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(revoked.revocationReason()).contains(RevocationReason.KEY_COMPROMISE);
        X509CRL crl = crl(ACME);
        crl.verify(ca.certificate().getPublicKey());
        assertThat(crl.getRevokedCertificate(revokedSerial)).isNotNull();
        assertThat(crl.getRevokedCertificate(bob.certificate().certificate().getSerialNumber())).isNull();
        assertThat(crlNumber(crl)).isGreaterThan(crlNumber(before));
        assertThat(ocspStatus(ca, alice.certificate().certificate())).isInstanceOf(RevokedStatus.class);
        assertThat(ocspStatus(ca, bob.certificate().certificate())).isNull();
        assertThat(repository().privateKeys().signingKey(ACME, ALICE)
            .map(key -> key.certificate().fingerprint())).isNotEqualTo(Optional.of(alice.certificate().fingerprint()));
        assertThat(audit(ACME, AuditEvent.Operation.REVOKE)).hasSize(1);
    }

    @Test
    default void revokeAllShouldRevokeEveryKeyOfADeletedUser() {
        acmeCa("autoIssuePgp", "true");
        repository().lifecycle().smimeKey(ACME, ALICE).orElseThrow();
        repository().lifecycle().pgpKey(ACME, ALICE).orElseThrow();
        repository().lifecycle().smimeKey(ACME, BOB).orElseThrow();

        List<IssuedKey> revoked = repository().lifecycle().revokeAll(ACME, ALICE, RevocationReason.CESSATION_OF_OPERATION,
            "user-deleted");

        assertThat(revoked).extracting(IssuedKey::kind).containsExactlyInAnyOrder(KeyKind.SMIME, KeyKind.OPENPGP);
        assertThat(repository().privateKeys().hasSigningKey(ACME, ALICE)).isFalse();
        assertThat(repository().pgpKeys().hasSigningKey(ACME, ALICE)).isFalse();
        assertThat(repository().privateKeys().hasSigningKey(ACME, BOB)).isTrue();
    }

    @Test
    default void ocspShouldAnswerUnknownForAnotherCasCertificateAndMalformedForGarbage() throws Exception {
        TenantCa ca = acmeCa();
        TestPki.Issued stranger = TestPki.ca("Elsewhere").issue("eve@acme.example");

        assertThat(ocspStatus(ca, stranger.certificate(), TestPki.ca("Elsewhere").certificate()))
            .isInstanceOf(org.bouncycastle.cert.ocsp.UnknownStatus.class);
        OCSPResp garbage = new OCSPResp(repository().lifecycle().ocsp(ACME, new byte[] {1, 2, 3}).orElseThrow());
        assertThat(garbage.getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
        assertThat(repository().lifecycle().ocsp(GLOBEX, new byte[] {1})).isEmpty();
    }

    // helpers

    private X509CRL crl(TenantId tenant) throws Exception {
        byte[] der = repository().lifecycle().crl(tenant).orElseThrow();
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    private static BigInteger crlNumber(X509CRL crl) {
        byte[] extension = crl.getExtensionValue(org.bouncycastle.asn1.x509.Extension.cRLNumber.getId());
        return org.bouncycastle.asn1.ASN1Integer.getInstance(
            org.bouncycastle.asn1.ASN1OctetString.getInstance(extension).getOctets()).getValue();
    }

    private Object ocspStatus(TenantCa ca, X509Certificate certificate) throws Exception {
        return ocspStatus(ca, certificate, ca.certificate());
    }

    private Object ocspStatus(TenantCa ca, X509Certificate certificate, X509Certificate issuer) throws Exception {
        X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
            issuerHolder, certificate.getSerialNumber());
        byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        OCSPResp response = new OCSPResp(repository().lifecycle().ocsp(ACME, request).orElseThrow());
        assertThat(response.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
        BasicOCSPResp basic = (BasicOCSPResp) response.getResponseObject();
        assertThat(basic.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
            .build(ca.certificate().getPublicKey()))).isTrue();
        SingleResp single = basic.getResponses()[0];
        return single.getCertStatus();
    }

    private static byte[] encryptTo(X509Certificate certificate, String text) throws Exception {
        CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
        generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(certificate));
        return generator.generate(new CMSProcessableByteArray(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            new JceCMSContentEncryptorBuilder(org.bouncycastle.cms.CMSAlgorithm.AES256_CBC).build()).getEncoded();
    }

    private String decrypt(byte[] envelope, TenantId tenant) throws Exception {
        RecipientInformation recipient = new CMSEnvelopedData(envelope).getRecipientInfos().getRecipients().iterator().next();
        org.bouncycastle.cms.KeyTransRecipientId rid = (org.bouncycastle.cms.KeyTransRecipientId) recipient.getRID();
        RecipientId id = RecipientId.issuerAndSerial(new javax.security.auth.x500.X500Principal(rid.getIssuer().getEncoded()),
            rid.getSerialNumber());
        List<KeyPairEntry> keys = repository().privateKeys().decryptionKeys(tenant, id);
        assertThat(keys).hasSize(1);
        return new String(recipient.getContent(new JceKeyTransEnvelopedRecipient(keys.get(0).privateKey())),
            java.nio.charset.StandardCharsets.UTF_8);
    }
}
