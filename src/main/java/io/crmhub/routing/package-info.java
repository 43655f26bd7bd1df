/** Shared Camel and connector platform: flow loading, error model, breakers, rate limits, webhook verifier SPI, value maps. */
@ApplicationModule(displayName = "Routing", allowedDependencies = {"events", "protect", "logging"})
package io.crmhub.routing;

import org.springframework.modulith.ApplicationModule;
