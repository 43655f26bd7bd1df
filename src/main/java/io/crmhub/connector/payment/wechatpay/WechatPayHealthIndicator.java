package io.crmhub.connector.payment.wechatpay;

import io.crmhub.routing.ConnectorGuards;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code paymentWechatpay}: the connector's circuit breaker. WeChat Pay has no free ping (every API
 * call is signed, counted and rate-limited), so health reflects the outcome of real calls: DEGRADED while the breaker
 * is not closed.
 */
class WechatPayHealthIndicator implements HealthIndicator {
    private final WechatPayProperties properties;
    private final ConnectorGuards guards;

    WechatPayHealthIndicator(WechatPayProperties properties, ConnectorGuards guards) {
        this.properties = properties;
        this.guards = guards;
    }

    @Override
    public Health health() {
        CircuitBreaker breaker = guards.breaker(WechatPayGateway.CONNECTOR);
        Health.Builder builder = breaker.getState() == CircuitBreaker.State.CLOSED ? Health.up() : Health.status("DEGRADED");
        return builder.withDetail("connector", WechatPayGateway.CONNECTOR)
                .withDetail("baseUrl", properties.baseUrl().toString())
                .withDetail("merchantId", properties.merchantId())
                .withDetail("circuitBreaker", breaker.getState().name())
                .withDetail("failureRatePercent", breaker.getMetrics().getFailureRate())
                .build();
    }
}
