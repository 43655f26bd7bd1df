package io.crmhub.crm.normalize;

import java.util.Locale;

/** E-mail addresses are compared and stored trimmed and lower-cased. */
public final class EmailNormalizer {
    private EmailNormalizer() {
    }

    public static String normalize(String email) {
        return email == null || email.isBlank() ? null : email.strip().toLowerCase(Locale.ROOT);
    }
}
