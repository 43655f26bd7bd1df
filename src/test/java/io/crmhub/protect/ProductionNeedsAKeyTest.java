package io.crmhub.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.crmhub.CrmHubApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.core.NestedExceptionUtils;

/** The prod profile never generates a key: a hub configured for production but without one refuses to start. */
class ProductionNeedsAKeyTest {
    @TempDir
    Path dir;

    @Test
    void theProdProfileRefusesToStartWithoutAPersonalDataKeyAndGeneratesNone() {
        Throwable refused = catchThrowable(() -> new SpringApplication(CrmHubApplication.class).run(
                "--spring.profiles.active=prod", "--server.port=0", "--crmhub.data-dir=" + dir,
                "--spring.datasource.url=jdbc:h2:mem:prod-key-" + System.nanoTime(),
                "--spring.artemis.embedded.data-directory=" + dir.resolve("artemis"), "--crmhub.broker.tcp-acceptor=",
                "--crmhub.security.users[0].username=ops",
                "--crmhub.security.users[0].password={bcrypt}$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z1bQ0ysmIq3uVdOyJrnF2bmS",
                "--crmhub.security.users[0].roles=ENGINEER",
                "--crmhub.connectors.erp-sap.base-url=http://127.0.0.1:9", "--crmhub.connectors.erp-sap.username=u",
                "--crmhub.connectors.erp-sap.password=p"));
        assertThat(refused).isNotNull();
        assertThat(NestedExceptionUtils.getMostSpecificCause(refused).getMessage())
                .contains("no personal-data key").contains("CRMHUB_PROTECTION_KEYS").contains("CRMHUB_PROTECTION_KEY_FILE");
        assertThat(Files.exists(dir.resolve("keys/personal-data.keys"))).as("no key generated").isFalse();
    }
}
