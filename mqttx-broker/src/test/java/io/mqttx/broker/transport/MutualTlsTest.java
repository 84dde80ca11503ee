package io.mqttx.broker.transport;

import static io.mqttx.broker.transport.TransportTestSupport.options;
import static io.mqttx.broker.transport.TransportTestSupport.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.config.TlsConfig;
import io.mqttx.broker.config.TlsConfig.ClientAuth;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.ClientIdentity;
import io.mqttx.broker.security.Credentials;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.TestBroker;
import io.mqttx.broker.transport.TransportTestSupport.RecordingAuthenticator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client certificates: REQUIRE and OPTIONAL, certificates refused in the handshake, and the CN as username. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualTlsTest {
    private TestPki pki;
    private SSLContext validClient;
    private SSLContext expiredClient;
    private SSLContext wrongCaClient;
    private SSLContext noCertificate;

    @BeforeAll
    void pki(@TempDir Path dir) throws Exception {
        pki = TestPki.create(dir, "main");
        TestPki otherCa = TestPki.create(dir, "other");
        validClient = pki.clientContext(pki.client("device-1"));
        expiredClient = pki.clientContext(pki.expiredClient("device-2"));
        // trusts the broker's CA but presents a certificate from a CA the broker does not know
        wrongCaClient = pki.clientContext(otherCa.client("device-3"));
        noCertificate = pki.clientContext(null);
    }

    private TestBroker broker(RecordingAuthenticator auth, Authorizer authorizer, TlsConfig tls) {
        return TestBroker.start(b -> b.listeners(List.of(ListenerConfig.tls("127.0.0.1", 0, tls))),
                new MemoryBrokerStore(), auth, authorizer);
    }

    private static String uri(TestBroker b) {
        return "ssl://127.0.0.1:" + b.port();
    }

    private static Client connect(TestBroker b, String clientId, SSLContext tls, String username)
            throws MqttException {
        MqttConnectOptions o = options(tls);
        if (username != null) {
            o.setUserName(username);
            o.setPassword("pw".toCharArray());
        }
        return PahoClients.connect(uri(b), clientId, o);
    }

    @Test
    void requireAcceptsAValidCertificateAndTellsTheAuthenticatorItsCommonName() throws Exception {
        RecordingAuthenticator auth = new RecordingAuthenticator();
        TlsConfig tls = pki.serverTls().clientAuth(ClientAuth.REQUIRE).build();
        try (TestBroker b = broker(auth, Authorizer.ALLOW_ALL, tls);
             Client c = connect(b, "device-1", validClient, "alice")) {
            assertThat(roundTrip(c, c, "t/mtls", "hello")).isEqualTo("hello");
            Credentials seen = auth.seen.poll();
            assertThat(seen).isNotNull();
            assertThat(seen.certificateCommonName()).isEqualTo("device-1");
            // the listener does not map the CN to the username: the CONNECT's stands
            assertThat(seen.username()).isEqualTo("alice");
        }
    }

    @ParameterizedTest(name = "REQUIRE refuses a client with {0} in the handshake")
    @ValueSource(strings = {"an expired certificate", "a certificate from another CA", "no certificate"})
    void requireRefusesBadCertificatesInTheHandshakeAndKeepsServingOthers(String which) throws Exception {
        SSLContext bad = which.startsWith("an expired") ? expiredClient
                : which.startsWith("a certificate from") ? wrongCaClient : noCertificate;
        RecordingAuthenticator auth = new RecordingAuthenticator();
        TlsConfig tls = pki.serverTls().clientAuth(ClientAuth.REQUIRE).build();
        try (TestBroker b = broker(auth, Authorizer.ALLOW_ALL, tls);
             Client subscriber = connect(b, "subscriber", validClient, null)) {
            subscriber.paho.subscribe("t/still", 1);

            assertThatThrownBy(() -> connect(b, "intruder", bad, null)).isInstanceOf(MqttException.class);

            try (Client publisher = connect(b, "publisher", validClient, null)) {
                publisher.publish("t/still", "served", 1, false);
                assertThat(subscriber.next().text()).isEqualTo("served");
            }
            // refused by TLS before any MQTT: the authenticator never heard of the intruder
            assertThat(auth.seen).extracting(Credentials::clientId).containsExactly("subscriber", "publisher");
        }
    }

    @Test
    void optionalAcceptsClientsWithoutACertificateAndVerifiesThoseThatSendOne() throws Exception {
        RecordingAuthenticator auth = new RecordingAuthenticator();
        TlsConfig tls = pki.serverTls().clientAuth(ClientAuth.OPTIONAL).build();
        try (TestBroker b = broker(auth, Authorizer.ALLOW_ALL, tls);
             Client anonymous = connect(b, "no-cert", noCertificate, null);
             Client device = connect(b, "device-1", validClient, null)) {
            assertThat(roundTrip(anonymous, device, "t/opt", "either way")).isEqualTo("either way");
            assertThat(auth.seen.poll().certificateCommonName()).isNull();
            assertThat(auth.seen.poll().certificateCommonName()).isEqualTo("device-1");
            // a certificate that is sent is verified even when none is required
            assertThatThrownBy(() -> connect(b, "intruder", wrongCaClient, null)).isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> connect(b, "late", expiredClient, null)).isInstanceOf(MqttException.class);
        }
    }

    @Test
    void theCommonNameReplacesTheConnectUsernameForAuthenticationAndAuthorization() throws Exception {
        RecordingAuthenticator auth = new RecordingAuthenticator();
        RecordingAuthorizer authorizer = new RecordingAuthorizer();
        TlsConfig tls = pki.serverTls().clientAuth(ClientAuth.REQUIRE).certificateCommonNameAsUsername(true).build();
        try (TestBroker b = broker(auth, authorizer, tls);
             Client c = connect(b, "device-1", validClient, "mallory")) {
            Credentials seen = auth.seen.poll();
            assertThat(seen.username()).isEqualTo("device-1");
            assertThat(seen.certificateCommonName()).isEqualTo("device-1");
            assertThat(seen.password()).containsExactly("pw".getBytes(StandardCharsets.UTF_8));

            c.paho.subscribe("t/cn", 1);
            ClientIdentity identity = authorizer.subscribers.poll(5, TimeUnit.SECONDS);
            assertThat(identity).isNotNull();
            assertThat(identity.username()).isEqualTo("device-1");
        }
    }

    @Test
    void withTheCommonNameAsUsernameAClientWithoutCertificateIsAnonymousWhateverItsConnectSays()
            throws Exception {
        RecordingAuthenticator auth = new RecordingAuthenticator();
        TlsConfig tls = pki.serverTls().clientAuth(ClientAuth.OPTIONAL).certificateCommonNameAsUsername(true)
                .build();
        try (TestBroker b = broker(auth, Authorizer.ALLOW_ALL, tls);
             Client c = connect(b, "pretender", noCertificate, "device-1")) {
            assertThat(c.paho.isConnected()).isTrue();
            Credentials seen = auth.seen.poll();
            assertThat(seen.username()).isNull();
            assertThat(seen.certificateCommonName()).isNull();
        }
    }

    /** Grants everything and keeps who asked to subscribe. */
    private static final class RecordingAuthorizer implements Authorizer {
        final BlockingQueue<ClientIdentity> subscribers = new LinkedBlockingQueue<>();

        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
            return true;
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String topicFilter) {
            subscribers.add(client);
            return true;
        }
    }
}
