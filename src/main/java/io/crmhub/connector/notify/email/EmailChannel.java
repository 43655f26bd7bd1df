package io.crmhub.connector.notify.email;

import io.crmhub.crm.canonical.NotificationChannel;
import io.crmhub.routing.TransientConnectorException;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;

/** A notice as one plain-text e-mail (UTF-8: the lines are Chinese as often as not) to every configured recipient. */
public class EmailChannel implements NotificationChannel {
    public static final String CONNECTOR = "notify-email";
    private final EmailProperties properties;
    private final JavaMailSenderImpl mail = new JavaMailSenderImpl();

    public EmailChannel(EmailProperties properties) {
        this.properties = properties;
        mail.setHost(properties.host());
        mail.setPort(properties.port());
        mail.setUsername(properties.username());
        mail.setPassword(properties.passwordValue());
        mail.setDefaultEncoding(StandardCharsets.UTF_8.name());
        String millis = String.valueOf(properties.timeout().toMillis());
        mail.getJavaMailProperties().put("mail.smtp.connectiontimeout", millis);
        mail.getJavaMailProperties().put("mail.smtp.timeout", millis);
        mail.getJavaMailProperties().put("mail.smtp.writetimeout", millis);
        if (properties.username() != null) {
            mail.getJavaMailProperties().put("mail.smtp.auth", "true");
        }
        if (properties.startTls()) {
            mail.getJavaMailProperties().put("mail.smtp.starttls.enable", "true");
            mail.getJavaMailProperties().put("mail.smtp.starttls.required", "true");
        }
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(Notice notice) {
        try {
            MimeMessage message = mail.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(message, false, StandardCharsets.UTF_8.name());
            helper.setFrom(properties.from());
            helper.setTo(properties.to().toArray(String[]::new));
            helper.setSubject("[CRM Hub] " + notice.title());
            helper.setText(notice.title() + "\n\n" + String.join("\n", notice.lines()) + "\n");
            mail.send(message);
        } catch (MailException | jakarta.mail.MessagingException e) {
            throw new TransientConnectorException(CONNECTOR, "SMTP " + properties.host() + ":" + properties.port() + " did not take the mail: "
                    + e.getMessage(), e);
        }
    }
}
