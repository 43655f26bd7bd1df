package io.crmhub.sandbox;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.Map;

/**
 * The local run's mail server for finance's reminders: GreenMail's SMTP on loopback (any sender, any recipient, no
 * login), and the inbox over HTTP at {@code GET /sandbox/inbox} (JSON: from, to, subject, text, received) on a second
 * port, so the tour can show what finance got.
 */
public final class MailSandbox implements AutoCloseable {
    public static final String TRANSFORMER = "mail-inbox";
    public static final String FINANCE = "finance@crmhub.local";
    private final GreenMail smtp;
    private final WireMockServer inbox;
    private final ObjectMapper json = new ObjectMapper();

    private MailSandbox(int smtpPort, int inboxPort) {
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        inbox = ProviderSandboxes.serve(options().bindAddress("127.0.0.1").port(inboxPort).extensions(new Inbox())
                .containerThreads(5).jettyAcceptors(1), TRANSFORMER, "/sandbox/.*");
    }

    /** SMTP on {@code smtpPort}, the inbox on {@code inboxPort} (0 = any free port, for both). */
    public static MailSandbox start(int smtpPort, int inboxPort) {
        return new MailSandbox(smtpPort, inboxPort);
    }

    public int smtpPort() {
        return smtp.getSmtp().getPort();
    }

    public String inboxUrl() {
        return "http://127.0.0.1:" + inbox.port() + "/sandbox/inbox";
    }

    /** The mails received so far. */
    public MimeMessage[] received() {
        return smtp.getReceivedMessages();
    }

    public Map<String, Object> hubProperties() {
        String prefix = "crmhub.connectors.notify-email.";
        return Map.of(prefix + "host", "127.0.0.1", prefix + "port", smtpPort(), prefix + "to", FINANCE, prefix + "from", "crm-hub@crmhub.local");
    }

    @Override
    public void close() {
        inbox.stop();
        smtp.stop();
    }

    private final class Inbox implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return TRANSFORMER;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            ArrayNode all = json.createArrayNode();
            try {
                for (MimeMessage m : received()) {
                    all.addObject().put("from", Arrays.toString(m.getFrom())).put("to", Arrays.stream(m.getAllRecipients())
                                    .map(Address::toString).toList().toString()).put("subject", m.getSubject())
                            .put("text", GreenMailUtil.getBody(m)).put("received", m.getReceivedDate() == null ? null : m.getReceivedDate().toInstant().toString());
                }
            } catch (jakarta.mail.MessagingException e) {
                return new ResponseDefinitionBuilder().withStatus(500).withBody(e.getMessage()).build();
            }
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                    .withBody(all.toString()).build();
        }
    }
}
