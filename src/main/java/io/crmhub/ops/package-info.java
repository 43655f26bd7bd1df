/** Operations: failures, replay, relink and re-drive, message tracking, audit log, personal-data keys. */
@ApplicationModule(displayName = "Operations", allowedDependencies = {"crm :: common", "crm :: link", "crm :: relink", "events",
        "routing", "routing :: mapping", "logging", "protect"})
package io.crmhub.ops;

import org.springframework.modulith.ApplicationModule;
