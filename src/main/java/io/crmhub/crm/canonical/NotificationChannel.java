package io.crmhub.crm.canonical;

import java.util.List;

/**
 * Where the CRM sends finance its reminders (D50): a channel connector (e-mail over SMTP, a WeCom group robot)
 * delivers a notice to the recipients it is configured with. {@link #send} throws when the channel did not take the
 * notice (the reminder job records the failure and tries again).
 */
public interface NotificationChannel {

    /** The channel's name in the reminder log ({@code email}, {@code wecom}). */
    String name();

    void send(Notice notice);

    /**
     * @param title a line that says what it is ("3 overdue invoices, 2 reviews open")
     * @param lines one line per item, already masked and money-formatted
     */
    record Notice(String title, List<String> lines) {
    }
}
