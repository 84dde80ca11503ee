package io.mqttx.server.config;

import io.mqttx.broker.config.BrokerConfig.ShareStrategy;
import io.mqttx.broker.config.TlsConfig.ClientAuth;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code mqttx.}, as the user wrote it: MQTTX's keys (DESIGN.md section 4) and mqttx's own. Bound by
 * {@link MqttxPropertiesBinder}, which adds MQTTX's alternative spellings and refuses unknown keys;
 * {@link BrokerConfigFactory} turns it into the core's {@code BrokerConfig}. The defaults here are the contract and
 * match {@code application.yml} (a test holds the two together). The README's Configuration table explains each key (a test checks each is there).
 *
 * <p>Spring compares names without dashes, so MQTTX's {@code web-socket.*} is the same key as {@code websocket.*}.
 *
 * @param version  null: the build's version
 * @param brokerId null or blank: a generated id
 */
@ConfigurationProperties(prefix = MqttxProperties.PREFIX)
public record MqttxProperties(
        String version,
        String brokerId,
        @DefaultValue("60s") Duration heartbeat,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("0.0.0.0") String host,
        @DefaultValue("512") int soBacklog,
        @DefaultValue("false") boolean enableTopicSubPubSecure,
        @DefaultValue("true") boolean enableInnerCache,
        @DefaultValue("false") boolean enableTestMode,
        @DefaultValue("true") boolean reasonStrings,
        @DefaultValue Redis redis,
        @DefaultValue Cluster cluster,
        @DefaultValue Ssl ssl,
        @DefaultValue Socket socket,
        @DefaultValue Websocket websocket,
        @DefaultValue ShareTopic shareTopic,
        @DefaultValue SysTopic sysTopic,
        @DefaultValue MessageBridge messageBridge,
        @DefaultValue Auth auth,
        @DefaultValue Acl acl,
        @DefaultValue Store store,
        @DefaultValue Limits limits,
        @DefaultValue Session session) {

    public static final String PREFIX = "mqttx";

    /** Names of Redis keys, for the Redis store and cluster bus (not built yet). */
    public record Redis(
            @DefaultValue("mqttx.session.key") String clusterSessionHashKey,
            @DefaultValue("mqttx:topic:") String topicPrefix,
            @DefaultValue("mqttx:retain:") String retainMessagePrefix,
            @DefaultValue("mqttx:client:pubmsg:") String pubMsgSetPrefix,
            @DefaultValue("mqttx:client:pubrelmsg:") String pubRelMsgSetPrefix,
            @DefaultValue("mqttx:alltopic") String topicSetKey) {
    }

    public enum ClusterType { REDIS, KAFKA }

    /** Clustering; {@code enable=true} is refused until a cluster bus is built. */
    public record Cluster(
            @DefaultValue("false") boolean enable,
            @DefaultValue("redis") ClusterType type,
            @DefaultValue("mqttx:cache_consistence") String innerCacheConsistancyKey) {
    }

    /**
     * TLS: a TLS listener on {@code port} next to the plain one, and WSS instead of WS on the WebSocket port.
     *
     * @param keyStoreLocation   {@code classpath:...}, {@code file:...} or a file path
     * @param trustStoreLocation null: the JDK's default trust store verifies client certificates
     * @param ciphers            empty: the JDK's defaults
     */
    public record Ssl(
            @DefaultValue("false") boolean enable,
            @DefaultValue("8883") int port,
            @DefaultValue("NONE") ClientAuth clientAuth,
            String keyStoreLocation,
            String keyStorePassword,
            @DefaultValue("pkcs12") String keyStoreType,
            String trustStoreLocation,
            String trustStorePassword,
            @DefaultValue({"TLSv1.3", "TLSv1.2"}) List<String> protocols,
            @DefaultValue List<String> ciphers,
            @DefaultValue("false") boolean cnAsUsername,
            @DefaultValue("0") int maxConnections) {
    }

    /** {@code maxConnections} here and on the other listeners: 0 for none but {@code limits.max-connections}. */
    public record Socket(
            @DefaultValue("true") boolean enable,
            @DefaultValue("1883") int port,
            @DefaultValue("0") int maxConnections) {
    }

    public record Websocket(
            @DefaultValue("false") boolean enable,
            @DefaultValue("8083") int port,
            @DefaultValue("/mqtt") String path,
            @DefaultValue("0") int maxConnections) {
    }

    public record ShareTopic(
            @DefaultValue("true") boolean enable,
            @DefaultValue("round") ShareStrategy shareSubStrategy) {
    }

    public record SysTopic(
            @DefaultValue("false") boolean enable,
            @DefaultValue("60s") Duration interval,
            @DefaultValue("0") int qos) {
    }

    /** The MQTT to Kafka bridge; {@code enable=true} is refused until it is built. */
    public record MessageBridge(
            @DefaultValue("false") boolean enable,
            @DefaultValue List<String> topics) {
    }

    /**
     * Authentication: a password file or MQTTX's HTTP hook, SCRAM-SHA-256 for MQTT 5 clients, and whether clients
     * without a username are let in. {@code SecurityFactory} builds it; null means not set.
     *
     * @param anonymous    let clients without a username in. Unset: yes while nothing authenticates (with a warning),
     *                     no as soon as a password file, SCRAM file or URL is configured
     * @param isMandatory  MQTTX's spelling of the opposite: true = anonymous clients are refused
     * @param passwordFile users and password hashes, made with {@code java -jar mqttx.jar passwd FILE USER}
     * @param scramFile    SCRAM-SHA-256 credentials (MQTT 5 enhanced authentication), made with
     *                     {@code java -jar mqttx.jar passwd --scram FILE USER}
     * @param url          the HTTP authentication hook (POST of client id, username, password)
     * @param timeout      the hook's whole-request deadline
     * @param cacheTtl     how long a successful check is remembered (0: never)
     * @param hashThreads  threads checking password hashes; null: half the cores, at least 1
     * @param hashQueue    checks waiting for a thread before clients are refused with "server busy"
     */
    public record Auth(
            Boolean anonymous,
            Boolean isMandatory,
            String passwordFile,
            String scramFile,
            String url,
            @DefaultValue("3s") Duration timeout,
            @DefaultValue("30s") Duration cacheTtl,
            Integer hashThreads,
            @DefaultValue("32") int hashQueue) {
    }

    /**
     * Topic rights, enforced when {@code enable-topic-sub-pub-secure} is true.
     *
     * @param file Mosquitto-style ACL file (topic, pattern, user and client blocks)
     */
    public record Acl(String file) {
    }

    public enum StoreType { EMBEDDED, MEMORY }

    /**
     * @param path directory of the embedded store
     * @param sync false: the write-ahead log is written but not fsynced (a process crash loses nothing, a power
     *             loss may lose the last writes); true: fsync, with writes grouped into one fsync
     */
    public record Store(
            @DefaultValue("embedded") StoreType type,
            @DefaultValue("./data") String path,
            @DefaultValue("false") boolean sync) {
    }

    /** One key per field of the core's {@code BrokerConfig.Limits}, with its defaults. */
    public record Limits(
            @DefaultValue("1MB") DataSize maxPacketSize,
            @DefaultValue("256") int maxClientIdLength,
            @DefaultValue("128") int maxTopicLevels,
            @DefaultValue("32") int maxInflight,
            @DefaultValue("1000") int maxQueuedMessages,
            @DefaultValue("100") int maxAwaitingRel,
            @DefaultValue("65535") int maxKeepAlive,
            @DefaultValue("100") int receiveMaximum,
            @DefaultValue("10") int topicAliasMaximum,
            @DefaultValue("10") int outboundTopicAliasMaximum,
            @DefaultValue("0") int maxConnections,
            @DefaultValue("10000") int maxConnectionRate,
            @DefaultValue("0") int maxPublishRate) {
    }

    public record Session(
            @DefaultValue("7d") Duration persistentExpiry,
            @DefaultValue("7d") Duration maxExpiry) {
    }
}
