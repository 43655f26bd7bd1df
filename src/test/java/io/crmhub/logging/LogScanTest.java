package io.crmhub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner used on the whole suite's logs finds leaks and lets masked values and ordinary numbers pass. */
class LogScanTest {
    @TempDir
    Path dir;

    @Test
    void findsEveryUnmaskedPhoneIdNumberAndEmailAndNothingElse() throws Exception {
        Files.writeString(dir.resolve("a-output.txt"), String.join("\n",
                "INFO created customer 42 phone +86138****8000 at 1764070000000",
                "WARN leaked 13800138000 here",
                "WARN leaked +8613800138000 there",
                "WARN leaked 138 0013 8000 spaced",
                "WARN id 11010519491231002X in clear",
                "INFO uuid 3f2c1a9e-1380-0138-0001-000000000000 order CRM-O-0000000042 amount 12345678901234.50",
                "INFO masked id 110105********002X",
                "WARN mail to li.lei@example.com bounced",
                "INFO mail to l***@example.com sent"));
        LogScan.Report report = LogScan.scan(List.of(dir), "-output.txt");
        assertThat(report.leaks()).extracting(LogScan.Leak::line).containsExactly(2, 3, 4, 5, 8);
        assertThat(report.maskedValues()).isEqualTo(2);
        assertThat(report.lines()).isEqualTo(9);
    }
}
