/** Camel beans the flows in routes/ call by name, adapting the CRM store to exchanges (kept out of the domain). */
@ApplicationModule(displayName = "Flow steps", allowedDependencies = {"crm :: link", "events", "routing"})
package io.crmhub.flows;

import org.springframework.modulith.ApplicationModule;
