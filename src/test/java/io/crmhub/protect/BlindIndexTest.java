package io.crmhub.protect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlindIndexTest {
    @TempDir
    Path dir;

    private BlindIndex index(String indexKey) {
        return new BlindIndex(KeyRing.load(new ProtectionProperties("k1:" + KeyRingTest.randomKey(), "", indexKey, dir.resolve("unused"),
                false, 500), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)));
    }

    @Test
    void theSameValueAlwaysHashesTheSameUnderOneIndexKeyAndDifferentlyUnderAnother() {
        String key = KeyRingTest.randomKey();
        BlindIndex index = index(key);
        assertThat(index.phone("+8613800138000")).hasSize(64).matches("[0-9a-f]+")
                .isEqualTo(index(key).phone("+8613800138000"))
                .isNotEqualTo(index.phone("+8613800138001"))
                .isNotEqualTo(index(KeyRingTest.randomKey()).phone("+8613800138000"));
    }

    @Test
    void kindsAreSeparatedAndIdNumbersIgnoreCase() {
        BlindIndex index = index(KeyRingTest.randomKey());
        assertThat(index.of(BlindIndex.Kind.PHONE, "same")).isNotEqualTo(index.of(BlindIndex.Kind.EMAIL, "same"));
        assertThat(index.idNumber("11010519491231002x")).isEqualTo(index.idNumber("11010519491231002X"));
        assertThat(index.phone(null)).isNull();
    }
}
