package io.crmhub.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks phone numbers, identity numbers and e-mail addresses wherever text leaves the hub for people: log lines, API views, parked
 * message payloads shown to engineers. Masking keeps enough to recognise a value ({@code +86138****8000}) and
 * nothing to reuse it.
 */
public final class PiiMasking {
    /** Mainland ID card: 6-digit region, birth date, sequence, check digit. */
    private static final Pattern CN_ID = Pattern.compile(
            "(?<![0-9A-Za-z])(\\d{6})(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d{3}([0-9Xx])(?![0-9A-Za-z])");
    /** E.164 with '+', any country. */
    private static final Pattern E164 = Pattern.compile("(?<![0-9A-Za-z])\\+(\\d{5})\\d{1,8}(\\d{4})(?!\\d)");
    /** Mainland mobile without '+', optionally 86-prefixed, optionally spaced/dashed as people write it. */
    private static final Pattern CN_MOBILE = Pattern.compile(
            "(?<![0-9A-Za-z+])((?:86[ -]?)?1[3-9]\\d)[ -]?\\d{4}[ -]?(\\d{4})(?![0-9A-Za-z])");
    /** Any JSON/form field whose name says it holds a phone or identity number, whatever its format. */
    private static final Pattern PII_FIELD = Pattern.compile(
            "(?i)(\"?(?:phone|mobile|tel|telephone|phoneNumber|mobilePhone|idNumber|id_number|idCard|id_card|certNo|PhoneNumber)\"?\\s*[:=]\\s*\"?)([^\",&}\\s]{4,})");

    /** An e-mail address: the first character of the local part and the domain stay. */
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})(?![A-Za-z0-9-])");

    private PiiMasking() {
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = replace(PII_FIELD, text, m -> m.group(1) + maskValue(m.group(2)));
        out = replace(CN_ID, out, m -> m.group(1) + "********" + "***" + m.group(2));
        out = replace(E164, out, m -> "+" + m.group(1) + "****" + m.group(2));
        out = replace(CN_MOBILE, out, m -> m.group(1) + "****" + m.group(2));
        out = replace(EMAIL, out, m -> m.group(1) + "***@" + m.group(2));
        return out;
    }

    /** Masks an e-mail address: {@code zhang.wei@example.com} becomes {@code z***@example.com}. */
    public static String maskEmail(String email) {
        if (email == null) {
            return null;
        }
        int at = email.lastIndexOf('@');
        return at < 1 ? maskValue(email) : email.charAt(0) + "***" + email.substring(at);
    }

    /** Masks one value known to be PII: keeps a short head and the last four characters. */
    public static String maskValue(String value) {
        if (value == null) {
            return null;
        }
        if (value.contains("****")) {
            return value;
        }
        int n = value.length();
        if (n <= 6) {
            return "****";
        }
        int head = value.startsWith("+") ? Math.min(6, n - 4) : Math.min(3, n - 4);
        return value.substring(0, head) + "****" + value.substring(n - 4);
    }

    private static String replace(Pattern pattern, String text, java.util.function.Function<Matcher, String> replacement) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        do {
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement.apply(m)));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }
}
