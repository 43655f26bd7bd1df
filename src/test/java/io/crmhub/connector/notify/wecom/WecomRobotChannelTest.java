package io.crmhub.connector.notify.wecom;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmhub.crm.canonical.NotificationChannel.Notice;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The robot's markdown: a bold title, one quoted line per item, never more than its 4096 bytes. */
class WecomRobotChannelTest {

    @Test
    void aNoticeBecomesATitleAndQuotedLines() {
        assertThat(WecomRobotChannel.markdown(new Notice("2 overdue", List.of("invoice 90000001 open 176.00 CNY", "invoice 2")), false))
                .isEqualTo("**2 overdue**\n> invoice 90000001 open 176.00 CNY\n> invoice 2\n");
        assertThat(WecomRobotChannel.markdown(new Notice("t", List.of("a")), true)).endsWith("\n<@all>");
    }

    @Test
    void aLongNoticeIsCutToTheRobotsLimitAndSaysHowManyLinesItLeftOut() {
        List<String> lines = IntStream.range(0, 500).mapToObj(i -> "发票 " + i + " 逾期 金额 176.00 CNY").toList();
        String markdown = WecomRobotChannel.markdown(new Notice("很多", lines), true);
        assertThat(markdown.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(WecomRobotChannel.MAX_BYTES);
        long kept = markdown.lines().filter(l -> l.startsWith("> 发票")).count();
        assertThat(markdown).contains("> … " + (500 - kept) + " more\n").endsWith("<@all>");
        assertThat(kept).isGreaterThan(50);
    }
}
