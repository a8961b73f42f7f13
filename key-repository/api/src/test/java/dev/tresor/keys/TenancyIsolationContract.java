package dev.tresor.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The tenancy rule under random data: many tenants hold certificates for the same addresses, some federate, and
 * thousands of random lookups must return exactly what the tenant owns (or, when it owns nothing usable, what its
 * grantors own) and never anything else. The seed is printed on failure so a run can be replayed.
 */
public interface TenancyIsolationContract {
    int TENANTS = 12;
    int ADDRESSES = 25;
    int LOOKUPS = 5_000;
    TestPki CA = TestPki.ca("Isolation CA");

    KeyRepository repository();

    @Test
    default void randomLookupsShouldNeverReturnAnotherTenantsCertificate() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<TenantId> tenants = new ArrayList<>();
        List<EmailAddress> addresses = new ArrayList<>();
        Map<TenantId, Map<EmailAddress, Set<Fingerprint>>> owned = new HashMap<>();
        Map<TenantId, Set<TenantId>> grantors = new HashMap<>();
        Map<Fingerprint, TenantId> ownerOf = new HashMap<>();

        for (int i = 0; i < TENANTS; i++) {
            TenantId tenant = TenantId.of("tenant-" + i);
            tenants.add(tenant);
            repository().tenants().create(tenant);
            repository().tenants().mapDomain("org" + i + ".example", tenant);
            owned.put(tenant, new HashMap<>());
            grantors.put(tenant, new HashSet<>());
        }
        for (int i = 0; i < ADDRESSES; i++) {
            addresses.add(EmailAddress.of((random.nextBoolean() ? "John.Smith" : "user") + i + "@Partner" + (i % 3) + ".example"));
        }
        for (TenantId tenant : tenants) {
            for (EmailAddress address : addresses) {
                int copies = random.nextInt(4) == 0 ? random.nextInt(3) + 1 : 0;
                for (int copy = 0; copy < copies; copy++) {
                    TestPki.Issued issued = CA.issuing(randomCase(address, random)).keyPair(TestPki.sharedKeyPair()).build();
                    repository().certificates().add(tenant, issued.chain(), Origin.IMPORTED);
                    owned.get(tenant).computeIfAbsent(address, any -> new HashSet<>()).add(issued.fingerprint());
                    ownerOf.put(issued.fingerprint(), tenant);
                }
            }
        }
        for (int i = 0; i < TENANTS / 2; i++) {
            TenantId grantor = tenants.get(random.nextInt(TENANTS));
            TenantId grantee = tenants.get(random.nextInt(TENANTS));
            if (!grantor.equals(grantee)) {
                repository().tenants().grantFederation(grantor, grantee);
                grantors.get(grantee).add(grantor);
            }
        }

        for (int i = 0; i < LOOKUPS; i++) {
            TenantId tenant = tenants.get(random.nextInt(TENANTS));
            EmailAddress address = addresses.get(random.nextInt(ADDRESSES));

            Set<Fingerprint> found = repository().certificates()
                .encryptionCertificates(tenant, address, SelectionPolicy.ALL_VALID).stream()
                .map(CertificateEntry::fingerprint)
                .collect(Collectors.toSet());

            Set<Fingerprint> expected = owned.get(tenant).getOrDefault(address, Set.of());
            if (expected.isEmpty()) {
                expected = grantors.get(tenant).stream()
                    .flatMap(grantor -> owned.get(grantor).getOrDefault(address, Set.of()).stream())
                    .collect(Collectors.toSet());
            }
            assertThat(found)
                .as("seed %d: lookup %d by %s for %s (owners: %s)", seed, i, tenant, address,
                    found.stream().map(ownerOf::get).collect(Collectors.toSet()))
                .isEqualTo(expected);
        }
    }

    private static String randomCase(EmailAddress address, Random random) {
        String text = address.asString();
        StringBuilder mixed = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            mixed.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return mixed.toString();
    }
}
