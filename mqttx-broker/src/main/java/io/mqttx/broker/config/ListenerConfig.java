package io.mqttx.broker.config;

/**
 * One network listener. Port 0 binds an ephemeral port (tests); the bound port is reported by the broker.
 *
 * @param path the HTTP path of a WebSocket listener; ignored for TCP
 * @param tls  null for a plain listener
 */
public record ListenerConfig(String name, Transport transport, String host, int port, String path, TlsConfig tls) {

    public enum Transport { TCP, WEBSOCKET }

    public static ListenerConfig tcp(String host, int port) {
        return new ListenerConfig("tcp", Transport.TCP, host, port, null, null);
    }

    public static ListenerConfig websocket(String host, int port, String path) {
        return new ListenerConfig("ws", Transport.WEBSOCKET, host, port, path, null);
    }
}
