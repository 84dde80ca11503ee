package io.mqttx.bench;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * {@code e2e} and {@code fanout}: publishers and subscribers in one process, every message
 * numbered and time-stamped so delivery latency, loss, duplicates and reordering can be counted.
 *
 * @param count         messages per publisher
 * @param ratePerSecond total publish rate over all publishers; 0 publishes as fast as the window allows
 * @param timeout       the whole measured phase must finish within this
 * @param stallTimeout  give up waiting for missing messages once nothing has arrived for this long
 * @param warmupCount   the first messages of each publisher are checked for loss but left out of the
 *                      latency percentiles: they mostly measure this JVM compiling its own hot paths
 */
public record E2eSettings(
        ClientSettings client,
        Topology topology,
        int publishers,
        int subscribers,
        int count,
        int size,
        int qos,
        int inflight,
        double ratePerSecond,
        String topic,
        Duration timeout,
        Duration stallTimeout,
        int warmupCount,
        OptionalLong brokerPid) {

    public E2eSettings {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(brokerPid, "brokerPid");
        ClientSettings.require(publishers >= 1, "publishers must be at least 1");
        ClientSettings.require(subscribers >= 1, "subscribers must be at least 1");
        ClientSettings.require(topology != Topology.FANOUT || publishers == 1, "fanout has exactly one publisher");
        ClientSettings.require(count >= 0, "count must not be negative");
        ClientSettings.require(size >= Payload.HEADER_BYTES && size <= 256 * 1024 * 1024,
                "size must be at least " + Payload.HEADER_BYTES + " bytes: the payload carries publisher, sequence and time");
        ClientSettings.require(qos >= 0 && qos <= 2, "qos must be 0, 1 or 2");
        ClientSettings.require(inflight >= 1 && inflight <= 65535, "inflight must be 1..65535");
        ClientSettings.require(warmupCount >= 0, "warm-up count must not be negative");
        ClientSettings.require(ratePerSecond >= 0, "rate must not be negative");
        ClientSettings.require(!topic.isEmpty() && !topic.contains("#") && !topic.contains("+"),
                "topic must be a non-empty name without wildcards");
    }

    public String mode() {
        return topology == Topology.FANOUT ? "fanout" : "e2e";
    }
}
