package io.crmhub.routing.http;

import io.crmhub.routing.TransientConnectorException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one table of transient and permanent outcomes of a connector's HTTP request, for every connector alike
 * (written out in docs/operations.md §1, pinned by {@code ConnectorHttpClientOutcomesTest}):
 * <ul>
 *   <li>2xx: success, unless the provider's envelope reports an error ({@link ProviderErrors}): then permanent,
 *       unless the provider's code says otherwise.</li>
 *   <li>408, 412, 425, 429 and every 5xx but 501 and 505: transient. 412 is a conditional write (If-Match) that lost
 *       a race; the retry runs the whole operation again, which reads the current ETag first.</li>
 *   <li>every other status (other 4xx, 501, 505, 1xx, 3xx: redirects are not followed): permanent.</li>
 *   <li>no answer (connection refused or reset, connect or read timeout, any other I/O failure): transient.</li>
 *   <li>a 2xx answer whose body cannot be decoded (a proxy's HTML page, a cut-off body): transient. What the provider
 *       did is unknown, and every connector call is idempotent (idempotency keys, look-up by our reference before a
 *       create), so a retry finds out; if it persists the message parks after its retries with this reason.</li>
 *   <li>{@code Retry-After} on a transient outcome, as delta-seconds or an HTTP-date (RFC 9110 §10.2.3, all three
 *       date formats), is the retry hint; zero, a past date or an unparseable value is no hint (normal backoff),
 *       never an immediate retry.</li>
 * </ul>
 * A provider refines this only through {@link ProviderError.Verdict}.
 */
public final class HttpOutcomes {
    /** Statuses outside 5xx that say "later": timeout, lost precondition race, too early, throttled. */
    static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 412, 425, 429);
    /** 5xx that say "never": the server does not implement the method, or the HTTP version. */
    static final Set<Integer> PERMANENT_SERVER_ERRORS = Set.of(501, 505);

    private static final Pattern DELTA_SECONDS = Pattern.compile("\\d{1,10}");
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US);
    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEE MMM ppd HH:mm:ss yyyy").toFormatter(Locale.US);

    /** What one answer means for the message that caused it. */
    public enum Outcome { SUCCESS, TRANSIENT, PERMANENT, SESSION_EXPIRED }

    private HttpOutcomes() {
    }

    /** The table's outcome for {@code status} alone. */
    public static Outcome ofStatus(int status) {
        if (status / 100 == 2) {
            return Outcome.SUCCESS;
        }
        if (TRANSIENT_STATUSES.contains(status) || (status / 100 == 5 && !PERMANENT_SERVER_ERRORS.contains(status))) {
            return Outcome.TRANSIENT;
        }
        return Outcome.PERMANENT;
    }

    /** The outcome of an answer with {@code status} whose envelope the provider read as {@code error} (null: none). */
    public static Outcome of(int status, ProviderError error) {
        if (error == null || error.verdict() == null) {
            Outcome byStatus = ofStatus(status);
            return error != null && byStatus == Outcome.SUCCESS ? Outcome.PERMANENT : byStatus;
        }
        return switch (error.verdict()) {
            case TRANSIENT -> Outcome.TRANSIENT;
            case PERMANENT -> Outcome.PERMANENT;
            case SESSION_EXPIRED -> Outcome.SESSION_EXPIRED;
        };
    }

    /** A {@code Retry-After} value as a wait from {@code now}; empty for none, zero, a past date or garbage. */
    public static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        Duration wait;
        if (DELTA_SECONDS.matcher(v).matches()) {
            wait = Duration.ofSeconds(Long.parseLong(v));
        } else {
            Instant at = httpDate(v);
            wait = at == null ? Duration.ZERO : Duration.between(now, at);
        }
        return wait.isNegative() || wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    /** A 2xx answer whose body is not what the provider promised ({@code expected}: "JSON", "XML", ...): transient. */
    public static TransientConnectorException undecodable(String connector, String what, int status, String expected, Throwable cause) {
        return new TransientConnectorException(connector, what + " → HTTP " + status + " with a body that is not " + expected, cause);
    }

    private static Instant httpDate(String v) {
        try {
            return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(); // IMF-fixdate
        } catch (DateTimeParseException notImf) {
            try {
                return LocalDateTime.parse(v, RFC_850).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notRfc850) {
                try {
                    return LocalDateTime.parse(v, ASCTIME).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notAsctime) {
                    return null;
                }
            }
        }
    }
}
