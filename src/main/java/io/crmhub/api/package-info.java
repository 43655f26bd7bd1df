/** The REST API's shared parts: security, error model (problem+json), request body reading, OpenAPI description. */
@ApplicationModule(displayName = "API", allowedDependencies = {"crm :: common", "events", "routing"})
package io.crmhub.api;

import org.springframework.modulith.ApplicationModule;
