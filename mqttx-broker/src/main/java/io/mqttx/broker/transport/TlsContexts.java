package io.mqttx.broker.transport;

import io.mqttx.broker.config.TlsConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a listener's server {@link SslContext} from its {@link TlsConfig}, once, when the listener binds: a key store
 * that cannot be read stops the broker from starting instead of failing every handshake later.
 *
 * <p>The JDK provider is used on purpose: it needs no native library, does TLS 1.3 on Java 17, and handshakes are a
 * small share of an MQTT broker's work (connections are long-lived).
 */
final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    private TlsContexts() {
    }

    static SslContext forServer(TlsConfig tls) {
        try {
            KeyStore keyStore = load(tls.keyStorePath(), tls.keyStorePassword(), tls.keyStoreType());
            if (!hasPrivateKey(keyStore)) {
                throw new IllegalArgumentException("key store " + tls.keyStorePath() + " holds no private key");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, chars(tls.keyStorePassword()));

            SslContextBuilder builder = SslContextBuilder.forServer(kmf)
                    .sslProvider(SslProvider.JDK)
                    .protocols(tls.protocols())
                    .clientAuth(clientAuth(tls.clientAuth()));
            if (!tls.ciphers().isEmpty()) {
                builder.ciphers(tls.ciphers(), SupportedCipherSuiteFilter.INSTANCE);
            }
            if (tls.clientAuth() != TlsConfig.ClientAuth.NONE) {
                KeyStore trustStore = load(tls.trustStorePath(), tls.trustStorePassword(), tls.keyStoreType());
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore);
                builder.trustManager(tmf);
            }
            SslContext context = builder.build();
            checkCiphers(tls, context.cipherSuites());
            return context;
        } catch (SSLException | GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS setup from " + tls.keyStorePath() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read a key store: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a key store from {@code classpath:...} (through the thread's context class loader, which in a packaged
     * application is the one that sees the application's resources) or from a file.
     */
    static KeyStore load(String location, String password, String type) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = open(location)) {
            store.load(in, password == null ? null : password.toCharArray());
        }
        return store;
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith(TlsConfig.CLASSPATH_PREFIX)) {
            String resource = location.substring(TlsConfig.CLASSPATH_PREFIX.length());
            resource = resource.startsWith("/") ? resource.substring(1) : resource;
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                loader = TlsContexts.class.getClassLoader();
            }
            InputStream in = loader.getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("no " + resource + " on the class path");
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }

    private static boolean hasPrivateKey(KeyStore store) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    /** The configured list passed the config's checks; this makes sure the JDK knew at least one of them. */
    private static void checkCiphers(TlsConfig tls, List<String> enabled) {
        for (String suite : enabled) {
            if (TlsConfig.isInsecureCipher(suite)) {
                throw new IllegalArgumentException("insecure cipher suite " + suite + " would be enabled");
            }
        }
        if (tls.ciphers().isEmpty()) {
            return;
        }
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("none of the cipher suites " + tls.ciphers() + " is supported");
        }
        List<String> unknown = new ArrayList<>(tls.ciphers());
        unknown.removeAll(enabled);
        if (!unknown.isEmpty()) {
            log.warn("cipher suites not supported by this JVM, left out: {}", unknown);
        }
    }

    private static ClientAuth clientAuth(TlsConfig.ClientAuth auth) {
        switch (auth) {
            case OPTIONAL:
                return ClientAuth.OPTIONAL;
            case REQUIRE:
                return ClientAuth.REQUIRE;
            default:
                return ClientAuth.NONE;
        }
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }
}
