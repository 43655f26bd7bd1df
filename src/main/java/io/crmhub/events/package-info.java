/** Outbox, inbox, relay to Artemis, broker topology, correlation ids, cluster leases: depends only on personal-data protection (its payloads are re-encrypted). */
@ApplicationModule(displayName = "Events", allowedDependencies = {"protect"})
package io.crmhub.events;

import org.springframework.modulith.ApplicationModule;
