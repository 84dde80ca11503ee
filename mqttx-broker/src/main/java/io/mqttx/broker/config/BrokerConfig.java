package io.mqttx.broker.config;

import java.time.Duration;
import java.util.List;

/**
 * Everything the broker core is configured with. Immutable; the server module binds {@code application.yml} onto
 * it, tests build it with {@link #builder()}. Defaults are documented in the README's configuration table.
 *
 * <p>{@code reasonStrings}: whether MQTT 5 failure acknowledgements, refusing CONNACKs and server DISCONNECTs carry
 * a human-readable Reason String (default true). Off, the broker tells clients only reason codes, for deployments
 * that do not want to show clients why (the strings name topics and limits).
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
        SysTopics sysTopics,
        boolean topicAuthorization,
        boolean reasonStrings) {

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
     * @param outboundTopicAliasMaximum topic aliases the broker uses towards a client (MQTT 5), at most what the
     *                             client's CONNECT allows; 0 turns them off. Default 10: a client opts in by
     *                             sending a Topic Alias Maximum, the cost is a map of at most that many topic
     *                             references per connection, and a client that publishes on a few long topics
     *                             saves their bytes on every repeat
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
            int topicAliasMaximum,
            int outboundTopicAliasMaximum) {

        public static final int DEFAULT_OUTBOUND_TOPIC_ALIAS_MAXIMUM = 10;

        /** The limits without {@code outboundTopicAliasMaximum}, which takes its default. */
        public Limits(int maxPacketSize, int maxClientIdLength, int maxTopicLevels, int maxInflight,
                      int maxQueuedMessages, int maxAwaitingRel, int maxKeepAlive, int receiveMaximum,
                      int topicAliasMaximum) {
            this(maxPacketSize, maxClientIdLength, maxTopicLevels, maxInflight, maxQueuedMessages, maxAwaitingRel,
                    maxKeepAlive, receiveMaximum, topicAliasMaximum, DEFAULT_OUTBOUND_TOPIC_ALIAS_MAXIMUM);
        }

        public static Limits defaults() {
            return new Limits(1024 * 1024, 256, 128, 32, 1000, 100, 65535, 100, 10,
                    DEFAULT_OUTBOUND_TOPIC_ALIAS_MAXIMUM);
        }

        public Limits withOutboundTopicAliasMaximum(int maximum) {
            return new Limits(maxPacketSize, maxClientIdLength, maxTopicLevels, maxInflight, maxQueuedMessages,
                    maxAwaitingRel, maxKeepAlive, receiveMaximum, topicAliasMaximum, maximum);
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
        b.topicAuthorization = topicAuthorization;
        b.reasonStrings = reasonStrings;
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
        private boolean topicAuthorization;
        private boolean reasonStrings = true;

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
        public Builder topicAuthorization(boolean v) { topicAuthorization = v; return this; }
        public Builder reasonStrings(boolean v) { reasonStrings = v; return this; }

        public BrokerConfig build() {
            return new BrokerConfig(brokerId, version, listeners, soBacklog, connectTimeout, limits, sessions,
                    sharedSubscriptions, sysTopics, topicAuthorization, reasonStrings);
        }
    }
}
