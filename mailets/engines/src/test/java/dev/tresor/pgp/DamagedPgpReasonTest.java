package dev.tresor.pgp;

import static dev.tresor.smime.SmimeFixtures.bytes;
import static dev.tresor.smime.SmimeFixtures.parse;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What DecryptPgp writes into X-Tresor-Decryption for damaged OpenPGP data: a plain sentence, never the name of a
 * library exception (that goes to the log only).
 */
class DamagedPgpReasonTest {
    private static final Pattern EXCEPTION_NAME = Pattern.compile("[a-z]+\\.[a-z]+\\..*Exception");
    private static final PgpFixtures KEYS = PgpFixtures.get();

    @TempDir
    Path directory;

    private PgpTestTenants tenants;

    @BeforeEach
    void setUp() {
        tenants = new PgpTestTenants(directory);
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
    }

    @Test
    void truncatedOpenPgpDataShouldFailWithAPlainSentence() throws Exception {
        // given a PGP/MIME message whose armored packets lose their second half (the armor's end line kept)
        MimeMessage encrypted = new PgpEncryptor(Clock.systemUTC()).encrypt(
            textMail("bob@partner.example", "alice@acme.example", "Secret plans\n".repeat(400)),
            tenants.encryptionKeys(tenants.acme, "alice@acme.example"), Optional.empty());
        MimeMessage damaged = parse(withoutSecondHalfOfArmor(bytes(encrypted)));

        // when it is decrypted
        PgpDecryptor decryptor = new PgpDecryptor(DecryptionLimits.DEFAULT);
        PgpException failure = catchThrowableOfType(
            () -> decryptor.decrypt(damaged, tenants.keys(tenants.acme)), PgpException.class);

        // then the reason names no exception
        assertThat(failure.getMessage()).doesNotContainPattern(EXCEPTION_NAME);
    }

    private static byte[] withoutSecondHalfOfArmor(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int begin = text.indexOf("-----BEGIN PGP MESSAGE-----");
        int end = text.indexOf("-----END PGP MESSAGE-----");
        String armor = text.substring(begin, end);
        String[] lines = armor.split("\r\n");
        StringBuilder kept = new StringBuilder(text.substring(0, begin));
        for (int i = 0; i < lines.length / 2; i++) {
            kept.append(lines[i]).append("\r\n");
        }
        return kept.append(text.substring(end)).toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
