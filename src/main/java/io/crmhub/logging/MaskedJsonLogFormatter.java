package io.crmhub.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.time.Instant;
import java.util.Map;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLogFormatter;

/**
 * One JSON object per line for the {@code prod} profile's console (logback-spring.xml), with the same masking as the
 * pattern of the local run: message and stack trace pass {@link PiiMasking}, so a log shipper never receives a clear
 * phone or ID number. Spring Boot's own structured formats (ECS, Logstash) would write the raw message.
 * Fields: {@code @timestamp}, {@code level}, {@code thread}, {@code logger}, {@code message}, {@code route},
 * {@code correlationId}, the other MDC entries under {@code mdc}, and {@code stackTrace} when there is one.
 */
public class MaskedJsonLogFormatter implements StructuredLogFormatter<ILoggingEvent> {
    private static final String ROUTE = "camel.routeId";
    private static final String CORRELATION = "correlationId";

    private final JsonWriter<ILoggingEvent> writer = JsonWriter.<ILoggingEvent>of(members -> {
        members.add("@timestamp", e -> Instant.ofEpochMilli(e.getTimeStamp()).toString());
        members.add("level", e -> e.getLevel().toString());
        members.add("thread", ILoggingEvent::getThreadName);
        members.add("logger", ILoggingEvent::getLoggerName);
        members.add("message", e -> PiiMasking.mask(e.getFormattedMessage()));
        members.add("route", e -> e.getMDCPropertyMap().get(ROUTE)).whenNotNull();
        members.add("correlationId", e -> e.getMDCPropertyMap().get(CORRELATION)).whenNotNull();
        members.add("mdc", MaskedJsonLogFormatter::otherMdc).whenNot(Map::isEmpty);
        members.add("stackTrace", ILoggingEvent::getThrowableProxy).whenNotNull()
                .as(MaskedJsonLogFormatter::stackTrace);
    }).withNewLineAtEnd();

    @Override
    public String format(ILoggingEvent event) {
        return writer.writeToString(event);
    }

    private static Map<String, String> otherMdc(ILoggingEvent event) {
        Map<String, String> mdc = new java.util.TreeMap<>(event.getMDCPropertyMap());
        mdc.remove(ROUTE);
        mdc.remove(CORRELATION);
        mdc.replaceAll((k, v) -> PiiMasking.mask(v));
        return mdc;
    }

    private static String stackTrace(IThrowableProxy proxy) {
        return PiiMasking.mask(ThrowableProxyUtil.asString(proxy));
    }
}
