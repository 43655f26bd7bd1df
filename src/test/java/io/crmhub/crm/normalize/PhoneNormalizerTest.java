package io.crmhub.crm.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PhoneNormalizerTest {
    private final PhoneNormalizer normalizer = new PhoneNormalizer();

    @ParameterizedTest
    @ValueSource(strings = {"138 0013 8000", "+86 13800138000", "8613800138000", "13800138000", "+86-138-0013-8000", " 138-0013-8000 "})
    void everyWayOfWritingAMainlandMobileIsOneE164Number(String written) {
        assertThat(normalizer.toE164(written)).contains("+8613800138000");
    }

    @Test
    void numbersOfOtherCountriesKeepTheirCountryCode() {
        assertThat(normalizer.toE164("+49 30 901820")).contains("+4930901820");
        assertThat(normalizer.toE164("+1 650-253-0000")).contains("+16502530000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345", "call me", "", "   ", "+86 1380013800099999", "0000000000000000000000000000000000000"})
    void invalidNumbersAreRefused(String written) {
        assertThat(normalizer.toE164(written)).isEmpty();
    }

    @Test
    void emailsAreTrimmedAndLowerCased() {
        assertThat(EmailNormalizer.normalize("  Ops@ACME.Example ")).isEqualTo("ops@acme.example");
        assertThat(EmailNormalizer.normalize(" ")).isNull();
    }
}
