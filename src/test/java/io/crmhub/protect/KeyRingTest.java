package io.crmhub.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {
    private static final Clock DEC_1 = Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC);
    private static final Clock DEC_3 = Clock.fixed(Instant.parse("2026-12-03T09:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    static String randomKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private ProtectionProperties fileBacked(boolean generate) {
        return new ProtectionProperties("", "", "", dir.resolve("keys/personal-data.keys"), generate, 500);
    }

    @Test
    void theDefaultRunGeneratesAPrivateKeyFileThatTheNextStartReadsBack() throws Exception {
        KeyRing first = KeyRing.load(fileBacked(true), DEC_1);
        Path file = dir.resolve("keys/personal-data.keys");
        assertThat(first.source()).isEqualTo(KeyRing.Source.GENERATED_KEY_FILE);
        assertThat(first.activeId()).isEqualTo("k20261201080000");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String sealed = new PersonalDataCipher(first).seal("+8613800138000");

        KeyRing restarted = KeyRing.load(fileBacked(true), DEC_3);
        assertThat(restarted.source()).isEqualTo(KeyRing.Source.KEY_FILE);
        assertThat(restarted.activeId()).as("the file's key, not a new one").isEqualTo("k20261201080000");
        assertThat(new PersonalDataCipher(restarted).open(sealed)).isEqualTo("+8613800138000");
        assertThat(new BlindIndex(restarted).phone("+8613800138000")).isEqualTo(new BlindIndex(first).phone("+8613800138000"));
    }

    @Test
    void rotationAddsAnActiveKeyKeepsTheOldOneForReadingAndSurvivesARestart() {
        KeyRing ring = KeyRing.load(fileBacked(true), DEC_1);
        String oldToken = new PersonalDataCipher(ring).seal("li.lei@example.com");
        String phoneHash = new BlindIndex(ring).phone("+8613800138000");

        String rotated = ring.rotate(DEC_3);

        assertThat(rotated).isEqualTo("k20261203090000");
        assertThat(ring.activeId()).isEqualTo(rotated);
        KeyRing restarted = KeyRing.load(fileBacked(false), DEC_3);
        assertThat(restarted.keyIds()).containsExactly("k20261201080000", "k20261203090000");
        assertThat(restarted.activeId()).isEqualTo(rotated);
        PersonalDataCipher cipher = new PersonalDataCipher(restarted);
        assertThat(cipher.open(oldToken)).isEqualTo("li.lei@example.com");
        assertThat(PersonalDataCipher.keyIdOf(cipher.seal("x"))).isEqualTo(rotated);
        assertThat(new BlindIndex(restarted).phone("+8613800138000")).as("the blind index does not rotate").isEqualTo(phoneHash);
    }

    @Test
    void hubsSharingAKeyFileOpenWhatAnotherSealedAfterRotatingAndSealWithItsKeyFromThen() {
        KeyRing a = KeyRing.load(fileBacked(true), DEC_1);
        KeyRing b = KeyRing.load(fileBacked(false), DEC_1);
        String rotated = a.rotate(DEC_3);
        String sealedByA = new PersonalDataCipher(a).seal("+8613800138000");
        assertThat(b.keyIds()).as("b has not read the file since").doesNotContain(rotated);

        assertThat(new PersonalDataCipher(b).open(sealedByA)).isEqualTo("+8613800138000");
        assertThat(b.activeId()).as("b seals with the rotated key, so its re-encryption does not undo a's").isEqualTo(rotated);
        assertThatThrownBy(() -> new PersonalDataCipher(b).open("pd1:kforeign:" + "A".repeat(40)))
                .hasMessageContaining("kforeign").hasMessageContaining("not in the key ring");
    }

    @Test
    void withoutAKeyAndWithoutGenerationTheStartIsRefusedNamingTheSettings() {
        assertThatThrownBy(() -> KeyRing.load(fileBacked(false), DEC_1))
                .hasMessageContaining("CRMHUB_PROTECTION_KEYS").hasMessageContaining("CRMHUB_PROTECTION_KEY_FILE");
        assertThat(dir.resolve("keys/personal-data.keys")).doesNotExist();
    }

    @Test
    void keysFromTheEnvironmentUseTheLastAsActiveUnlessNamedAndCannotBeRotatedFromInside() {
        String k1 = randomKey();
        String k2 = randomKey();
        KeyRing ring = KeyRing.load(new ProtectionProperties("k1:" + k1 + ", k2:" + k2, "", randomKey(), dir.resolve("unused"), false, 500), DEC_1);
        assertThat(ring.source()).isEqualTo(KeyRing.Source.ENVIRONMENT);
        assertThat(ring.activeId()).isEqualTo("k2");
        assertThat(ring.keyIds()).containsExactly("k1", "k2");
        assertThatThrownBy(() -> ring.rotate(DEC_3)).hasMessageContaining("CRMHUB_PROTECTION_ACTIVE_KEY");

        KeyRing pinned = KeyRing.load(new ProtectionProperties("k1:" + k1 + ",k2:" + k2, "k1", randomKey(), dir.resolve("unused"), false, 500), DEC_1);
        assertThat(pinned.activeId()).isEqualTo("k1");
    }

    @Test
    void badEnvironmentKeysAreRefusedNamingTheSettingAndTheReason() {
        Path unused = dir.resolve("unused");
        assertThatThrownBy(() -> KeyRing.load(new ProtectionProperties("k1", "", randomKey(), unused, false, 500), DEC_1))
                .hasMessageContaining("CRMHUB_PROTECTION_KEYS").hasMessageContaining("id:base64");
        assertThatThrownBy(() -> KeyRing.load(new ProtectionProperties("k1:not*base64", "", randomKey(), unused, false, 500), DEC_1))
                .hasMessageContaining("k1").hasMessageContaining("not base64");
        assertThatThrownBy(() -> KeyRing.load(new ProtectionProperties("k1:" + Base64.getEncoder().encodeToString(new byte[16]), "",
                randomKey(), unused, false, 500), DEC_1)).hasMessageContaining("must be 32 bytes");
        assertThatThrownBy(() -> KeyRing.load(new ProtectionProperties("k1:" + randomKey(), "k9", randomKey(), unused, false, 500), DEC_1))
                .hasMessageContaining("CRMHUB_PROTECTION_ACTIVE_KEY").hasMessageContaining("k9");
        assertThatThrownBy(() -> KeyRing.load(new ProtectionProperties("k1:" + randomKey(), "", "", unused, false, 500), DEC_1))
                .hasMessageContaining("CRMHUB_PROTECTION_INDEX_KEY");
        assertThatThrownBy(() -> KeyRing.load(new ProtectionProperties("bad id!:" + randomKey(), "", randomKey(), unused, false, 500), DEC_1))
                .hasMessageContaining("bad id!");
    }

    @Test
    void aKeyFileWhoseActiveIdNamesNoKeyIsRefused() throws Exception {
        Path file = dir.resolve("keys/personal-data.keys");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "active=k2\nindex=" + randomKey() + "\nkey.k1=" + randomKey() + "\n");
        assertThatThrownBy(() -> KeyRing.load(fileBacked(false), DEC_1)).hasMessageContaining("'active' (k2)");
    }
}
