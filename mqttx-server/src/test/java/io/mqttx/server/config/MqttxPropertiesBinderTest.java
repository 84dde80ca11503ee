package io.mqttx.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.config.BrokerConfig.ShareStrategy;
import io.mqttx.broker.config.TlsConfig.ClientAuth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

/** Binding of {@code mqttx.*} as users write it: every spelling Spring and MQTTX allow, and what is refused. */
class MqttxPropertiesBinderTest {

    /** Sources in precedence order, highest first, as Spring orders them. */
    private static MqttxProperties bind(ConfigurationPropertySource... sources) {
        return new MqttxPropertiesBinder(List.of(sources), PlaceholdersResolver.NONE).bind();
    }

    private static ConfigurationPropertySource map(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new MapConfigurationPropertySource(m);
    }

    private static ConfigurationPropertySource env(Map<String, Object> variables) {
        return ConfigurationPropertySource.from(new SystemEnvironmentPropertySource("systemEnvironment", variables));
    }

    private static List<ConfigurationPropertySource> packagedYaml() throws IOException {
        List<ConfigurationPropertySource> sources = new ArrayList<>();
        for (PropertySource<?> ps : new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"))) {
            sources.add(ConfigurationPropertySource.from(ps));
        }
        return sources;
    }

    /** The README's Configuration table is where users look a key up: every key of the packaged file is in it. */
    @Test
    void everyKeyOfThePackagedApplicationYmlIsInTheReadmesTable() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> keys = new ArrayList<>();
        for (PropertySource<?> ps : new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"))) {
            for (String name : ((EnumerablePropertySource<?>) ps).getPropertyNames()) {
                if (name.startsWith("mqttx.")) {
                    keys.add(name.replaceAll("\\[\\d+]$", ""));
                }
            }
        }
        assertThat(keys).hasSizeGreaterThan(50);
        assertThat(keys).allSatisfy(key -> assertThat(readme).contains("| `" + key + "`"));
    }

    @Test
    void withNothingSetEveryKeyHasTheDefaultOfTheContract() {
        MqttxProperties p = bind();
        assertThat(p.version()).isNull();
        assertThat(p.brokerId()).isNull();
        assertThat(p.heartbeat()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.host()).isEqualTo("0.0.0.0");
        assertThat(p.soBacklog()).isEqualTo(512);
        assertThat(p.enableTopicSubPubSecure()).isFalse();
        assertThat(p.enableInnerCache()).isTrue();
        assertThat(p.enableTestMode()).isFalse();
        assertThat(p.redis()).isEqualTo(new MqttxProperties.Redis("mqttx.session.key", "mqttx:topic:",
                "mqttx:retain:", "mqttx:client:pubmsg:", "mqttx:client:pubrelmsg:", "mqttx:alltopic"));
        assertThat(p.cluster()).isEqualTo(new MqttxProperties.Cluster(false, MqttxProperties.ClusterType.REDIS,
                "mqttx:cache_consistence"));
        assertThat(p.ssl()).isEqualTo(new MqttxProperties.Ssl(false, 8883, ClientAuth.NONE, null, null, "pkcs12",
                null, null, List.of("TLSv1.3", "TLSv1.2"), List.of(), false, 0));
        assertThat(p.socket()).isEqualTo(new MqttxProperties.Socket(true, 1883, 0));
        assertThat(p.websocket()).isEqualTo(new MqttxProperties.Websocket(false, 8083, "/mqtt", 0));
        assertThat(p.shareTopic()).isEqualTo(new MqttxProperties.ShareTopic(true, ShareStrategy.ROUND));
        assertThat(p.sysTopic()).isEqualTo(new MqttxProperties.SysTopic(false, Duration.ofSeconds(60), 0));
        assertThat(p.messageBridge()).isEqualTo(new MqttxProperties.MessageBridge(false, List.of()));
        assertThat(p.auth()).isEqualTo(new MqttxProperties.Auth(null, null, null, null, null, Duration.ofSeconds(3),
                Duration.ofSeconds(30), null, 32));
        assertThat(p.acl()).isEqualTo(new MqttxProperties.Acl(null));
        assertThat(p.store()).isEqualTo(new MqttxProperties.Store(MqttxProperties.StoreType.EMBEDDED, "./data",
                false));
        assertThat(p.limits()).isEqualTo(new MqttxProperties.Limits(DataSize.ofMegabytes(1), 256, 128, 32, 1000,
                100, 65535, 100, 10, 10, 0, 10_000, 0));
        assertThat(p.reasonStrings()).isTrue();
        assertThat(p.session()).isEqualTo(new MqttxProperties.Session(Duration.ofDays(7), Duration.ofDays(7)));
    }

    @Test
    void thePackagedApplicationYmlStatesExactlyTheDefaults() throws IOException {
        List<ConfigurationPropertySource> yaml = packagedYaml();
        assertThat(yaml).isNotEmpty();
        assertThat(bind(yaml.toArray(ConfigurationPropertySource[]::new))).isEqualTo(bind());
    }

    @Test
    void kebabCaseBinds() {
        MqttxProperties p = bind(map(
                "mqttx.broker-id", "node-7",
                "mqttx.so-backlog", "64",
                "mqttx.enable-test-mode", "true",
                "mqttx.share-topic.share-sub-strategy", "hash",
                "mqttx.sys-topic.interval", "5s",
                "mqttx.limits.max-packet-size", "2KB",
                "mqttx.limits.max-inflight", "7",
                "mqttx.session.persistent-expiry", "1h",
                "mqttx.store.type", "memory",
                "mqttx.ssl.client-auth", "require",
                "mqttx.ssl.key-store-location", "classpath:tls/server.p12",
                "mqttx.ssl.protocols", "TLSv1.3",
                "mqttx.ssl.cn-as-username", "true"));
        assertThat(p.brokerId()).isEqualTo("node-7");
        assertThat(p.soBacklog()).isEqualTo(64);
        assertThat(p.enableTestMode()).isTrue();
        assertThat(p.shareTopic().shareSubStrategy()).isEqualTo(ShareStrategy.HASH);
        assertThat(p.sysTopic().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.limits().maxPacketSize()).isEqualTo(DataSize.ofKilobytes(2));
        assertThat(p.limits().maxInflight()).isEqualTo(7);
        assertThat(p.session().persistentExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(p.store().type()).isEqualTo(MqttxProperties.StoreType.MEMORY);
        assertThat(p.ssl().clientAuth()).isEqualTo(ClientAuth.REQUIRE);
        assertThat(p.ssl().keyStoreLocation()).isEqualTo("classpath:tls/server.p12");
        assertThat(p.ssl().protocols()).containsExactly("TLSv1.3");
        assertThat(p.ssl().cnAsUsername()).isTrue();
    }

    @Test
    void camelCaseBinds() {
        MqttxProperties p = bind(map(
                "mqttx.brokerId", "node-8",
                "mqttx.soBacklog", "65",
                "mqttx.enableTopicSubPubSecure", "true",
                "mqttx.shareTopic.shareSubStrategy", "random",
                "mqttx.limits.maxQueuedMessages", "5",
                "mqttx.ssl.keyStoreType", "jks",
                "mqttx.messageBridge.topics", "a,b"));
        assertThat(p.brokerId()).isEqualTo("node-8");
        assertThat(p.soBacklog()).isEqualTo(65);
        assertThat(p.enableTopicSubPubSecure()).isTrue();
        assertThat(p.shareTopic().shareSubStrategy()).isEqualTo(ShareStrategy.RANDOM);
        assertThat(p.limits().maxQueuedMessages()).isEqualTo(5);
        assertThat(p.ssl().keyStoreType()).isEqualTo("jks");
        assertThat(p.messageBridge().topics()).containsExactly("a", "b");
    }

    @Test
    void environmentVariablesBindBySpringsRules() {
        MqttxProperties p = bind(env(Map.of(
                "MQTTX_SOCKET_PORT", "1884",
                "MQTTX_SHARETOPIC_SHARESUBSTRATEGY", "random",
                "MQTTX_LIMITS_MAXPACKETSIZE", "4096",
                "MQTTX_SSL_PROTOCOLS", "TLSv1.2",
                "MQTTX_WEBSOCKET_ENABLE", "true",
                "MQTTX_ENABLETESTMODE", "true",
                "MQTTX_BROKERID", "from-env",
                // unrelated variables are no business of ours, even under the prefix
                "MQTTX_HOME", "/opt/mqttx",
                "PATH", "/usr/bin")));
        assertThat(p.socket().port()).isEqualTo(1884);
        assertThat(p.shareTopic().shareSubStrategy()).isEqualTo(ShareStrategy.RANDOM);
        assertThat(p.limits().maxPacketSize()).isEqualTo(DataSize.ofBytes(4096));
        assertThat(p.ssl().protocols()).containsExactly("TLSv1.2");
        assertThat(p.websocket().enable()).isTrue();
        assertThat(p.enableTestMode()).isTrue();
        assertThat(p.brokerId()).isEqualTo("from-env");
    }

    @Test
    void authFilesBind() {
        MqttxProperties.Auth auth = bind(map(
                "mqttx.auth.password-file", "/etc/mqttx/passwd",
                "mqttx.auth.scram-file", "/etc/mqttx/scram")).auth();
        assertThat(auth.passwordFile()).isEqualTo("/etc/mqttx/passwd");
        assertThat(auth.scramFile()).isEqualTo("/etc/mqttx/scram");
        assertThat(bind(env(Map.<String, Object>of("MQTTX_AUTH_SCRAMFILE", "/run/scram"))).auth().scramFile())
                .as("from the environment").isEqualTo("/run/scram");
    }

    @Test
    void mqttxSpellingsBindToTheSameKeys() {
        MqttxProperties p = bind(map(
                "mqttx.web-socket.enable", "true",
                "mqttx.web-socket.port", "9001",
                "mqttx.webSocket.path", "/ws",
                "mqttx.cluster.inner-cache-consistency-key", "k:consistency",
                "mqttx.max-bytes-in-message", "8092",
                "mqttx.auth.is-mandatory", "true",
                "mqttx.auth.url", "http://auth.local/check",
                "mqttx.auth.timeout", "5s"));
        assertThat(p.websocket()).isEqualTo(new MqttxProperties.Websocket(true, 9001, "/ws", 0));
        assertThat(p.cluster().innerCacheConsistancyKey()).isEqualTo("k:consistency");
        assertThat(p.limits().maxPacketSize()).isEqualTo(DataSize.ofBytes(8092));
        assertThat(p.auth()).isEqualTo(new MqttxProperties.Auth(null, true, null, null, "http://auth.local/check",
                Duration.ofSeconds(5), Duration.ofSeconds(30), null, 32));
    }

    @Test
    void theSourceOfHigherPrecedenceWinsWhicheverSpellingItUses() throws IOException {
        List<ConfigurationPropertySource> sources = new ArrayList<>();
        sources.add(map("mqttx.max-bytes-in-message", "8092",
                "mqttx.cluster.inner-cache-consistency-key", "from-command-line"));
        sources.addAll(packagedYaml());
        MqttxProperties p = bind(sources.toArray(ConfigurationPropertySource[]::new));
        assertThat(p.limits().maxPacketSize()).isEqualTo(DataSize.ofBytes(8092));
        assertThat(p.cluster().innerCacheConsistancyKey()).isEqualTo("from-command-line");

        MqttxProperties q = bind(map("mqttx.limits.max-packet-size", "4KB"), map("mqttx.max-bytes-in-message", "99"));
        assertThat(q.limits().maxPacketSize()).isEqualTo(DataSize.ofKilobytes(4));
    }

    @Test
    void bothSpellingsInOneSourceAreRefusedAsAmbiguous() {
        assertThatThrownBy(() -> bind(map("mqttx.max-bytes-in-message", "8092",
                "mqttx.limits.max-packet-size", "1MB")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("mqttx.max-bytes-in-message and mqttx.limits.max-packet-size are both set");
    }

    @Test
    void anUnknownKeyIsRefusedNamingIt() {
        assertThatThrownBy(() -> bind(map("mqttx.auth.urll", "http://x", "mqttx.socket.prot", "1")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(line -> assertThat(line).startsWith("mqttx.auth.urll: unknown key"))
                        .anySatisfy(line -> assertThat(line).startsWith("mqttx.socket.prot: unknown key")));
    }

    @Test
    void keysOutsideTheMqttxPrefixAreNotOurs() {
        assertThat(bind(map("spring.main.banner-mode", "off", "mqttxx.foo", "1")).socket().port()).isEqualTo(1883);
    }

    @Test
    void mqttxKeysWeDoNotHaveAreRefusedOnlyWhenTheyWouldChangeBehaviour() {
        assertThatThrownBy(() -> bind(map("mqttx.ignore-client-self-pub", "true")))
                .hasMessageContaining("mqttx.ignore-client-self-pub=true: ")
                .hasMessageContaining("not available in this version");
        assertThatThrownBy(() -> bind(map("mqttx.rate-limiter.enable", "true")))
                .hasMessageContaining("mqttx.rate-limiter.enable=true: topic rate limiting is not available");
        MqttxProperties p = bind(map(
                "mqttx.ignore-client-self-pub", "false",
                "mqttx.rate-limiter.enable", "false",
                "mqttx.serialize-strategy", "kryo",
                "mqttx.redis.message-id-prefix", "mqttx:messageId:",
                "mqttx.sharable-payload.clean-work-interval", "1m"));
        assertThat(p.socket().port()).isEqualTo(1883);
    }

    @Test
    void aValueThatCannotBeReadIsRefusedNamingKeyAndValue() {
        assertThatThrownBy(() -> bind(map("mqttx.socket.port", "eighteen")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("mqttx.socket.port=eighteen");
        assertThatThrownBy(() -> bind(map("mqttx.share-topic.share-sub-strategy", "fastest")))
                .hasMessageStartingWith("mqttx.share-topic.share-sub-strategy=fastest");
    }

    @Test
    void aListFromAHigherSourceReplacesTheLowerOneWithoutLeftoversCountingAsUnknown() {
        MqttxProperties p = bind(map("mqttx.message-bridge.topics[0]", "x"),
                map("mqttx.message-bridge.topics[0]", "a", "mqttx.message-bridge.topics[1]", "b"));
        assertThat(p.messageBridge().topics()).containsExactly("x");
    }
}
