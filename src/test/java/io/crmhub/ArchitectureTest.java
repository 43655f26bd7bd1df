package io.crmhub;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Package boundaries of architecture.md §3. */
@AnalyzeClasses(packages = "io.crmhub", importOptions = ImportOption.DoNotIncludeTests.class)
public class ArchitectureTest {

    @ArchTest
    static final ArchRule providersDoNotDependOnEachOther = providersDoNotDependOnEachOther("io.crmhub");

    /** Each {@code <base>.connector.<category>.<provider>} on its own (also checked on a bad fixture). */
    public static ArchRule providersDoNotDependOnEachOther(String base) {
        return slices().matching(base + ".connector.(*).(*)..").should().notDependOnEachOther();
    }

    @ArchTest
    static final ArchRule connectorsUseOnlyCanonicalCrmTypes = noClasses().that().resideInAPackage("io.crmhub.connector..")
            .should().dependOnClassesThat().resideInAnyPackage("io.crmhub.crm.customer..", "io.crmhub.crm.order..",
                    "io.crmhub.crm.link..", "io.crmhub.crm.finance..", "io.crmhub.crm.engagement..", "io.crmhub.events..",
                    "io.crmhub.ops..", "io.crmhub.api..", "io.crmhub.sandbox..");

    @ArchTest
    static final ArchRule theCrmCoreKnowsNoConnectorOrCamel = noClasses().that().resideInAnyPackage("io.crmhub.crm.customer..",
                    "io.crmhub.crm.order..", "io.crmhub.crm.canonical..", "io.crmhub.crm.common..")
            .should().dependOnClassesThat().resideInAnyPackage("io.crmhub.connector..", "io.crmhub.sandbox..", "org.apache.camel..");

    @ArchTest
    static final ArchRule eventsAndRoutingDoNotDependOnFeatures = noClasses().that().resideInAnyPackage("io.crmhub.events..", "io.crmhub.routing..")
            .should().dependOnClassesThat().resideInAnyPackage("io.crmhub.crm..", "io.crmhub.connector..", "io.crmhub.api..");

    @ArchTest
    static final ArchRule onlyTheSandboxPackageTouchesWireMock = noClasses().that().resideOutsideOfPackage("io.crmhub.sandbox..")
            .should().dependOnClassesThat().resideInAPackage("com.github.tomakehurst.wiremock..");

    @ArchTest
    static final ArchRule noCycles = noCycles("io.crmhub");

    public static ArchRule noCycles(String base) {
        return slices().matching(base + ".(*)..").should().beFreeOfCycles();
    }
}
