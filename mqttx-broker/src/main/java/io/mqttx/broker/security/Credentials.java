package io.mqttx.broker.security;

import io.mqttx.broker.protocol.ProtocolVersion;
import java.net.SocketAddress;

/**
 * What a client presents when it connects.
 *
 * @param username              null when the CONNECT has none
 * @param password              null when the CONNECT has none
 * @param certificateCommonName CN of a verified TLS client certificate, or null
 */
public record Credentials(String clientId, String username, byte[] password, ProtocolVersion protocolVersion,
                          SocketAddress remoteAddress, String certificateCommonName) {
}
