package io.crmhub.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One Resilience4j circuit breaker and one latency timer per connector, around every HTTP request the connector's
 * client ({@link io.crmhub.routing.http.ConnectorHttpClient}) sends. Only transient faults count as failures: a 4xx
 * or an unmapped code is the message's problem, not the provider's, and an expired session is renewed by the
 * connector. While the breaker is open, requests fail at once with a transient fault whose retry hint is the open
 * period, so the shared error handling backs off without touching the provider. State and request latency are
 * metrics; connectors show the state in health.
 *
 * <p>Why not Camel's {@code circuitBreaker} EIP: it runs the guarded steps on a correlated copy of the exchange, which
 * loses the flow's exchange variables and does not let us count only transient faults per connector across flows.
 */
@Component
public class ConnectorGuards {
    private static final Logger log = LoggerFactory.getLogger(ConnectorGuards.class);

    private final BreakerProperties properties;
    private final MeterRegistry meters;
    private final Map<String, BreakerProperties.Settings> settings = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public ConnectorGuards(BreakerProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
    }

    /** Gives {@code connector} its breaker settings (the defaults with its override); done once, by its client. */
    public void register(String connector, BreakerProperties.ConnectorOverride override) {
        BreakerProperties.Settings wanted = properties.with(override);
        BreakerProperties.Settings had = settings.putIfAbsent(connector, wanted);
        if (had == null && breakers.containsKey(connector) && !wanted.equals(properties.defaults())) {
            throw new IllegalStateException("the breaker of " + connector + " was used before its settings were registered");
        }
        if (had != null && !had.equals(wanted)) {
            throw new IllegalStateException("connector " + connector + " registered twice with different breaker settings");
        }
        breaker(connector); // its gauge exists from the start
    }

    /** The breaker settings {@code connector} runs with. */
    public BreakerProperties.Settings settings(String connector) {
        return settings.getOrDefault(connector, properties.defaults());
    }

    /**
     * Runs one request of {@code connector}: admitted by its breaker, then {@code beforeSend} (the rate limit, whose
     * waits and refusals are neither timed nor the provider's failures), then {@code request}, timed.
     */
    public <T> T guard(String connector, Runnable beforeSend, Supplier<T> request) {
        CircuitBreaker breaker = breaker(connector);
        if (!breaker.tryAcquirePermission()) {
            meters.counter("crmhub.connector.short-circuited", "connector", connector).increment();
            throw new TransientConnectorException(connector, "circuit breaker open: " + connector
                    + " failed too often recently; not called for now", settings(connector).openFor(), null);
        }
        try {
            beforeSend.run();
        } catch (RuntimeException e) {
            breaker.releasePermission();
            throw e;
        }
        Timer timer = timers.computeIfAbsent(connector, c -> Timer.builder("crmhub.connector.call")
                .description("HTTP requests of connectors, by connector").tag("connector", c)
                .publishPercentileHistogram().register(meters));
        long start = System.nanoTime();
        try {
            T result = request.get();
            long took = System.nanoTime() - start;
            timer.record(took, TimeUnit.NANOSECONDS);
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            return result;
        } catch (RuntimeException e) {
            long took = System.nanoTime() - start;
            timer.record(took, TimeUnit.NANOSECONDS);
            breaker.onError(took, TimeUnit.NANOSECONDS, e);
            throw e;
        }
    }

    public CircuitBreaker breaker(String connector) {
        return breakers.computeIfAbsent(Objects.requireNonNull(connector), this::create);
    }

    private static boolean counts(Throwable t) {
        return t instanceof TransientConnectorException && !(t instanceof SessionExpiredException);
    }

    private CircuitBreaker create(String connector) {
        BreakerProperties.Settings s = settings(connector);
        CircuitBreaker breaker = CircuitBreaker.of(connector, CircuitBreakerConfig.custom()
                .failureRateThreshold(s.failureRatePercent())
                .slidingWindowSize(s.window())
                .minimumNumberOfCalls(s.minimumCalls())
                .waitDurationInOpenState(s.openFor())
                .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(ConnectorGuards::counts)
                .ignoreException(t -> !counts(t))
                .build());
        breaker.getEventPublisher().onStateTransition(e -> log.warn("Circuit breaker of connector {}: {}", connector,
                e.getStateTransition()));
        Gauge.builder("crmhub.connector.breaker.open", breaker, b -> b.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                .description("1 while the connector's circuit breaker is open").tag("connector", connector).register(meters);
        return breaker;
    }
}
