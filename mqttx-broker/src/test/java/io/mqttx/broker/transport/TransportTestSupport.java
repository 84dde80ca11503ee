package io.mqttx.broker.transport;

import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.security.AuthenticationResult;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.Credentials;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.TestBroker;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

/** What the transport tests share: brokers with given listeners, Paho options, an authenticator that records. */
final class TransportTestSupport {
    private TransportTestSupport() {
    }

    /** Lets everyone in and keeps what each client presented, in order. */
    static final class RecordingAuthenticator implements Authenticator {
        final BlockingQueue<Credentials> seen = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<AuthenticationResult> authenticate(Credentials credentials) {
            seen.add(credentials);
            return CompletableFuture.completedFuture(AuthenticationResult.ALLOWED);
        }
    }

    static TestBroker broker(ListenerConfig... listeners) {
        return broker(Authenticator.ALLOW_ALL, listeners);
    }

    static TestBroker broker(Authenticator authenticator, ListenerConfig... listeners) {
        return TestBroker.start(b -> b.listeners(List.of(listeners)), new MemoryBrokerStore(), authenticator,
                Authorizer.ALLOW_ALL);
    }

    /** MQTT 3.1.1, clean session, bounded connect; over TLS with {@code tls} when it is not null. */
    static MqttConnectOptions options(SSLContext tls) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setConnectionTimeout(5);
        o.setKeepAliveInterval(30);
        o.setAutomaticReconnect(false);
        if (tls != null) {
            o.setSocketFactory(tls.getSocketFactory());
        }
        return o;
    }

    static PahoClients.Client paho(String uri, String clientId, SSLContext tls) throws MqttException {
        return PahoClients.connect(uri, clientId, options(tls));
    }

    /** Subscribes {@code receiver} to a topic, publishes on it from {@code sender}, and returns what arrived. */
    static String roundTrip(PahoClients.Client sender, PahoClients.Client receiver, String topic, String payload)
            throws Exception {
        receiver.paho.subscribe(topic, 1);
        sender.publish(topic, payload, 1, false);
        PahoClients.Received r = receiver.next();
        if (!r.topic().equals(topic)) {
            throw new AssertionError("message on " + r.topic() + ", expected " + topic);
        }
        return r.text();
    }
}
