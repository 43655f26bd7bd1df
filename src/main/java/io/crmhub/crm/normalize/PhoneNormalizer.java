package io.crmhub.crm.normalize;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Phones are stored in E.164. Numbers without a country code are read in the default region (CN); digits that
 * already start with a country code but lack the '+' ({@code 8613800138000}) are accepted too, as users type them.
 */
@Component
public class PhoneNormalizer {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    public PhoneNormalizer() {
        this("CN");
    }

    public PhoneNormalizer(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /** The E.164 form, or empty when the input is not a valid phone number. */
    public Optional<String> toE164(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > 32) {
            return Optional.empty();
        }
        String trimmed = raw.strip();
        Optional<PhoneNumber> parsed = parse(trimmed, defaultRegion);
        if (parsed.isEmpty() && !trimmed.startsWith("+") && trimmed.matches("[0-9 ()-]+")) {
            parsed = parse("+" + trimmed.replaceAll("[^0-9]", ""), "ZZ");
        }
        return parsed.map(n -> UTIL.format(n, PhoneNumberFormat.E164));
    }

    private static Optional<PhoneNumber> parse(String text, String region) {
        try {
            PhoneNumber number = UTIL.parse(text, region);
            return UTIL.isValidNumber(number) ? Optional.of(number) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
