/** Masking of personal data in logs (pattern and JSON). */
@ApplicationModule(displayName = "Logging", allowedDependencies = {})
package io.crmhub.logging;

import org.springframework.modulith.ApplicationModule;
