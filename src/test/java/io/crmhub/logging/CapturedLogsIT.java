package io.crmhub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test (its own failsafe execution in post-integration-test, see pom.xml): no log line
 * written by the suite — unit tests, integration tests, the crashed and restarted hub processes — holds an unmasked
 * phone or ID number. The suite logs plenty of masked ones, so this is not vacuous.
 */
class CapturedLogsIT {
    @Test
    void noLogLineOfTheSuiteHoldsAnUnmaskedPhoneOrIdNumber() {
        LogScan.Report output = LogScan.scan(List.of(Path.of("target/surefire-reports"), Path.of("target/failsafe-reports")), "-output.txt");
        LogScan.Report children = LogScan.scan(List.of(Path.of("target/test-logs")), ".log");
        System.out.printf("[log-scan] files=%d lines=%d masked=%d leaks=%d%n", output.files() + children.files(),
                output.lines() + children.lines(), output.maskedValues() + children.maskedValues(),
                output.leaks().size() + children.leaks().size());
        assertThat(output.lines() + children.lines()).as("captured log lines").isGreaterThan(200);
        assertThat(output.maskedValues() + children.maskedValues()).as("masked values seen").isPositive();
        assertThat(output.leaks()).isEmpty();
        assertThat(children.leaks()).isEmpty();
    }
}
