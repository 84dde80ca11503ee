package io.mqttx.bench;

import io.netty.handler.codec.mqtt.MqttVersion;
import java.time.Duration;
import java.util.Objects;

/**
 * How every client of a run connects: the parts shared by all modes.
 *
 * @param sourceAddresses local addresses to bind, spread round-robin over the clients; 0 binds
 *                        none (the kernel picks). Each local address has its own ~28k ephemeral
 *                        ports, which is what lets one process open more connections than that.
 */
public record ClientSettings(
        BrokerAddress broker,
        MqttVersion version,
        int keepAliveSeconds,
        boolean cleanSession,
        String username,
        String password,
        String clientIdPrefix,
        int threads,
        int connectConcurrency,
        double connectRatePerSecond,
        Duration connectTimeout,
        int sourceAddresses) {

    public ClientSettings {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clientIdPrefix, "clientIdPrefix");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (version != MqttVersion.MQTT_3_1_1 && version != MqttVersion.MQTT_5) {
            throw new IllegalArgumentException("only MQTT 3.1.1 and 5 are supported, not " + version);
        }
        require(keepAliveSeconds >= 0 && keepAliveSeconds <= 65535, "keepalive must be 0..65535");
        require(threads >= 1, "threads must be at least 1");
        require(connectConcurrency >= 1, "connect concurrency must be at least 1");
        require(connectRatePerSecond >= 0, "connect rate must not be negative");
        require(sourceAddresses >= 0 && sourceAddresses <= 250, "source addresses must be 0..250");
    }

    /** Defaults suited to a broker on this machine: plain TCP, MQTT 3.1.1, clean sessions. */
    public static ClientSettings defaults(BrokerAddress broker) {
        return new ClientSettings(broker, MqttVersion.MQTT_3_1_1, 60, true, null, null, "bench",
                Math.max(1, Runtime.getRuntime().availableProcessors()), 100, 0, Duration.ofSeconds(10), 0);
    }

    public ClientSettings withVersion(MqttVersion v) {
        return new ClientSettings(broker, v, keepAliveSeconds, cleanSession, username, password, clientIdPrefix,
                threads, connectConcurrency, connectRatePerSecond, connectTimeout, sourceAddresses);
    }

    public ClientSettings withSourceAddresses(int n) {
        return new ClientSettings(broker, version, keepAliveSeconds, cleanSession, username, password, clientIdPrefix,
                threads, connectConcurrency, connectRatePerSecond, connectTimeout, n);
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
