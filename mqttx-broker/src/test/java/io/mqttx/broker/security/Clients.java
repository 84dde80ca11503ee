package io.mqttx.broker.security;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

/** Eclipse Paho (3.1.1) and HiveMQ (5) clients reduced to what the security tests look at: reason codes. */
final class Clients {
    private Clients() {
    }

    // ---------------------------------------------------------------- MQTT 3.1.1 (Paho)

    static PahoClients.Client v3(TestBroker broker, String clientId, String username, String password)
            throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (username != null) {
            options.setUserName(username);
        }
        if (password != null) {
            options.setPassword(password.toCharArray());
        }
        return PahoClients.connect(broker.uri(), clientId, options);
    }

    /** The CONNACK return code: 0 if the client got in (it is disconnected again). */
    static int v3ConnectCode(TestBroker broker, String clientId, String username, String password) {
        try (PahoClients.Client c = v3(broker, clientId, username, password)) {
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    /** The SUBACK return code: the granted QoS, or 0x80. */
    static int v3Subscribe(PahoClients.Client c, String filter, int qos) throws MqttException {
        try {
            return c.paho.subscribeWithResponse(filter, qos).getGrantedQos()[0];
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                return 0x80;
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- MQTT 5 (HiveMQ)

    /** A connected MQTT 5 client and what it received. */
    static final class V5 implements AutoCloseable {
        final Mqtt5AsyncClient client;
        final BlockingQueue<Mqtt5Publish> received = new LinkedBlockingQueue<>();

        private V5(Mqtt5AsyncClient client) {
            this.client = client;
            client.publishes(MqttGlobalPublishFilter.ALL, received::add);
        }

        /** The SUBACK reason code of a single-filter SUBSCRIBE. */
        int subscribe(String filter) throws Exception {
            try {
                return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send()
                        .get(10, TimeUnit.SECONDS).getReasonCodes().get(0).getCode();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Mqtt5SubAckException s) {
                    return s.getMqttMessage().getReasonCodes().get(0).getCode();
                }
                throw e;
            }
        }

        /** The PUBACK reason code of a QoS 1 PUBLISH. */
        int publishQos1(String topic, String payload) throws Exception {
            Mqtt5PublishResult result;
            try {
                result = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(payload.getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Mqtt5PubAckException p) {
                    return p.getMqttMessage().getReasonCode().getCode();
                }
                throw e;
            }
            if (result.getError().isPresent() && result.getError().get() instanceof Mqtt5PubAckException p) {
                return p.getMqttMessage().getReasonCode().getCode();
            }
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode().getCode();
        }

        Mqtt5Publish next() throws InterruptedException {
            Mqtt5Publish p = received.poll(10, TimeUnit.SECONDS);
            if (p == null) {
                throw new AssertionError("no message within 10 s");
            }
            return p;
        }

        @Override
        public void close() throws Exception {
            if (client.getState().isConnected()) {
                client.disconnect().get(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Mqtt5AsyncClient v5Client(TestBroker broker, String clientId) {
        return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(broker.port())
                .buildAsync();
    }

    private static CompletableFuture<Mqtt5ConnAck> v5Connect(Mqtt5AsyncClient client, String username,
                                                             String password) {
        if (username == null && password == null) {
            return client.connect();
        }
        byte[] pw = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
        Mqtt5SimpleAuthBuilder.Complete auth = username != null ? Mqtt5SimpleAuth.builder().username(username)
                : Mqtt5SimpleAuth.builder().password(pw);
        if (username != null && pw != null) {
            auth = auth.password(pw);
        }
        return client.connectWith().simpleAuth(auth.build()).send();
    }

    static V5 v5(TestBroker broker, String clientId, String username, String password) throws Exception {
        Mqtt5AsyncClient client = v5Client(broker, clientId);
        v5Connect(client, username, password).get(10, TimeUnit.SECONDS);
        return new V5(client);
    }

    /** The CONNACK reason code: 0 if the client got in (it is disconnected again). */
    static int v5ConnectCode(TestBroker broker, String clientId, String username, String password) throws Exception {
        Mqtt5AsyncClient client = v5Client(broker, clientId);
        try {
            v5Connect(client, username, password).get(10, TimeUnit.SECONDS);
            client.disconnect().get(5, TimeUnit.SECONDS);
            return 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5ConnAckException c) {
                return c.getMqttMessage().getReasonCode().getCode();
            }
            throw e;
        }
    }

    static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }
}
