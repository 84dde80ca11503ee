package io.mqttx.broker.store;

import io.mqttx.broker.protocol.ProtocolVersion;

/**
 * What survives of a persistent session between connections, apart from its subscriptions and messages.
 *
 * @param expiryIntervalSeconds how long the session outlives its connection; {@code 0xFFFFFFFFL} never expires
 * @param disconnectedAtMillis  wall-clock time the session went offline, or 0 while it is connected
 */
public record SessionState(String clientId, ProtocolVersion protocolVersion, long expiryIntervalSeconds,
                           long disconnectedAtMillis) {
}
