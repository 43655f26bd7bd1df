/** Outbox, inbox, relay to Artemis, broker topology, correlation ids, cluster leases: depends on no other module. */
@ApplicationModule(displayName = "Events", allowedDependencies = {})
package io.crmhub.events;

import org.springframework.modulith.ApplicationModule;
