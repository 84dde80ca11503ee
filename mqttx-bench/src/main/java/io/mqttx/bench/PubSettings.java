package io.mqttx.bench;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * {@code pub}: each of {@code clients} publishes {@code count} messages to its own topic.
 *
 * @param inflight unacknowledged QoS 1/2 messages each client may have; lowered to the broker's
 *                 MQTT 5 Receive Maximum when that is smaller
 * @param timeout  the whole measured phase must finish within this
 * @param stallTimeout give up when no acknowledgement arrives for this long
 */
public record PubSettings(
        ClientSettings client,
        int clients,
        int count,
        int size,
        int qos,
        int inflight,
        String topic,
        Duration timeout,
        Duration stallTimeout,
        OptionalLong brokerPid) {

    public PubSettings {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(brokerPid, "brokerPid");
        ClientSettings.require(clients >= 1, "clients must be at least 1");
        ClientSettings.require(count >= 0, "count must not be negative");
        ClientSettings.require(size >= 0 && size <= 256 * 1024 * 1024, "size must be 0..256 MiB");
        ClientSettings.require(qos >= 0 && qos <= 2, "qos must be 0, 1 or 2");
        ClientSettings.require(inflight >= 1 && inflight <= 65535, "inflight must be 1..65535");
        ClientSettings.require(!topic.isEmpty() && !topic.contains("#") && !topic.contains("+"),
                "topic must be a non-empty name without wildcards");
    }
}
