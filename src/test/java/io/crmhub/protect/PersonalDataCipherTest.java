package io.crmhub.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonalDataCipherTest {
    @TempDir
    Path dir;

    private KeyRing ring(String... ids) {
        StringBuilder keys = new StringBuilder();
        for (String id : ids) {
            keys.append(keys.isEmpty() ? "" : ",").append(id).append(':').append(KeyRingTest.randomKey());
        }
        return KeyRing.load(new ProtectionProperties(keys.toString(), "", KeyRingTest.randomKey(), dir.resolve("unused"), false, 500),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    }

    @Test
    void aSealedValueOpensToTheSameTextAndCarriesItsKeyIdButNotTheValue() {
        PersonalDataCipher cipher = new PersonalDataCipher(ring("k1"));
        String sealed = cipher.seal("张伟 +8613800138000");
        assertThat(sealed).startsWith("pd1:k1:").doesNotContain("13800138000");
        assertThat(PersonalDataCipher.isSealed(sealed)).isTrue();
        assertThat(PersonalDataCipher.keyIdOf(sealed)).isEqualTo("k1");
        assertThat(cipher.open(sealed)).isEqualTo("张伟 +8613800138000");
        assertThat(cipher.seal(null)).isNull();
        assertThat(cipher.open(null)).isNull();
    }

    @Test
    void theSameValueSealsDifferentlyEachTimeSoEqualValuesCannotBeSpotted() {
        PersonalDataCipher cipher = new PersonalDataCipher(ring("k1"));
        assertThat(cipher.seal("+8613800138000")).isNotEqualTo(cipher.seal("+8613800138000"));
    }

    @Test
    void anAlteredValueOrOneMovedToAnotherKeyIdIsRefused() {
        PersonalDataCipher cipher = new PersonalDataCipher(ring("k1", "k2"));
        String sealed = cipher.seal("+8613800138000");
        char last = sealed.charAt(sealed.length() - 1);
        String altered = sealed.substring(0, sealed.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThatThrownBy(() -> cipher.open(altered)).isInstanceOf(PersonalDataCipher.SealedValueException.class)
                .hasMessageContaining("failed authentication");
        String moved = sealed.replace("pd1:k2:", "pd1:k1:");
        assertThatThrownBy(() -> cipher.open(moved)).hasMessageContaining("failed authentication");
        assertThatThrownBy(() -> cipher.open("+8613800138000")).hasMessageContaining("not a sealed personal value");
    }

    @Test
    void aValueUnderAKeyNotInTheRingNamesTheKey() {
        String sealed = new PersonalDataCipher(ring("old")).seal("x@example.com");
        assertThatThrownBy(() -> new PersonalDataCipher(ring("new")).open(sealed)).hasMessageContaining("'old'")
                .hasMessageContaining("not in the key ring");
    }

    @Test
    void resealingMovesOnlyValuesUnderOlderKeysAndLeavesTheRestOfTheTextAlone() throws Exception {
        Path file = dir.resolve("keys/personal-data.keys");
        ProtectionProperties props = new ProtectionProperties("", "", "", file, true, 500);
        KeyRing ring = KeyRing.load(props, Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));
        PersonalDataCipher cipher = new PersonalDataCipher(ring);
        String payload = "{\"id\":3,\"phone\":\"" + cipher.seal("+8613800138000") + "\",\"email\":\"" + cipher.seal("a@b.cn")
                + "\",\"note\":\"pd1: is not a token\"}";
        ring.rotate(Clock.fixed(Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC));

        String resealed = cipher.resealAll(payload);

        assertThat(resealed).contains("\"id\":3").contains("\"note\":\"pd1: is not a token\"");
        java.util.regex.Matcher tokens = PersonalDataCipher.TOKEN.matcher(resealed);
        java.util.List<String> opened = new java.util.ArrayList<>();
        while (tokens.find()) {
            assertThat(tokens.group(1)).isEqualTo("k20261203000000");
            opened.add(cipher.open(tokens.group()));
        }
        assertThat(opened).containsExactly("+8613800138000", "a@b.cn");
        assertThat(cipher.resealAll(resealed)).as("nothing left to move").isEqualTo(resealed);
    }
}
