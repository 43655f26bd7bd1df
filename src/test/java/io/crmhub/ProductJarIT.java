package io.crmhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The product jar ({@code ./mvnw package}, built before the integration tests run) carries nothing that exists only
 * for the local run: no provider sandbox and no WireMock. They live in {@code src/sandbox}, test scope.
 */
class ProductJarIT {

    @Test
    void theProductJarHoldsTheHubButNoSandboxAndNoWireMock() throws IOException {
        List<String> entries = new ArrayList<>();
        try (JarFile jar = new JarFile(productJar().toFile())) {
            jar.stream().map(JarEntry::getName).forEach(entries::add);
        }
        assertThat(entries).as("the hub itself is in the jar").contains("BOOT-INF/classes/io/crmhub/CrmHubApplication.class");
        assertThat(entries).as("sandbox classes or their registrations")
                .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("sandbox") && !name.endsWith("/")); // a stale empty directory is no class
        assertThat(entries).as("WireMock, as a library or shaded in").noneMatch(name -> name.startsWith("BOOT-INF/lib/wiremock")
                || name.contains("com/github/tomakehurst/wiremock/"));
    }

    /** target/crm-hub-<version>.jar, the repackaged Spring Boot jar (not the .original). */
    private static Path productJar() throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("target"), "crm-hub-*.jar")) {
            found.forEach(jars::add);
        }
        assertThat(jars).as("the product jar in target/ (built in the package phase)").hasSize(1);
        return jars.get(0);
    }
}
