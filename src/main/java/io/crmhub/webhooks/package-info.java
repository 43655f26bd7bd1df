/** The one webhook ingress, /webhooks/{category}/{provider}: knows verifiers through routing, no provider. */
@ApplicationModule(displayName = "Webhooks", allowedDependencies = {"api", "events", "ops :: audit", "routing"})
package io.crmhub.webhooks;

import org.springframework.modulith.ApplicationModule;
