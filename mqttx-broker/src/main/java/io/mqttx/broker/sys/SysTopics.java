package io.mqttx.broker.sys;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.protocol.Utf8;
import io.mqttx.broker.routing.Delivery;
import io.mqttx.broker.routing.Router;
import io.mqttx.broker.routing.Subscriber;
import io.mqttx.broker.routing.Topics;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@code $SYS/broker/...} topics of the configuration contract: {@code status}, published every
 * {@code sys-topic.interval} to whoever subscribes to it, and the on-subscribe topics, answered once to each new
 * subscriber. Every message is JSON with {@code activeConnectCount}, {@code timestamp} and {@code version}, plus
 * the field its topic names ({@code status} carries them all).
 *
 * <p>Client events: {@code $SYS/broker/clients/{clientId}/connected} when a client's CONNACK has gone out and
 * {@code .../disconnected} when that connection ends, with {@code clientId}, {@code username}, {@code ip},
 * {@code port}, {@code protocolVersion}, {@code timestamp} (and {@code reason} when disconnected). The client id is
 * one topic level, encoded by {@link #topicLevel}. Like every $SYS message they are published only while
 * {@code sys-topic.enable} is on, at {@code sys-topic.qos}, never retained nor stored, and reach only subscribers
 * the authorizer lets receive them.
 */
public final class SysTopics implements AutoCloseable {
    public static final String PREFIX = "$SYS/";
    static final String BROKER = "$SYS/broker/";
    static final String STATUS = BROKER + "status";
    static final String CLIENTS = BROKER + "clients/";
    static final List<String> ON_SUBSCRIBE = List.of("activeConnectCount", "time", "version", "receivedMsg",
            "sendMsg", "uptime", "maxActiveConnectCount");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final BrokerConfig config;
    private final BrokerMetrics metrics;
    private final Router router;
    private final LongSupplier clock;
    private ScheduledFuture<?> periodic;

    public SysTopics(BrokerConfig config, BrokerMetrics metrics, Router router, LongSupplier clock) {
        this.config = config;
        this.metrics = metrics;
        this.router = router;
        this.clock = clock;
    }

    public static boolean isSys(String topicOrFilter) {
        return topicOrFilter.startsWith(PREFIX);
    }

    /** Starts the periodic status message, if $SYS topics are enabled. */
    public void start(EventExecutor scheduler) {
        if (!config.sysTopics().enabled()) {
            return;
        }
        long interval = Math.max(1, config.sysTopics().interval().toMillis());
        periodic = scheduler.scheduleAtFixedRate(() -> router.deliverLocally(message(STATUS, status())),
                interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * A subscription to {@code filter} was granted to {@code subscriber}: answer it with the on-subscribe topics it
     * matches (and the current status, so a new subscriber does not wait a whole interval).
     */
    public void onSubscribed(Subscriber subscriber, String filter, int grantedQos) {
        if (!config.sysTopics().enabled() || !isSys(filter)) {
            return;
        }
        Map<String, Object> all = status();
        for (String name : ON_SUBSCRIBE) {
            String topic = BROKER + name;
            if (Topics.matches(filter, topic)) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("activeConnectCount", all.get("activeConnectCount"));
                fields.put("timestamp", all.get("timestamp"));
                fields.put("version", all.get("version"));
                fields.put(name, all.get(name));
                send(subscriber, message(topic, fields), grantedQos);
            }
        }
        if (Topics.matches(filter, STATUS)) {
            send(subscriber, message(STATUS, all), grantedQos);
        }
    }

    private void send(Subscriber subscriber, ApplicationMessage message, int grantedQos) {
        subscriber.deliver(new Delivery(router.nextMessageId(), message, Math.min(message.qos(), grantedQos),
                false, List.of(), null));
    }

    /** A client's connection was accepted (after its CONNACK). */
    public void clientConnected(ClientEvent client) {
        if (config.sysTopics().enabled()) {
            router.deliverLocally(message(CLIENTS + topicLevel(client.clientId()) + "/connected",
                    eventFields(client)));
        }
    }

    /** The connection of a client that had been accepted ended, for {@code reason}. */
    public void clientDisconnected(ClientEvent client, String reason) {
        if (config.sysTopics().enabled()) {
            Map<String, Object> fields = eventFields(client);
            fields.put("reason", reason);
            router.deliverLocally(message(CLIENTS + topicLevel(client.clientId()) + "/disconnected", fields));
        }
    }

    private Map<String, Object> eventFields(ClientEvent client) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", client.clientId());
        m.put("username", client.username());
        m.put("ip", client.ip());
        m.put("port", client.port());
        m.put("protocolVersion", client.protocolVersion());
        m.put("timestamp", timestamp(clock.getAsLong()));
        return m;
    }

    /**
     * A client id as one topic level: percent-encoding (RFC 3986 style, upper-case hex of each UTF-8 byte) of
     * {@code %} itself, of {@code /}, {@code +} and {@code #}, which would split the level or make the topic a
     * filter, and of the code points a receiver may treat as malformed (control characters, non-characters).
     * Everything else is kept, so most ids read as themselves; decoding is unambiguous.
     */
    public static String topicLevel(String clientId) {
        StringBuilder sb = new StringBuilder(clientId.length());
        for (int i = 0; i < clientId.length(); ) {
            int cp = clientId.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp == '%' || cp == '/' || cp == '+' || cp == '#' || Utf8.isDisallowed(cp)) {
                for (byte b : clientId.substring(i, i + n).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            } else {
                sb.appendCodePoint(cp);
            }
            i += n;
        }
        return sb.toString();
    }

    private static String timestamp(long millis) {
        return LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(millis), java.time.ZoneId.systemDefault())
                .format(TIMESTAMP);
    }

    /** Every field of the status message, in a stable order. */
    Map<String, Object> status() {
        long now = clock.getAsLong();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("activeConnectCount", metrics.activeConnections());
        m.put("timestamp", timestamp(now));
        m.put("version", config.version());
        m.put("time", now);
        m.put("receivedMsg", metrics.messagesReceived());
        m.put("sendMsg", metrics.messagesSent());
        m.put("uptime", Math.max(0, (now - metrics.startedAtMillis()) / 1000));
        m.put("maxActiveConnectCount", metrics.maxActiveConnections());
        return m;
    }

    private ApplicationMessage message(String topic, Map<String, Object> fields) {
        return new ApplicationMessage(topic, json(fields).getBytes(StandardCharsets.UTF_8), config.sysTopics().qos(),
                false, MessageProperties.NONE, null, 0);
    }

    static String json(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(e.getKey()).append("\":");
            Object v = e.getValue();
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Number) {
                sb.append(v);
            } else {
                appendJsonString(sb, String.valueOf(v));
            }
        }
        return sb.append('}').toString();
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 section 7). */
    private static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    @Override
    public void close() {
        if (periodic != null) {
            periodic.cancel(false);
        }
    }
}
