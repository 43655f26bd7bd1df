package io.crmhub.connector.payment.stripe;

import io.crmhub.routing.ConnectorGuards;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code paymentStripe}: the connector's circuit breaker. Every Stripe call is authenticated,
 * counted against the account's rate limit and logged in its dashboard, so health does not ping; it reflects the
 * outcome of real calls: DEGRADED while the breaker is not closed.
 */
class StripeHealthIndicator implements HealthIndicator {
    private final StripeProperties properties;
    private final ConnectorGuards guards;

    StripeHealthIndicator(StripeProperties properties, ConnectorGuards guards) {
        this.properties = properties;
        this.guards = guards;
    }

    @Override
    public Health health() {
        CircuitBreaker breaker = guards.breaker(StripeGateway.CONNECTOR);
        Health.Builder builder = breaker.getState() == CircuitBreaker.State.CLOSED ? Health.up() : Health.status("DEGRADED");
        return builder.withDetail("connector", StripeGateway.CONNECTOR)
                .withDetail("baseUrl", properties.baseUrl().toString())
                .withDetail("circuitBreaker", breaker.getState().name())
                .withDetail("failureRatePercent", breaker.getMetrics().getFailureRate())
                .build();
    }
}
