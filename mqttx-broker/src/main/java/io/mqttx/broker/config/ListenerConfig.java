package io.mqttx.broker.config;

import java.util.List;

/**
 * One network listener. Port 0 binds an ephemeral port (tests); the bound port is reported by the broker. A TLS port
 * beside a plain one (8883 beside 1883) is simply another listener.
 *
 * @param name           unique among the broker's listeners; {@code MqttBroker.port(name)} finds its port
 * @param path           the HTTP path of a WebSocket listener (default {@code /mqtt}); ignored for TCP
 * @param tls            null for a plain listener
 * @param allowedOrigins WebSocket only: the {@code Origin} header values (e.g. {@code https://app.example.com})
 *                       whose pages may connect; empty allows every origin. A handshake without an Origin header
 *                       (every non-browser client) is not checked: the header guards against other sites' pages in
 *                       a user's browser, and anyone else can forge it anyway
 * @param maxConnections open connections on this listener, 0 for none but the broker's own limit
 *                       ({@code BrokerConfig.Limits.maxConnections}); beyond it a new connection is closed as it is
 *                       accepted. Keeps one listener (say a public WebSocket port) from taking every connection
 */
public record ListenerConfig(String name, Transport transport, String host, int port, String path, TlsConfig tls,
                             List<String> allowedOrigins, int maxConnections) {

    public enum Transport { TCP, WEBSOCKET }

    public static final String DEFAULT_WEBSOCKET_PATH = "/mqtt";

    public ListenerConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a listener needs a name");
        }
        if (transport == null) {
            throw new IllegalArgumentException("listener '" + name + "' needs a transport");
        }
        if (transport == Transport.WEBSOCKET) {
            path = path == null || path.isBlank() ? DEFAULT_WEBSOCKET_PATH : path;
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("listener '" + name + "': WebSocket path " + path
                        + " must start with /");
            }
        }
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        if (maxConnections < 0) {
            throw new IllegalArgumentException("listener '" + name + "': maxConnections " + maxConnections
                    + " is negative (0: no limit of its own)");
        }
    }

    public ListenerConfig(String name, Transport transport, String host, int port, String path, TlsConfig tls,
                          List<String> allowedOrigins) {
        this(name, transport, host, port, path, tls, allowedOrigins, 0);
    }

    public ListenerConfig(String name, Transport transport, String host, int port, String path, TlsConfig tls) {
        this(name, transport, host, port, path, tls, List.of());
    }

    public static ListenerConfig tcp(String host, int port) {
        return new ListenerConfig("tcp", Transport.TCP, host, port, null, null);
    }

    /** MQTT over TLS, named {@code tls}. */
    public static ListenerConfig tls(String host, int port, TlsConfig tls) {
        return new ListenerConfig("tls", Transport.TCP, host, port, null, tls);
    }

    public static ListenerConfig websocket(String host, int port, String path) {
        return new ListenerConfig("ws", Transport.WEBSOCKET, host, port, path, null);
    }

    /** MQTT over WebSocket over TLS, named {@code wss}. */
    public static ListenerConfig secureWebsocket(String host, int port, String path, TlsConfig tls) {
        return new ListenerConfig("wss", Transport.WEBSOCKET, host, port, path, tls);
    }

    public ListenerConfig withName(String newName) {
        return new ListenerConfig(newName, transport, host, port, path, tls, allowedOrigins, maxConnections);
    }

    public ListenerConfig withTls(TlsConfig newTls) {
        return new ListenerConfig(name, transport, host, port, path, newTls, allowedOrigins, maxConnections);
    }

    public ListenerConfig withAllowedOrigins(List<String> origins) {
        return new ListenerConfig(name, transport, host, port, path, tls, origins, maxConnections);
    }

    public ListenerConfig withMaxConnections(int max) {
        return new ListenerConfig(name, transport, host, port, path, tls, allowedOrigins, max);
    }
}
