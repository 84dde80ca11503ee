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
        SysTopics sysTopics,
        Mqtt5 mqtt5) {

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
     * @param maxQueuedMessages    messages queued per session behind the in-flight window, or (QoS 0) behind a
     *                             connected client's full socket; beyond it the oldest queued message is dropped
     *                             and counted
     * @param maxAwaitingRel       inbound QoS 2 packet ids awaiting PUBREL per client
     * @param maxKeepAlive         seconds; a larger client keepalive is refused (3.1.1) or replaced (5)
     * @param receiveMaximum       QoS 1/2 publishes a client may have unacknowledged towards the broker (MQTT 5)
     * @param topicAliasMaximum    topic aliases a client may use towards the broker (MQTT 5)
     * @param maxConnections       open TCP connections over all listeners, 0 for no limit; a connection beyond it
     *                             is closed as it is accepted, before anything is read from it (a listener may
     *                             have a lower limit of its own, {@link ListenerConfig#maxConnections()})
     * @param maxConnectionRate    connections each listener accepts per second, with bursts of one second's worth,
     *                             0 for no limit; a connection beyond it is closed as it is accepted
     * @param maxPublishRate       PUBLISH packets per second one connection may send, with bursts of one second's
     *                             worth, 0 for no limit; a faster client is not read from until it is within the
     *                             rate again (TCP backpressure), so nothing it sent is dropped
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
            int maxConnections,
            int maxConnectionRate,
            int maxPublishRate) {

        /**
         * Connections per second per listener by default: several times what a benchmark's connection storm reaches
         * on a small machine, and enough for a fleet of 100,000 to reconnect within seconds, while a fleet stuck in
         * a reconnect loop without back-off cannot demand unbounded handshake work.
         */
        public static final int DEFAULT_MAX_CONNECTION_RATE = 10_000;

        public Limits {
            if (maxConnections < 0 || maxConnectionRate < 0 || maxPublishRate < 0) {
                throw new IllegalArgumentException("connection and rate limits must not be negative (0: no limit)");
            }
        }

        /** The protocol limits, with the connection and rate limits at their defaults. */
        public Limits(int maxPacketSize, int maxClientIdLength, int maxTopicLevels, int maxInflight,
                      int maxQueuedMessages, int maxAwaitingRel, int maxKeepAlive, int receiveMaximum,
                      int topicAliasMaximum) {
            this(maxPacketSize, maxClientIdLength, maxTopicLevels, maxInflight, maxQueuedMessages, maxAwaitingRel,
                    maxKeepAlive, receiveMaximum, topicAliasMaximum, 0, DEFAULT_MAX_CONNECTION_RATE, 0);
        }

        public static Limits defaults() {
            return new Limits(1024 * 1024, 256, 128, 32, 1000, 100, 65535, 100, 10);
        }

        public Limits withConnectionLimits(int connections, int connectionRate, int publishRate) {
            return new Limits(maxPacketSize, maxClientIdLength, maxTopicLevels, maxInflight, maxQueuedMessages,
                    maxAwaitingRel, maxKeepAlive, receiveMaximum, topicAliasMaximum, connections, connectionRate,
                    publishRate);
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

    /**
     * What the broker tells MQTT 5 clients beyond the protocol's minimum.
     *
     * @param outboundTopicAliasMaximum topic aliases the broker uses towards a client, at most what the client's
     *                                  CONNECT allows; 0 turns them off. Default 10: a client opts in by sending a
     *                                  Topic Alias Maximum, the cost is a map of at most that many references to
     *                                  topic strings per connection, and a client on a few long topics saves their
     *                                  bytes on every repeat
     * @param reasonStrings             whether failure acknowledgements, refusing CONNACKs and server DISCONNECTs
     *                                  carry a human-readable Reason String (default true); off, clients learn
     *                                  only reason codes, for deployments that do not want to show them why (the
     *                                  strings name topics and limits)
     */
    public record Mqtt5(int outboundTopicAliasMaximum, boolean reasonStrings) {
        public Mqtt5 {
            if (outboundTopicAliasMaximum < 0 || outboundTopicAliasMaximum > 65535) {
                throw new IllegalArgumentException("outbound topic alias maximum must be 0..65535");
            }
        }

        public static Mqtt5 defaults() {
            return new Mqtt5(10, true);
        }
    }

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
        b.mqtt5 = mqtt5;
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
        private Mqtt5 mqtt5 = Mqtt5.defaults();

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
        public Builder mqtt5(Mqtt5 v) { mqtt5 = v; return this; }

        public Builder reasonStrings(boolean v) {
            mqtt5 = new Mqtt5(mqtt5.outboundTopicAliasMaximum(), v);
            return this;
        }

        public Builder outboundTopicAliasMaximum(int v) {
            mqtt5 = new Mqtt5(v, mqtt5.reasonStrings());
            return this;
        }

        public BrokerConfig build() {
            return new BrokerConfig(brokerId, version, listeners, soBacklog, connectTimeout, limits, sessions,
                    sharedSubscriptions, sysTopics, mqtt5);
        }
    }
}
