package io.mqttx.bench;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * {@code conn}: open {@code clients} connections, time each CONNACK, optionally hold them idle.
 *
 * @param hold        how long to keep the connections open once all are up (0: close at once)
 * @param maxFailures stop opening connections after this many failed; a broker or the machine at
 *                    its limit would otherwise make each remaining client wait out its timeout
 */
public record ConnSettings(
        ClientSettings client,
        int clients,
        Duration hold,
        int maxFailures,
        OptionalLong brokerPid) {

    public ConnSettings {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(hold, "hold");
        Objects.requireNonNull(brokerPid, "brokerPid");
        ClientSettings.require(clients >= 1, "clients must be at least 1");
        ClientSettings.require(maxFailures >= 0, "max failures must not be negative");
    }
}
