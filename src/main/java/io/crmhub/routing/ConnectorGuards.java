package io.crmhub.routing;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One Resilience4j circuit breaker per connector, around every call a connector makes for a flow. Only transient
 * faults count as failures: a 4xx or an unmapped code is the message's problem, not the provider's. While the breaker
 * is open, calls fail at once with a transient fault whose retry hint is the open period, so the shared error
 * handling backs off without touching the provider. State and call latency are metrics; connectors show the state
 * in health.
 *
 * <p>Why not Camel's {@code circuitBreaker} EIP: it runs the guarded steps on a correlated copy of the exchange, which
 * loses the flow's exchange variables and does not let us count only transient faults per connector across flows.
 */
@Component
public class ConnectorGuards {
    private static final Logger log = LoggerFactory.getLogger(ConnectorGuards.class);

    private final BreakerProperties properties;
    private final MeterRegistry meters;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public ConnectorGuards(BreakerProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
    }

    /** Runs one connector call under the connector's breaker, timing it. */
    public <T> T call(String connector, Supplier<T> call) {
        CircuitBreaker breaker = breaker(connector);
        Timer timer = timers.computeIfAbsent(connector, c -> Timer.builder("crmhub.connector.call")
                .description("Connector calls made for flows, by connector").tag("connector", c)
                .publishPercentileHistogram().register(meters));
        try {
            return timer.record(() -> breaker.executeSupplier(call));
        } catch (CallNotPermittedException e) {
            meters.counter("crmhub.connector.short-circuited", "connector", connector).increment();
            throw new TransientConnectorException(connector, "circuit breaker open: " + connector
                    + " failed too often recently; not called for now", properties.forConnector(connector).openFor(), e);
        }
    }

    public CircuitBreaker breaker(String connector) {
        return breakers.computeIfAbsent(connector, this::create);
    }

    private CircuitBreaker create(String connector) {
        BreakerProperties.Settings s = properties.forConnector(connector);
        CircuitBreaker breaker = CircuitBreaker.of(connector, CircuitBreakerConfig.custom()
                .failureRateThreshold(s.failureRatePercent())
                .slidingWindowSize(s.window())
                .minimumNumberOfCalls(s.minimumCalls())
                .waitDurationInOpenState(s.openFor())
                .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(TransientConnectorException.class::isInstance)
                .ignoreException(t -> !(t instanceof TransientConnectorException))
                .build());
        breaker.getEventPublisher().onStateTransition(e -> log.warn("Circuit breaker of connector {}: {}", connector,
                e.getStateTransition()));
        Gauge.builder("crmhub.connector.breaker.open", breaker, b -> b.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                .description("1 while the connector's circuit breaker is open").tag("connector", connector).register(meters);
        return breaker;
    }
}
