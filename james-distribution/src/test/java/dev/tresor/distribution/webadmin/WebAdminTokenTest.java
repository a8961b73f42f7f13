package dev.tresor.distribution.webadmin;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.apache.james.jwt.JwtConfiguration;
import org.apache.james.jwt.JwtTokenVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/tresor-token} as the CLI runs it, against the key the server provisions, verified by James's verifier. */
class WebAdminTokenTest {
    @TempDir
    Path data;
    @TempDir
    Path conf;

    @BeforeEach
    void configureAndProvision() throws Exception {
        Files.writeString(conf.resolve("webadmin.properties"), "enabled=true\nport=8000\njwt.enabled=true\n"
            + "jwt.publickeypem.url=file://webadmin/jwt-public.pem\n", US_ASCII);
        WebAdminSigningKey.configuredIn(conf, data).orElseThrow().provisionIfMissing();
    }

    @Test
    void theServerShouldGenerateThePairInTheDataDirectoryWithThePrivateKeyOwnerOnly() throws Exception {
        assertThat(data.resolve("webadmin/jwt-public.pem")).content(US_ASCII).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("webadmin/jwt-private.pem"))))
            .isEqualTo("rw-------");
        assertThat(WebAdminSigningKey.configuredIn(conf, data).orElseThrow().provisionIfMissing()).isFalse();
    }

    @Test
    void aPrivateKeyWithoutItsPublicKeyShouldStopTheStartRatherThanBeReplaced() throws Exception {
        Files.delete(data.resolve("webadmin/jwt-public.pem"));

        assertThatThrownBy(() -> WebAdminSigningKey.configuredIn(conf, data).orElseThrow().provisionIfMissing())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("jwt-private.pem exists");
    }

    @Test
    void nothingShouldBeProvisionedWhenAuthenticationIsOff() throws Exception {
        Files.writeString(conf.resolve("webadmin.properties"), "enabled=true\njwt.enabled=false\n"
            + "jwt.publickeypem.url=file://webadmin/jwt-public.pem\n", US_ASCII);

        assertThat(WebAdminSigningKey.configuredIn(conf, data)).isEmpty();
    }

    @Test
    void anAdminTokenShouldCarryJamesAdminClaim() throws Exception {
        String token = WebAdminToken.mint(List.of("admin"), data, conf);

        JwtTokenVerifier verifier = jamesVerifier();
        assertThat(verifier.verifyAndExtractLogin(token)).contains("admin");
        assertThat(verifier.hasAttribute("admin", true, token)).isTrue();
        assertThat(verifier.verifyAndExtractClaim(token, TenantScopedJwtFilter.TENANT_CLAIM, String.class)).isEmpty();
    }

    @Test
    void aTenantTokenShouldNameItsTenantAndNotBeAdmin() throws Exception {
        String token = WebAdminToken.mint(List.of("tenant", "acme", "--subject", "ops@acme.example", "--valid-for", "2h"),
            data, conf);

        JwtTokenVerifier verifier = jamesVerifier();
        assertThat(verifier.verifyAndExtractLogin(token)).contains("ops@acme.example");
        assertThat(verifier.verifyAndExtractClaim(token, TenantScopedJwtFilter.TENANT_CLAIM, String.class)).contains("acme");
        assertThat(verifier.hasAttribute("admin", true, token)).isFalse();
    }

    @Test
    void invalidArgumentsShouldBeRefusedWithTheUsage() {
        assertThatThrownBy(() -> WebAdminToken.mint(List.of(), data, conf)).hasMessageContaining("usage");
        assertThatThrownBy(() -> WebAdminToken.mint(List.of("root"), data, conf)).hasMessageContaining("usage");
        assertThatThrownBy(() -> WebAdminToken.mint(List.of("tenant"), data, conf)).hasMessageContaining("usage");
        assertThatThrownBy(() -> WebAdminToken.mint(List.of("tenant", "../x"), data, conf))
            .hasMessageContaining("Invalid tenant id");
        assertThatThrownBy(() -> WebAdminToken.mint(List.of("admin", "--valid-for", "forever"), data, conf))
            .hasMessageContaining("--valid-for forever");
        assertThatThrownBy(() -> WebAdminToken.mint(List.of("admin", "--subject"), data, conf))
            .hasMessageContaining("--subject needs a value");
        assertThatThrownBy(() -> WebAdminToken.mint(List.of("admin", "--expires", "1h"), data, conf))
            .hasMessageContaining("unknown option --expires");
    }

    @Test
    void validityShouldReadMinutesHoursAndDays() {
        assertThat(WebAdminToken.validity("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(WebAdminToken.validity("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(WebAdminToken.validity("90d")).isEqualTo(Duration.ofDays(90));
    }

    private JwtTokenVerifier jamesVerifier() throws Exception {
        return JwtTokenVerifier.create(new JwtConfiguration(
            List.of(Files.readString(data.resolve("webadmin/jwt-public.pem"), US_ASCII))));
    }
}
