package io.mqttx.broker.transport;

import static io.mqttx.broker.transport.TransportTestSupport.broker;
import static io.mqttx.broker.transport.TransportTestSupport.paho;
import static io.mqttx.broker.transport.TransportTestSupport.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.config.TlsConfig;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** MQTT over TLS: the handshake, protocol versions and cipher suites a listener accepts, and what it refuses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsListenerTest {
    private TestPki pki;
    private TlsConfig tls;
    private SSLContext client;

    @BeforeAll
    void pki(@TempDir Path dir) throws Exception {
        pki = TestPki.create(dir, "tls");
        tls = pki.serverTls().build();
        client = pki.clientContext(null);
    }

    @Test
    void pahoRoundTripOverTlsBesideAPlainListener() throws Exception {
        try (TestBroker b = broker(ListenerConfig.tcp("127.0.0.1", 0), ListenerConfig.tls("127.0.0.1", 0, tls));
             Client overTls = paho("ssl://127.0.0.1:" + b.broker().port("tls"), "tls-client", client);
             Client plain = paho("tcp://127.0.0.1:" + b.broker().port("tcp"), "plain-client", null)) {
            assertThat(roundTrip(plain, overTls, "t/tls", "from plain to tls")).isEqualTo("from plain to tls");
            assertThat(roundTrip(overTls, plain, "t/plain", "from tls to plain")).isEqualTo("from tls to plain");
        }
    }

    @Test
    void negotiatesTls13ByDefaultAndAcceptsTls12() throws Exception {
        try (TestBroker b = broker(ListenerConfig.tls("127.0.0.1", 0, tls))) {
            try (SSLSocket byDefault = handshake(b.port(), null, null);
                 SSLSocket tls12 = handshake(b.port(), new String[] {"TLSv1.2"}, null)) {
                assertThat(byDefault.getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(tls12.getSession().getProtocol()).isEqualTo("TLSv1.2");
            }
        }
    }

    @Test
    void aClientOfferingOnlyTls11IsRefusedAndOthersAreStillServed() throws Exception {
        try (TestBroker b = broker(ListenerConfig.tls("127.0.0.1", 0, tls));
             RawClient raw = new RawClient(b.port())) {
            // the JDK client cannot even send a TLS 1.1 hello (disabled in java.security), so it is written by hand
            raw.send(tls11ClientHello());
            String reply = raw.readUntilClosed(Duration.ofSeconds(5));
            // one alert record (0x15, length 2): fatal (2), protocol_version (70 = 0x46); no ServerHello
            assertThat(reply).matches("1503..00020246");

            try (Client ok = paho("ssl://127.0.0.1:" + b.port(), "after-tls11", client)) {
                assertThat(roundTrip(ok, ok, "t/after", "still serving")).isEqualTo("still serving");
            }
        }
    }

    @Test
    void configuredProtocolsAreEnforced() throws Exception {
        TlsConfig only13 = pki.serverTls().protocols(List.of("TLSv1.3")).build();
        try (TestBroker b = broker(ListenerConfig.tls("127.0.0.1", 0, only13))) {
            assertThatThrownBy(() -> handshake(b.port(), new String[] {"TLSv1.2"}, null))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("protocol_version");
            try (SSLSocket socket = handshake(b.port(), null, null)) {
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
    }

    @Test
    void configuredCipherSuitesAreTheOnlyOnesNegotiated() throws Exception {
        String chosen = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
        TlsConfig oneSuite = pki.serverTls().protocols(List.of("TLSv1.2")).ciphers(List.of(chosen)).build();
        try (TestBroker b = broker(ListenerConfig.tls("127.0.0.1", 0, oneSuite))) {
            try (SSLSocket socket = handshake(b.port(), null, null)) {
                assertThat(socket.getSession().getCipherSuite()).isEqualTo(chosen);
            }
            assertThatThrownBy(() -> handshake(b.port(), null,
                    new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("handshake_failure");
        }
    }

    @Test
    void aPlainMqttClientOnTheTlsPortIsClosedWithoutAnMqttReply() throws Exception {
        try (TestBroker b = broker(ListenerConfig.tls("127.0.0.1", 0, tls));
             RawClient raw = new RawClient(b.port())) {
            raw.send("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00");
            String reply = raw.readUntilClosed(Duration.ofSeconds(5));
            assertThat(reply).doesNotStartWith("20"); // never a CONNACK
            assertThat(b.broker().sessionCount()).isZero();
        }
    }

    /** A completed handshake from a JDK client that trusts the test CA, with the given protocols and suites. */
    private SSLSocket handshake(int port, String[] protocols, String[] suites) throws Exception {
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        if (protocols != null) {
            socket.setEnabledProtocols(protocols);
        }
        if (suites != null) {
            socket.setEnabledCipherSuites(suites);
        }
        try {
            socket.startHandshake();
        } catch (Exception e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** A TLS 1.1 ClientHello offering TLS 1.1 CBC suites only, as an old client sends it. */
    private static byte[] tls11ClientHello() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x03, 0x02}); // client_version TLS 1.1
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0); // no session id
        byte[] suites = {(byte) 0xC0, 0x09, (byte) 0xC0, 0x13, 0x00, 0x2F, 0x00, 0x35};
        body.write(0);
        body.write(suites.length);
        body.writeBytes(suites);
        body.writeBytes(new byte[] {0x01, 0x00}); // compression: null only
        byte[] extensions = {
                0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17, // supported_groups: secp256r1
                0x00, 0x0b, 0x00, 0x02, 0x01, 0x00};             // ec_point_formats: uncompressed
        body.write(0);
        body.write(extensions.length);
        body.writeBytes(extensions);
        byte[] hello = body.toByteArray();

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        int handshakeLength = hello.length + 4;
        record.writeBytes(new byte[] {0x16, 0x03, 0x01, (byte) (handshakeLength >> 8), (byte) handshakeLength});
        record.writeBytes(new byte[] {0x01, 0x00, (byte) (hello.length >> 8), (byte) hello.length});
        record.writeBytes(hello);
        return record.toByteArray();
    }
}
