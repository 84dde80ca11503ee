package io.mqttx.broker.sys;

/**
 * A client that connected or whose connection ended, as {@code $SYS/broker/clients/{clientId}/...} reports it.
 *
 * @param username        null when the client gave none
 * @param ip              the peer's address without port
 * @param protocolVersion the protocol level: 3 (3.1), 4 (3.1.1) or 5
 */
public record ClientEvent(String clientId, String username, String ip, int port, int protocolVersion) {
}
