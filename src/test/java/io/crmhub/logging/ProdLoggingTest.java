package io.crmhub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** The prod profile logs one JSON object per line through the hub's logback-spring.xml, masked like the local run. */
@ExtendWith(OutputCaptureExtension.class)
class ProdLoggingTest {

    @Configuration(proxyBeanMethods = false)
    static class NothingButLogging {
    }

    @Test
    void theProdProfileLogsMaskedJsonLines(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext ignored = new SpringApplicationBuilder(NothingButLogging.class)
                .profiles("prod").web(WebApplicationType.NONE).properties("crmhub.sandbox.enabled=false").run()) {
            LoggerFactory.getLogger("io.crmhub.test").info("prod log line for {}", "+8613800138000");
        }
        List<String> ours = output.getOut().lines().filter(l -> l.contains("prod log line")).toList();
        assertThat(ours).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(ours.get(0));
        assertThat(line.path("logger").asText()).isEqualTo("io.crmhub.test");
        assertThat(line.path("message").asText()).startsWith("prod log line for ").doesNotContain("13800138000");
    }
}
