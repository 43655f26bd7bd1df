package io.crmhub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import java.time.Clock;

@SpringBootApplication
// Connector properties are registered by their own conditional configurations, so an inactive provider needs none.
@ConfigurationPropertiesScan({"io.crmhub.api", "io.crmhub.events", "io.crmhub.routing", "io.crmhub.crm", "io.crmhub.ops", "io.crmhub.protect"})
@EnableScheduling
public class CrmHubApplication {
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    public static void main(String[] args) {
        SpringApplication.run(CrmHubApplication.class, args);
    }
}
