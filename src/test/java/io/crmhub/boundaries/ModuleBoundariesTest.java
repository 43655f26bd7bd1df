package io.crmhub.boundaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.crmhub.ArchitectureTest;
import io.crmhub.CrmHubApplication;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The hub's module boundaries, checked twice: on the bytecode by Spring Modulith (each top-level package is a module
 * declaring in its {@code package-info.java} which modules, and which of their named interfaces, it may use) and on
 * the source (cycles and provider-to-provider references that javac's inlined constants hide from the bytecode).
 * Both checks are shown to fail on a deliberately bad fixture ({@code io.crmhub.boundaryfixture}, test sources).
 */
class ModuleBoundariesTest {
    private static final Path[] HUB_SOURCES = {Path.of("src/main/java"), Path.of("src/sandbox/java")};
    private static final String FIXTURE = "io.crmhub.boundaryfixture";

    @Test
    void everyModuleUsesOnlyWhatItDeclaresAndTheDocumentationIsCurrent() {
        ApplicationModules modules = ApplicationModules.of(CrmHubApplication.class);

        modules.verify();
        // docs/modules: one diagram and canvas per module, regenerated with every run of the suite
        new Documenter(modules, Documenter.Options.defaults().withOutputFolder("docs/modules"))
                .writeModulesAsPlantUml().writeIndividualModulesAsPlantUml().writeModuleCanvases();
    }

    @Test
    void theSourcesHaveNoCycleBetweenModulesAndNoProviderUsesAnother() {
        SourceDependencies hub = SourceDependencies.scan("io.crmhub", HUB_SOURCES);

        assertThat(hub.moduleGraph()).as("modules found").containsKeys("crm", "events", "routing", "connector", "webhooks", "ops");
        assertThat(hub.moduleCycles()).as("cycles between modules, constants included").isEmpty();
        assertThat(hub.providerCrossings()).as("providers using each other").isEmpty();
        assertThat(hub.referencesBetween("events", "routing")).as("the outbox and inbox build on nothing of routing").isEmpty();
    }

    @Test
    void theSourceCheckSeesTheCycleAndTheProviderCrossingOfTheFixture() {
        SourceDependencies fixture = SourceDependencies.scan(FIXTURE, Path.of("src/test/java/io/crmhub/boundaryfixture"));

        assertThat(fixture.moduleCycles()).containsExactly(java.util.List.of("events", "routing"));
        assertThat(fixture.providerCrossings()).containsExactly("AlphaSink.java: erp.alpha -> erp.beta");
    }

    @Test
    void theBytecodeChecksSeeTheFixturesProviderCrossingButNotItsInlinedCycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages(FIXTURE);

        assertThat(ArchitectureTest.providersDoNotDependOnEachOther(FIXTURE).evaluate(fixture).hasViolation()).isTrue();
        // why the source check exists: events -> routing is only a constant, gone from the class file
        assertThat(ArchitectureTest.noCycles(FIXTURE).evaluate(fixture).hasViolation()).isFalse();
    }

    @Test
    void modulithRefusesTheFixturesUndeclaredDependency() {
        ApplicationModules fixture = ApplicationModules.of(FIXTURE, new com.tngtech.archunit.core.importer.ImportOption.OnlyIncludeTests());

        assertThatThrownBy(fixture::verify).hasMessageContaining("webhooks").hasMessageContaining("connector");
    }
}
