package io.mqttx.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.config.ListenerConfig.Transport;
import io.mqttx.broker.config.TlsConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** From the user's keys to the core's {@link BrokerConfig}, and what is refused on the way. */
class BrokerConfigFactoryTest {
    private final BrokerConfigFactory factory = new BrokerConfigFactory("1.2.3", () -> "generated-id",
            (key, location) -> {
                if (location.contains("missing")) {
                    throw new InvalidConfigurationException(key + "=" + location + ": not found");
                }
                return "/resolved/" + location;
            });

    private BrokerConfig create(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        MqttxProperties p = new MqttxPropertiesBinder(List.of(new MapConfigurationPropertySource(m)),
                PlaceholdersResolver.NONE).bind();
        return factory.create(p);
    }

    private List<String> problemsOf(String... keyValues) {
        try {
            create(keyValues);
        } catch (InvalidConfigurationException e) {
            return e.problems();
        }
        throw new AssertionError("accepted " + List.of(keyValues));
    }

    @Test
    void theDefaultsGiveTheCoresDefaultsWithOnePlainListener() {
        BrokerConfig c = create();
        BrokerConfig core = BrokerConfig.builder().build();
        assertThat(c.listeners()).containsExactly(ListenerConfig.tcp("0.0.0.0", 1883));
        assertThat(c.brokerId()).isEqualTo("generated-id");
        assertThat(c.version()).isEqualTo("1.2.3");
        assertThat(c.soBacklog()).isEqualTo(core.soBacklog());
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.limits()).isEqualTo(BrokerConfig.Limits.defaults());
        assertThat(c.sessions()).isEqualTo(BrokerConfig.Sessions.defaults());
        assertThat(c.sharedSubscriptions()).isEqualTo(BrokerConfig.SharedSubscriptions.defaults());
        assertThat(c.sysTopics()).isEqualTo(BrokerConfig.SysTopics.defaults());
        assertThat(c.mqtt5()).isEqualTo(BrokerConfig.Mqtt5.defaults());
    }

    @Test
    void everyKeyReachesItsField() {
        BrokerConfig c = create(
                "mqttx.version", "7.0-custom",
                "mqttx.broker-id", " node-1 ",
                "mqttx.host", "127.0.0.1",
                "mqttx.socket.port", "1884",
                "mqttx.so-backlog", "99",
                "mqttx.share-topic.enable", "false",
                "mqttx.share-topic.share-sub-strategy", "hash",
                "mqttx.sys-topic.interval", "10s",
                "mqttx.sys-topic.qos", "1",
                "mqttx.session.persistent-expiry", "2h",
                "mqttx.session.max-expiry", "1d",
                "mqttx.max-bytes-in-message", "8092",
                "mqttx.limits.max-client-id-length", "64",
                "mqttx.limits.max-topic-levels", "8",
                "mqttx.limits.max-inflight", "16",
                "mqttx.limits.max-queued-messages", "50",
                "mqttx.limits.max-awaiting-rel", "20",
                "mqttx.limits.max-keep-alive", "600",
                "mqttx.limits.receive-maximum", "30",
                "mqttx.limits.topic-alias-maximum", "0",
                "mqttx.limits.max-connections", "5000",
                "mqttx.limits.max-connection-rate", "200",
                "mqttx.limits.max-publish-rate", "50",
                "mqttx.limits.outbound-topic-alias-maximum", "3",
                "mqttx.reason-strings", "false");
        assertThat(c.version()).isEqualTo("7.0-custom");
        assertThat(c.brokerId()).isEqualTo("node-1");
        assertThat(c.listeners()).containsExactly(ListenerConfig.tcp("127.0.0.1", 1884));
        assertThat(c.soBacklog()).isEqualTo(99);
        assertThat(c.sharedSubscriptions()).isEqualTo(new BrokerConfig.SharedSubscriptions(false,
                BrokerConfig.ShareStrategy.HASH));
        assertThat(c.sysTopics()).isEqualTo(new BrokerConfig.SysTopics(false, Duration.ofSeconds(10), 1));
        assertThat(c.sessions()).isEqualTo(new BrokerConfig.Sessions(Duration.ofHours(2), Duration.ofDays(1)));
        assertThat(c.limits()).isEqualTo(new BrokerConfig.Limits(8092, 64, 8, 16, 50, 20, 600, 30, 0, 5000, 200,
                50));
        assertThat(c.mqtt5()).isEqualTo(new BrokerConfig.Mqtt5(3, false));
    }

    @Test
    void eachListenerMayHaveItsOwnMaximumOfConnections() {
        BrokerConfig c = create("mqttx.socket.max-connections", "100", "mqttx.websocket.enable", "true",
                "mqttx.web-socket.max-connections", "50", "mqttx.ssl.enable", "true",
                "mqttx.ssl.key-store-location", "k.p12", "mqttx.ssl.max-connections", "10");
        assertThat(c.listeners()).extracting(ListenerConfig::name, ListenerConfig::maxConnections)
                .containsExactly(tuple("tcp", 100), tuple("tls", 10), tuple("wss", 50));
        assertThat(create().listeners()).extracting(ListenerConfig::maxConnections).containsExactly(0);
        assertThat(problemsOf("mqttx.limits.max-connections", "-1", "mqttx.limits.max-publish-rate", "-5",
                "mqttx.limits.max-connection-rate", "-2", "mqttx.socket.max-connections", "-1")).containsExactly(
                "mqttx.limits.max-connections=-1: must not be negative (0: no limit)",
                "mqttx.limits.max-connection-rate=-2: must not be negative (0: no limit)",
                "mqttx.limits.max-publish-rate=-5: must not be negative (0: no limit)",
                "mqttx.socket.max-connections=-1: must not be negative (0: no limit)");
    }

    @Test
    void theConnectTimeoutIsTheSmallerOfHeartbeatAndConnectTimeout() {
        assertThat(create("mqttx.heartbeat", "5s").connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(create("mqttx.connect-timeout", "3s").connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(create("mqttx.heartbeat", "20s", "mqttx.connect-timeout", "30s").connectTimeout())
                .isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void sslAddsATlsListenerNextToThePlainOneAndMakesTheWebSocketSecure() {
        BrokerConfig c = create(
                "mqttx.ssl.enable", "true",
                "mqttx.ssl.key-store-location", "classpath:tls/server.p12",
                "mqttx.ssl.key-store-password", "secret",
                "mqttx.ssl.trust-store-location", "/etc/ca.p12",
                "mqttx.ssl.trust-store-password", "ca-secret",
                "mqttx.ssl.client-auth", "OPTIONAL",
                "mqttx.ssl.cn-as-username", "true",
                "mqttx.websocket.enable", "true");
        TlsConfig tls = new TlsConfig("/resolved/classpath:tls/server.p12", "secret", "pkcs12",
                "/resolved//etc/ca.p12", "ca-secret", TlsConfig.ClientAuth.OPTIONAL, List.of("TLSv1.3", "TLSv1.2"),
                List.of(), true);
        assertThat(c.listeners()).containsExactly(
                ListenerConfig.tcp("0.0.0.0", 1883),
                new ListenerConfig("tls", Transport.TCP, "0.0.0.0", 8883, null, tls),
                new ListenerConfig("wss", Transport.WEBSOCKET, "0.0.0.0", 8083, "/mqtt", tls));
    }

    @Test
    void aWebSocketListenerAlone() {
        BrokerConfig c = create("mqttx.socket.enable", "false", "mqttx.web-socket.enable", "true",
                "mqttx.web-socket.port", "9001", "mqttx.web-socket.path", "/ws");
        assertThat(c.listeners()).containsExactly(ListenerConfig.websocket("0.0.0.0", 9001, "/ws"));
    }

    @Test
    void featuresNotBuiltYetAreRefusedNamingTheKey() {
        assertThat(problemsOf("mqttx.cluster.enable", "true"))
                .containsExactly("mqttx.cluster.enable=true: clustering is not available in this version");
        assertThat(problemsOf("mqttx.message-bridge.enable", "true")).containsExactly(
                "mqttx.message-bridge.enable=true: the message bridge is not available in this version");
    }

    @Test
    void sysTopicsAreMapped() {
        BrokerConfig c = create("mqttx.sys-topic.enable", "true", "mqttx.sys-topic.interval", "5s",
                "mqttx.sys-topic.qos", "2");
        assertThat(c.sysTopics()).isEqualTo(new BrokerConfig.SysTopics(true, Duration.ofSeconds(5), 2));
    }

    @Test
    void testModeForcesTheClusterOffInsteadOfRefusingIt() {
        assertThat(create("mqttx.enable-test-mode", "true", "mqttx.cluster.enable", "true").listeners()).hasSize(1);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(problemsOf(
                "mqttx.cluster.enable", "true",
                "mqttx.message-bridge.enable", "true",
                "mqttx.socket.port", "70000",
                "mqttx.heartbeat", "0s",
                "mqttx.sys-topic.qos", "3",
                "mqttx.limits.max-client-id-length", "10",
                "mqttx.limits.max-packet-size", "512MB")).hasSize(7);
    }

    @Test
    void impossibleValuesAreRefused() {
        assertThat(problemsOf("mqttx.ssl.enable", "true")).containsExactly(
                "mqttx.ssl.enable=true needs mqttx.ssl.key-store-location (classpath:... or a file path)");
        assertThat(problemsOf("mqttx.ssl.enable", "true", "mqttx.ssl.key-store-location", "/missing.p12"))
                .containsExactly("mqttx.ssl.key-store-location=/missing.p12: not found");
        assertThat(problemsOf("mqttx.ssl.enable", "true", "mqttx.ssl.key-store-location", "k.p12",
                "mqttx.ssl.port", "1883")).containsExactly("mqttx.ssl.port=1883: the same port as mqttx.socket.port");
        assertThat(problemsOf("mqttx.socket.enable", "false")).singleElement().asString()
                .startsWith("mqttx.socket.enable=false: no listener is enabled");
        assertThat(problemsOf("mqttx.websocket.enable", "true", "mqttx.websocket.path", "mqtt"))
                .containsExactly("mqttx.websocket.path=mqtt: must start with /");
        assertThat(problemsOf("mqttx.max-bytes-in-message", "1GB")).singleElement().asString()
                .contains("max-bytes-in-message").contains("must be 2 bytes to 256MB");
        assertThat(problemsOf("mqttx.limits.outbound-topic-alias-maximum", "65536")).containsExactly(
                "mqttx.limits.outbound-topic-alias-maximum=65536: must be 0 to 65535");
        assertThat(problemsOf("mqttx.connect-timeout", "-1s")).containsExactly(
                "mqttx.connect-timeout=PT-1S: must be positive");
    }

    @Test
    void portZeroMayRepeatForTests() {
        assertThat(create("mqttx.socket.port", "0", "mqttx.websocket.enable", "true", "mqttx.websocket.port", "0")
                .listeners()).hasSize(2);
    }
}
