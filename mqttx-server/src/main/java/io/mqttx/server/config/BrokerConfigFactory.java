package io.mqttx.server.config;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.config.TlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the user's {@link MqttxProperties} into the core's one {@link BrokerConfig}, refusing (with every problem at
 * once) what this version cannot do or what makes no sense, so that no key is ever silently misread.
 *
 * <p>Mapping decisions a user can observe:
 * <ul>
 *   <li>The core's CONNECT timeout is the smaller of {@code heartbeat} (MQTTX's idle limit before CONNECT) and
 *       {@code connect-timeout}: whichever the user lowered takes effect.</li>
 *   <li>{@code ssl.enable} adds a TLS listener on {@code ssl.port} next to the plain {@code socket.port}, and turns
 *       the WebSocket listener into WSS (MQTTX's "TLS for socket and websocket").</li>
 *   <li>{@code enable-test-mode} forces the cluster off (the store side is in {@code StoreFactory}).</li>
 * </ul>
 */
public final class BrokerConfigFactory {
    private static final Logger log = LoggerFactory.getLogger(BrokerConfigFactory.class);
    /** MQTT's largest Remaining Length; a larger limit could never be reached. */
    static final long MQTT_MAX_PACKET_SIZE = 268_435_455L;
    /** A server must accept client ids of 1 to 23 characters [MQTT-3.1.3-5]. */
    static final int MQTT_MIN_CLIENT_ID_LENGTH = 23;

    private final String buildVersion;
    private final Supplier<String> brokerIdGenerator;
    private final FileLocations locations;

    /**
     * @param buildVersion      the version when {@code mqttx.version} is not set
     * @param brokerIdGenerator the broker id when {@code mqttx.broker-id} is not set
     * @param locations         turns key and trust store locations into files
     */
    public BrokerConfigFactory(String buildVersion, Supplier<String> brokerIdGenerator, FileLocations locations) {
        this.buildVersion = buildVersion;
        this.brokerIdGenerator = brokerIdGenerator;
        this.locations = locations;
    }

    /** @throws InvalidConfigurationException one line per problem, each naming its key */
    public BrokerConfig create(MqttxProperties p) {
        Problems problems = new Problems();
        refuseWhatIsNotBuilt(p, problems);
        if (!p.enableInnerCache()) {
            log.warn("mqttx.enable-inner-cache=false is ignored: the topic tree is always kept in memory");
        }
        if (p.enableTestMode()) {
            log.info("test mode (mqttx.enable-test-mode): memory store, cluster off");
        }

        positive(problems, "mqttx.heartbeat", p.heartbeat());
        positive(problems, "mqttx.connect-timeout", p.connectTimeout());
        problems.check(p.soBacklog() > 0, "mqttx.so-backlog=" + p.soBacklog() + ": must be at least 1");
        problems.check(p.sysTopic().qos() >= 0 && p.sysTopic().qos() <= 2,
                "mqttx.sys-topic.qos=" + p.sysTopic().qos() + ": must be 0, 1 or 2");
        positive(problems, "mqttx.sys-topic.interval", p.sysTopic().interval());
        notNegative(problems, "mqttx.session.persistent-expiry", p.session().persistentExpiry());
        notNegative(problems, "mqttx.session.max-expiry", p.session().maxExpiry());
        BrokerConfig.Limits limits = limits(p.limits(), problems);
        List<ListenerConfig> listeners = listeners(p, problems);
        problems.throwIfAny();

        Duration connectTimeout = p.heartbeat().compareTo(p.connectTimeout()) < 0 ? p.heartbeat() : p.connectTimeout();
        return BrokerConfig.builder()
                .brokerId(isBlank(p.brokerId()) ? brokerIdGenerator.get() : p.brokerId().trim())
                .version(isBlank(p.version()) ? buildVersion : p.version().trim())
                .listeners(listeners)
                .soBacklog(p.soBacklog())
                .connectTimeout(connectTimeout)
                .limits(limits)
                .sessions(new BrokerConfig.Sessions(p.session().persistentExpiry(), p.session().maxExpiry()))
                .sharedSubscriptions(new BrokerConfig.SharedSubscriptions(p.shareTopic().enable(),
                        p.shareTopic().shareSubStrategy()))
                .sysTopics(new BrokerConfig.SysTopics(p.sysTopic().enable(), p.sysTopic().interval(),
                        p.sysTopic().qos()))
                .mqtt5(new BrokerConfig.Mqtt5(Math.max(0, p.limits().outboundTopicAliasMaximum()), p.reasonStrings()))
                .build();
    }

    /**
     * Features whose keys are accepted but whose implementation is not in this version. Delete a line here when its
     * feature is merged. (Authentication and authorization keys are {@code SecurityFactory}'s.)
     */
    private static void refuseWhatIsNotBuilt(MqttxProperties p, Problems problems) {
        if (p.cluster().enable()) {
            if (p.enableTestMode()) {
                log.info("mqttx.cluster.enable=true is overridden by mqttx.enable-test-mode=true: cluster off");
            } else {
                problems.add("mqttx.cluster.enable=true: clustering is not available in this version");
            }
        }
        problems.check(!p.messageBridge().enable(),
                "mqttx.message-bridge.enable=true: the message bridge is not available in this version");
    }

    private static BrokerConfig.Limits limits(MqttxProperties.Limits l, Problems problems) {
        long packet = l.maxPacketSize().toBytes();
        problems.check(packet >= 2 && packet <= MQTT_MAX_PACKET_SIZE, "mqttx.limits.max-packet-size (or"
                + " mqttx.max-bytes-in-message)=" + packet + " bytes: must be 2 bytes to 256MB");
        problems.check(l.maxClientIdLength() >= MQTT_MIN_CLIENT_ID_LENGTH && l.maxClientIdLength() <= 65535,
                "mqttx.limits.max-client-id-length=" + l.maxClientIdLength()
                        + ": must be 23 to 65535 (MQTT requires 23 [MQTT-3.1.3-5])");
        atLeastOne(problems, "mqttx.limits.max-topic-levels", l.maxTopicLevels(), Integer.MAX_VALUE);
        atLeastOne(problems, "mqttx.limits.max-inflight", l.maxInflight(), 65535);
        atLeastOne(problems, "mqttx.limits.max-queued-messages", l.maxQueuedMessages(), Integer.MAX_VALUE);
        atLeastOne(problems, "mqttx.limits.max-awaiting-rel", l.maxAwaitingRel(), 65535);
        atLeastOne(problems, "mqttx.limits.max-keep-alive", l.maxKeepAlive(), 65535);
        atLeastOne(problems, "mqttx.limits.receive-maximum", l.receiveMaximum(), 65535);
        problems.check(l.topicAliasMaximum() >= 0 && l.topicAliasMaximum() <= 65535,
                "mqttx.limits.topic-alias-maximum=" + l.topicAliasMaximum() + ": must be 0 to 65535");
        problems.check(l.outboundTopicAliasMaximum() >= 0 && l.outboundTopicAliasMaximum() <= 65535,
                "mqttx.limits.outbound-topic-alias-maximum=" + l.outboundTopicAliasMaximum() + ": must be 0 to 65535");
        notNegative(problems, "mqttx.limits.max-connections", l.maxConnections());
        notNegative(problems, "mqttx.limits.max-connection-rate", l.maxConnectionRate());
        notNegative(problems, "mqttx.limits.max-publish-rate", l.maxPublishRate());
        return new BrokerConfig.Limits((int) Math.min(packet, MQTT_MAX_PACKET_SIZE), l.maxClientIdLength(),
                l.maxTopicLevels(), l.maxInflight(), l.maxQueuedMessages(), l.maxAwaitingRel(), l.maxKeepAlive(),
                l.receiveMaximum(), l.topicAliasMaximum(), Math.max(0, l.maxConnections()),
                Math.max(0, l.maxConnectionRate()), Math.max(0, l.maxPublishRate()));
    }

    private List<ListenerConfig> listeners(MqttxProperties p, Problems problems) {
        List<ListenerConfig> listeners = new ArrayList<>();
        Map<Integer, String> portOwners = new HashMap<>();
        MqttxProperties.Ssl ssl = p.ssl();
        TlsConfig tls = ssl.enable() ? tls(ssl, problems) : null;
        if (p.socket().enable()) {
            port(problems, portOwners, "mqttx.socket.port", p.socket().port());
            notNegative(problems, "mqttx.socket.max-connections", p.socket().maxConnections());
            listeners.add(new ListenerConfig("tcp", ListenerConfig.Transport.TCP, p.host(), p.socket().port(), null,
                    null).withMaxConnections(Math.max(0, p.socket().maxConnections())));
        }
        if (ssl.enable()) {
            port(problems, portOwners, "mqttx.ssl.port", ssl.port());
            notNegative(problems, "mqttx.ssl.max-connections", ssl.maxConnections());
            listeners.add(new ListenerConfig("tls", ListenerConfig.Transport.TCP, p.host(), ssl.port(), null, tls)
                    .withMaxConnections(Math.max(0, ssl.maxConnections())));
        }
        MqttxProperties.Websocket ws = p.websocket();
        if (ws.enable()) {
            port(problems, portOwners, "mqttx.websocket.port", ws.port());
            boolean pathOk = ws.path() != null && ws.path().startsWith("/");
            problems.check(pathOk, "mqttx.websocket.path=" + ws.path() + ": must start with /");
            notNegative(problems, "mqttx.websocket.max-connections", ws.maxConnections());
            if (pathOk) {
                listeners.add(new ListenerConfig(tls == null ? "ws" : "wss", ListenerConfig.Transport.WEBSOCKET,
                        p.host(), ws.port(), ws.path(), tls).withMaxConnections(Math.max(0, ws.maxConnections())));
            }
        }
        problems.check(!listeners.isEmpty(), "mqttx.socket.enable=false: no listener is enabled;"
                + " enable at least one of mqttx.socket, mqttx.ssl, mqttx.websocket");
        return listeners;
    }

    private TlsConfig tls(MqttxProperties.Ssl ssl, Problems problems) {
        String keyStore = null;
        if (isBlank(ssl.keyStoreLocation())) {
            problems.add("mqttx.ssl.enable=true needs mqttx.ssl.key-store-location (classpath:... or a file path)");
        } else {
            keyStore = problems.collect(() -> locations.file("mqttx.ssl.key-store-location", ssl.keyStoreLocation()));
        }
        String trustStore = isBlank(ssl.trustStoreLocation()) ? null
                : problems.collect(() -> locations.file("mqttx.ssl.trust-store-location", ssl.trustStoreLocation()));
        problems.check(!ssl.protocols().isEmpty(), "mqttx.ssl.protocols is empty: name at least one, e.g. TLSv1.3");
        if (keyStore == null) {
            return null; // already reported: the TLS record would refuse to exist without a key store
        }
        try {
            return new TlsConfig(keyStore, emptyToNull(ssl.keyStorePassword()), ssl.keyStoreType(), trustStore,
                    emptyToNull(ssl.trustStorePassword()), ssl.clientAuth(), ssl.protocols(), ssl.ciphers(),
                    ssl.cnAsUsername());
        } catch (IllegalArgumentException e) {
            // the core validates TLS settings itself (protocols, ciphers, client auth needs a trust store)
            problems.add("mqttx.ssl: " + e.getMessage());
            return null;
        }
    }

    private static void port(Problems problems, Map<Integer, String> owners, String key, int port) {
        if (port < 0 || port > 65535) {
            problems.add(key + "=" + port + ": must be 0 to 65535 (0: any free port)");
            return;
        }
        String other = port == 0 ? null : owners.putIfAbsent(port, key);
        problems.check(other == null, key + "=" + port + ": the same port as " + other);
    }

    private static void positive(Problems problems, String key, Duration d) {
        problems.check(!d.isNegative() && !d.isZero(), key + "=" + d + ": must be positive");
    }

    private static void notNegative(Problems problems, String key, Duration d) {
        problems.check(!d.isNegative(), key + "=" + d + ": must not be negative");
    }

    private static void notNegative(Problems problems, String key, int value) {
        problems.check(value >= 0, key + "=" + value + ": must not be negative (0: no limit)");
    }

    private static void atLeastOne(Problems problems, String key, int value, int max) {
        problems.check(value >= 1 && value <= max, key + "=" + value + ": must be 1 to " + max);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
