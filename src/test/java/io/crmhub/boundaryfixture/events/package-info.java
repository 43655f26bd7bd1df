@ApplicationModule(allowedDependencies = {})
package io.crmhub.boundaryfixture.events;

import org.springframework.modulith.ApplicationModule;
