package io.mqttx.broker.config;

import java.time.Duration;
import java.util.List;

/**
 * Everything the broker core is configured with. Immutable; the server module binds {@code application.yml} onto
 * it, tests build it with {@link #builder()}. Defaults are documented in the README's configuration table.
 */
public record BrokerConfig(
        String brokerId,
        String version,
        List<ListenerConfig> listeners,
        int soBacklog,
        Duration connectTimeout,
        Limits limits,
        Sessions sessions,
        SharedSubscriptions sharedSubscriptions,
        SysTopics sysTopics) {

    public BrokerConfig {
        listeners = List.copyOf(listeners);
    }

    /**
     * Protocol and resource limits. Each is checked before memory is committed to the thing it limits.
     *
     * @param maxPacketSize        bytes of a whole packet a client may send, checked from the fixed header
     * @param maxClientIdLength    characters of a client identifier (longer ids get CONNACK 0x02 / 0x85)
     * @param maxTopicLevels       levels of a topic name or filter
     * @param maxInflight          unacknowledged QoS 1/2 messages sent to one client (MQTT 5 Receive Maximum caps it)
     * @param maxQueuedMessages    messages queued per session behind the in-flight window; beyond it the oldest
     *                             queued message is dropped and counted
     * @param maxAwaitingRel       inbound QoS 2 packet ids awaiting PUBREL per client
     * @param maxKeepAlive         seconds; a larger client keepalive is refused (3.1.1) or replaced (5)
     * @param receiveMaximum       QoS 1/2 publishes a client may have unacknowledged towards the broker (MQTT 5)
     * @param topicAliasMaximum    topic aliases a client may use towards the broker (MQTT 5)
     */
    public record Limits(
            int maxPacketSize,
            int maxClientIdLength,
            int maxTopicLevels,
            int maxInflight,
            int maxQueuedMessages,
            int maxAwaitingRel,
            int maxKeepAlive,
            int receiveMaximum,
            int topicAliasMaximum) {

        public static Limits defaults() {
            return new Limits(1024 * 1024, 256, 128, 32, 1000, 100, 65535, 100, 10);
        }
    }

    /**
     * @param persistentSessionExpiry how long an offline 3.1.1 persistent session (Clean Session 0) is kept;
     *                                MQTT 5 clients set their own Session Expiry Interval, capped by
     *                                {@code maxSessionExpiry}
     */
    public record Sessions(Duration persistentSessionExpiry, Duration maxSessionExpiry) {
        public static Sessions defaults() {
            return new Sessions(Duration.ofDays(7), Duration.ofDays(7));
        }
    }

    public record SharedSubscriptions(boolean enabled, ShareStrategy strategy) {
        public static SharedSubscriptions defaults() {
            return new SharedSubscriptions(true, ShareStrategy.ROUND);
        }
    }

    public enum ShareStrategy { ROUND, RANDOM, HASH }

    public record SysTopics(boolean enabled, Duration interval, int qos) {
        public static SysTopics defaults() {
            return new SysTopics(false, Duration.ofSeconds(60), 0);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.brokerId = brokerId;
        b.version = version;
        b.listeners = listeners;
        b.soBacklog = soBacklog;
        b.connectTimeout = connectTimeout;
        b.limits = limits;
        b.sessions = sessions;
        b.sharedSubscriptions = sharedSubscriptions;
        b.sysTopics = sysTopics;
        return b;
    }

    /** Builds a config from the defaults, overriding what is set. */
    public static final class Builder {
        private String brokerId = "mqttx";
        private String version = "dev";
        private List<ListenerConfig> listeners = List.of(ListenerConfig.tcp("0.0.0.0", 1883));
        private int soBacklog = 512;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Limits limits = Limits.defaults();
        private Sessions sessions = Sessions.defaults();
        private SharedSubscriptions sharedSubscriptions = SharedSubscriptions.defaults();
        private SysTopics sysTopics = SysTopics.defaults();

        private Builder() {
        }

        public Builder brokerId(String v) { brokerId = v; return this; }
        public Builder version(String v) { version = v; return this; }
        public Builder listeners(List<ListenerConfig> v) { listeners = v; return this; }
        public Builder soBacklog(int v) { soBacklog = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder limits(Limits v) { limits = v; return this; }
        public Builder sessions(Sessions v) { sessions = v; return this; }
        public Builder sharedSubscriptions(SharedSubscriptions v) { sharedSubscriptions = v; return this; }
        public Builder sysTopics(SysTopics v) { sysTopics = v; return this; }

        public BrokerConfig build() {
            return new BrokerConfig(brokerId, version, listeners, soBacklog, connectTimeout, limits, sessions,
                    sharedSubscriptions, sysTopics);
        }
    }
}
