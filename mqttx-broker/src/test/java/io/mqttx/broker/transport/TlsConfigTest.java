package io.mqttx.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.config.TlsConfig;
import io.mqttx.broker.config.TlsConfig.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS settings that must be refused before a listener opens, and the ways a key store is found. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsConfigTest {
    private Path dir;
    private TestPki pki;
    private Path serverP12;

    @BeforeAll
    void pki(@TempDir Path dir) throws Exception {
        this.dir = dir;
        pki = TestPki.create(dir, "cfg");
        serverP12 = pki.keyStore(pki.server(), "server.p12", "PKCS12");
    }

    @Test
    void defaultsArePkcs12NoClientCertificatesAndTls13And12() {
        TlsConfig tls = TlsConfig.builder("server.p12", "pw").build();
        assertThat(tls.keyStoreType()).isEqualTo("PKCS12");
        assertThat(tls.clientAuth()).isEqualTo(ClientAuth.NONE);
        assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(tls.ciphers()).isEmpty();
        assertThat(tls.certificateCommonNameAsUsername()).isFalse();
        // a bound config may spell the type in lower case, as MQTTX's key-store-type: pkcs12 does
        assertThat(new TlsConfig("s.p12", "pw", "pkcs12", null, null, null, null, null, false).keyStoreType())
                .isEqualTo("PKCS12");
    }

    @ParameterizedTest(name = "protocol {0} is refused")
    @ValueSource(strings = {"TLSv1.1", "TLSv1", "SSLv3", "TLSv1.4"})
    void protocolsOlderThanTls12AreRefused(String protocol) {
        assertThatThrownBy(() -> TlsConfig.builder("s.p12", "pw").protocols(List.of("TLSv1.2", protocol)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(protocol);
    }

    @ParameterizedTest(name = "cipher suite {0} is refused")
    @ValueSource(strings = {"TLS_RSA_WITH_NULL_SHA256", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",
            "SSL_RSA_EXPORT_WITH_RC4_40_MD5", "TLS_ECDHE_ECDSA_WITH_NULL_SHA"})
    void nullAnonymousAndExportCipherSuitesAreRefused(String suite) {
        assertThatThrownBy(() -> TlsConfig.builder("s.p12", "pw")
                .ciphers(List.of("TLS_AES_128_GCM_SHA256", suite)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(suite);
    }

    @Test
    void clientCertificatesNeedATrustStoreAndTheCommonNameNeedsClientCertificates() {
        assertThatThrownBy(() -> TlsConfig.builder("s.p12", "pw").clientAuth(ClientAuth.REQUIRE).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trust store");
        assertThatThrownBy(() -> TlsConfig.builder("s.p12", "pw").clientAuth(ClientAuth.OPTIONAL).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trust store");
        assertThatThrownBy(() -> TlsConfig.builder("s.p12", "pw").certificateCommonNameAsUsername(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client-auth");
        assertThatThrownBy(() -> TlsConfig.builder(" ", "pw").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key store");
        assertThatThrownBy(() -> TlsConfig.builder("s.bks", "pw").keyStoreType("BKS").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BKS");
    }

    @Test
    void aKeyStoreIsReadFromAFileAsPkcs12OrJks() throws Exception {
        SslContext p12 = TlsContexts.forServer(TlsConfig.builder(serverP12.toString(), TestPki.PASSWORD).build());
        assertThat(p12.isServer()).isTrue();
        Path jks = pki.keyStore(pki.server(), "server.jks", "JKS");
        SslContext fromJks = TlsContexts.forServer(TlsConfig.builder(jks.toString(), TestPki.PASSWORD)
                .keyStoreType("JKS").build());
        assertThat(fromJks.isServer()).isTrue();
    }

    @Test
    void aClasspathKeyStoreIsReadThroughTheContextClassLoader() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
            thread.setContextClassLoader(loader);
            SslContext context = TlsContexts.forServer(
                    TlsConfig.builder("classpath:server.p12", TestPki.PASSWORD).build());
            assertThat(context.isServer()).isTrue();
            assertThatThrownBy(() -> TlsContexts.forServer(
                    TlsConfig.builder("classpath:missing.p12", TestPki.PASSWORD).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.p12");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void aBrokerWhoseKeyStoreCannotBeUsedDoesNotStart() throws Exception {
        TlsConfig wrongPassword = TlsConfig.builder(serverP12.toString(), "not-the-password").build();
        assertThatThrownBy(() -> TransportTestSupport.broker(ListenerConfig.tls("127.0.0.1", 0, wrongPassword)))
                .isInstanceOf(IllegalArgumentException.class);

        TlsConfig missingFile = TlsConfig.builder(dir.resolve("nope.p12").toString(), "pw").build();
        assertThatThrownBy(() -> TransportTestSupport.broker(ListenerConfig.tls("127.0.0.1", 0, missingFile)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.p12");

        Path trustOnly = pki.trustStore();
        TlsConfig noKey = TlsConfig.builder(trustOnly.toString(), TestPki.PASSWORD).build();
        assertThatThrownBy(() -> TlsContexts.forServer(noKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no private key");

        TlsConfig unknownSuites = TlsConfig.builder(serverP12.toString(), TestPki.PASSWORD)
                .ciphers(List.of("TLS_MADE_UP_WITH_AES_128_GCM_SHA256")).build();
        assertThatThrownBy(() -> TlsContexts.forServer(unknownSuites))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none of the cipher suites");
    }
}
