package io.crmhub.connector.payment.alipay;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What Alipay's RSA2 signatures cover (providers.md §1.2, {@code AlipaySignature} of the official SDK): sorted
 * {@code k=v} pairs of the non-empty parameters with raw (decoded) values — requests without {@code sign},
 * notifications without {@code sign} and {@code sign_type} — and, for synchronous answers, the exact text of the
 * {@code *_response} JSON value.
 */
public final class AlipaySignatures {
    private AlipaySignatures() {
    }

    /** The signed content of a request we send: every non-empty parameter except {@code sign}. */
    public static String requestContent(Map<String, String> params) {
        return content(params, Set.of("sign"));
    }

    /** The signed content of a notification Alipay sends: without {@code sign} and {@code sign_type}. */
    public static String notificationContent(Map<String, String> params) {
        return content(params, Set.of("sign", "sign_type"));
    }

    private static String content(Map<String, String> params, Set<String> without) {
        return new TreeMap<>(params).entrySet().stream()
                .filter(e -> !without.contains(e.getKey()) && e.getValue() != null && !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    /** {@code k=v&...} URL-encoded in UTF-8, the gateway's request body. */
    public static String formBody(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /**
     * Decodes a form body in the charset it names in its own {@code charset} parameter (UTF-8 unless it says GBK).
     *
     * @throws IllegalArgumentException for a body that is not a form or names a charset we do not read
     */
    public static Map<String, String> parseForm(byte[] body) {
        String ascii = new String(body, StandardCharsets.ISO_8859_1);
        Charset charset = StandardCharsets.UTF_8;
        for (String pair : ascii.split("&")) {
            if (pair.startsWith("charset=")) {
                String name = URLDecoder.decode(pair.substring(8), StandardCharsets.ISO_8859_1).trim();
                if (name.equalsIgnoreCase("gbk")) {
                    charset = Charset.forName("GBK");
                } else if (!name.equalsIgnoreCase("utf-8") && !name.isEmpty()) {
                    throw new IllegalArgumentException("charset " + name + " is not supported");
                }
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : new String(body, charset).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset));
        }
        return params;
    }

    /**
     * The exact text of the JSON value under {@code key} (an object) in a synchronous answer, as Alipay signed it;
     * null when absent. Scans braces outside strings, like the SDK's {@code extractSignContent}.
     */
    public static String responseContent(String raw, String key) {
        int at = raw.indexOf("\"" + key + "\"");
        if (at < 0) {
            return null;
        }
        int start = raw.indexOf('{', at + key.length() + 2);
        if (start < 0) {
            return null;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return raw.substring(start, i + 1);
            }
        }
        return null;
    }
}
