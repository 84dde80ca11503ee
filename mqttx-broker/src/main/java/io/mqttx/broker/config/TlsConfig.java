package io.mqttx.broker.config;

import java.util.List;

/**
 * TLS settings of a listener: a key store with the server's key and certificate chain, an optional trust store for
 * client certificates, and the client-certificate policy.
 */
public record TlsConfig(
        String keyStorePath,
        String keyStorePassword,
        String keyStoreType,
        String trustStorePath,
        String trustStorePassword,
        ClientAuth clientAuth,
        List<String> protocols,
        List<String> ciphers,
        boolean certificateCommonNameAsUsername) {

    public enum ClientAuth { NONE, OPTIONAL, REQUIRE }
}
