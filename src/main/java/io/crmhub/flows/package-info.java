/** Camel beans the flows in routes/ call by name, adapting the CRM store to exchanges (kept out of the domain). */
@ApplicationModule(displayName = "Flow steps", allowedDependencies = {"crm :: link", "crm :: canonical", "events", "routing", "protect"})
package io.crmhub.flows;

import org.springframework.modulith.ApplicationModule;
