package io.crmhub.webhooks;

import io.crmhub.routing.WebhookVerifier;
import io.crmhub.routing.WebhookVerifier.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which verifier serves which path below {@code /webhooks}, built once at start-up from the verifier beans and checked
 * then (a bad declaration fails start-up naming the verifier). Per request: one substring and one map lookup.
 */
final class WebhookRoutes {
    static final String PREFIX = "/webhooks";
    /** The {@code uri} tag of requests that reach no verifier's category. */
    static final String UNKNOWN_PATTERN = PREFIX + "/{category}/{provider}";
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /**
     * A verifier and what the ingress needs of its declaration, computed once.
     *
     * @param key         {@code <category>/<provider>}: the lookup key, and the audit target of a refusal
     * @param pathPattern the {@code uri} tag of its requests ({@code /webhooks/payments/{provider}}), as Spring MVC
     *                    would name it, so one category's providers share a metric
     * @param allow       the {@code Allow} header of a 405
     * @param ackBody     the ack's body as bytes, null for none
     */
    record Route(WebhookVerifier<?> verifier, Endpoint endpoint, String key, String pathPattern, String allow, byte[] ackBody) {
        /** The documented path: {@code /webhooks/payments/wechatpay}, {@code /webhooks/social/wecom/{account}}. */
        String documentedPath() {
            return PREFIX + "/" + key + (endpoint.perAccount() ? "/{account}" : "");
        }
    }

    /** @param account the account segment of a per-account endpoint, else null */
    record Target(Route route, String account) {
    }

    private final Map<String, Route> routes = new HashMap<>();
    private final Set<String> categories = new HashSet<>();

    WebhookRoutes(Collection<? extends WebhookVerifier<?>> verifiers) {
        Map<String, String> providers = new HashMap<>();
        for (WebhookVerifier<?> verifier : verifiers) {
            Endpoint e = verifier.endpoint();
            String who = verifier.getClass().getName();
            check(e != null, who, "declares no endpoint");
            check(e.category() != null && SEGMENT.matcher(e.category()).matches(), who, "category '" + e.category() + "' is not a path segment (a-z, 0-9, -)");
            check(e.provider() != null && SEGMENT.matcher(e.provider()).matches(), who, "provider '" + e.provider() + "' is not a path segment (a-z, 0-9, -)");
            check(e.format() != null, who, "declares no body format");
            check(present(e.aggregate()) && present(e.address()), who, "declares no aggregate and address for its events");
            check(e.ack() != null && e.ack().status() >= 200 && e.ack().status() < 300, who, "declares no 2xx acknowledgement");
            check(e.ack().body() == null || e.ack().contentType() != null, who, "acknowledges with a body but no content type");
            check(e.notification() != null && present(e.notification().summary()) && present(e.notification().example()), who,
                    "documents its notification without summary or example");
            check(!e.hasHandshake() || present(e.handshakeDoc().summary()) && present(e.handshakeDoc().example()), who,
                    "documents its handshake without summary or example");
            // the provider is the inbox key's first half: two categories with one provider name would share event ids
            String other = providers.putIfAbsent(e.provider(), who);
            check(other == null, who, "provider '" + e.provider() + "' is also declared by " + other);
            String key = e.category() + "/" + e.provider();
            String pattern = PREFIX + "/" + e.category() + "/{provider}" + (e.perAccount() ? "/{account}" : "");
            byte[] ack = e.ack().body() == null ? null : e.ack().body().getBytes(StandardCharsets.UTF_8);
            routes.put(key, new Route(verifier, e, key, pattern, e.hasHandshake() ? "GET, POST" : "POST", ack));
            categories.add(e.category());
        }
    }

    /**
     * The verifier for a path below {@code /webhooks} ({@code /payments/wechatpay}, {@code /social/wecom/acme}); null
     * when none serves it: unknown category or provider, a missing or extra segment, an account it does not serve.
     */
    Target resolve(String pathInfo) {
        if (pathInfo == null || pathInfo.length() < 2) {
            return null;
        }
        int afterCategory = pathInfo.indexOf('/', 1);
        if (afterCategory < 0) {
            return null;
        }
        int afterProvider = pathInfo.indexOf('/', afterCategory + 1);
        Route route = routes.get(afterProvider < 0 ? pathInfo.substring(1) : pathInfo.substring(1, afterProvider));
        if (route == null) {
            return null;
        }
        if (!route.endpoint().perAccount()) {
            return afterProvider < 0 ? new Target(route, null) : null;
        }
        if (afterProvider < 0 || afterProvider == pathInfo.length() - 1 || pathInfo.indexOf('/', afterProvider + 1) >= 0) {
            return null;
        }
        String account = pathInfo.substring(afterProvider + 1);
        return route.verifier().servesAccount(account) ? new Target(route, account) : null;
    }

    /** The {@code uri} tag of a request no verifier serves: its category's pattern when the category is known. */
    String missPattern(String pathInfo) {
        int afterCategory = pathInfo == null ? -1 : pathInfo.indexOf('/', 1);
        String category = afterCategory < 0 ? null : pathInfo.substring(1, afterCategory);
        return category != null && categories.contains(category) ? PREFIX + "/" + category + "/{provider}" : UNKNOWN_PATTERN;
    }

    List<Route> all() {
        return routes.values().stream().sorted(java.util.Comparator.comparing(Route::key)).toList();
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static void check(boolean ok, String verifier, String problem) {
        if (!ok) {
            throw new IllegalStateException("Webhook verifier " + verifier + " " + problem);
        }
    }
}
