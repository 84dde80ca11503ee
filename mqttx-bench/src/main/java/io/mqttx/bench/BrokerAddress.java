package io.mqttx.bench;

import java.net.URI;
import java.net.URISyntaxException;

/** Where the broker listens, from {@code tcp://host:port} (or ssl://, mqtts://, which imply TLS). */
public record BrokerAddress(String host, int port, boolean tls) {

    public static BrokerAddress parse(String text) {
        URI uri;
        try {
            uri = new URI(text.contains("://") ? text : "tcp://" + text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad broker address '" + text + "': " + e.getMessage(), e);
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean tls = switch (scheme) {
            case "tcp", "mqtt" -> false;
            case "ssl", "tls", "mqtts" -> true;
            default -> throw new IllegalArgumentException("unknown scheme '" + scheme + "' in " + text
                    + " (use tcp://, ssl:// or mqtts://)");
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in broker address " + text);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 8883 : 1883);
        return new BrokerAddress(uri.getHost(), port, tls);
    }

    public BrokerAddress withTls(boolean forceTls) {
        return forceTls && !tls ? new BrokerAddress(host, port, true) : this;
    }

    @Override
    public String toString() {
        return (tls ? "ssl://" : "tcp://") + host + ':' + port;
    }
}
