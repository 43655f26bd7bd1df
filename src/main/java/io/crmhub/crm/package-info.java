/** The core CRM store: customers, orders, payments, invoices, links; its REST API; the canonical types connectors see. */
@ApplicationModule(displayName = "CRM store", allowedDependencies = {"events", "routing", "routing :: mapping", "logging", "protect"})
package io.crmhub.crm;

import org.springframework.modulith.ApplicationModule;
