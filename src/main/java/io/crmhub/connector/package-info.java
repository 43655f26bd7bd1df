/**
 * One package per provider ({@code connector.<category>.<provider>}), each on the shared platform ({@code routing})
 * and the CRM's canonical types only; providers never use each other (ModuleBoundariesTest).
 */
@ApplicationModule(displayName = "Connectors", allowedDependencies = {"crm :: canonical", "crm :: common", "routing", "routing :: mapping",
        "routing :: http"})
package io.crmhub.connector;

import org.springframework.modulith.ApplicationModule;
