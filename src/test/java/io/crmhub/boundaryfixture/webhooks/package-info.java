@ApplicationModule(allowedDependencies = "routing")
package io.crmhub.boundaryfixture.webhooks;

import org.springframework.modulith.ApplicationModule;
