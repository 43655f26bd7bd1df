/** Operations: failures, replay, relink and re-drive, message tracking, audit log. */
@ApplicationModule(displayName = "Operations", allowedDependencies = {"crm :: common", "crm :: link", "crm :: relink", "events",
        "routing", "routing :: mapping", "logging"})
package io.crmhub.ops;

import org.springframework.modulith.ApplicationModule;
