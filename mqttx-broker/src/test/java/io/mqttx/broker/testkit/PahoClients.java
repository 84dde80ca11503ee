package io.mqttx.broker.testkit;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Eclipse Paho (MQTT 3.1.1) clients that record what they receive. */
public final class PahoClients {
    private PahoClients() {
    }

    /** A received message with its topic. */
    public record Received(String topic, MqttMessage message) {
        public String text() {
            return new String(message.getPayload(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A connected client and everything it has received. */
    public static final class Client implements AutoCloseable {
        public final MqttClient paho;
        public final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        public volatile boolean lost;

        Client(MqttClient paho) {
            this.paho = paho;
        }

        public Received next() throws InterruptedException {
            Received r = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no message within 5 s");
            }
            return r;
        }

        public void publish(String topic, String payload, int qos, boolean retain) throws MqttException {
            paho.publish(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), qos, retain);
        }

        @Override
        public void close() throws MqttException {
            if (paho.isConnected()) {
                paho.disconnect(2000);
            }
            paho.close(true);
        }
    }

    public static Client connect(String uri, String clientId, boolean cleanSession) throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(5);
        options.setKeepAliveInterval(30);
        options.setMaxInflight(1000);
        return connect(uri, clientId, options);
    }

    public static Client connect(String uri, String clientId, MqttConnectOptions options) throws MqttException {
        MqttClient paho = new MqttClient(uri, clientId, new MemoryPersistence());
        Client client = new Client(paho);
        paho.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                client.lost = true;
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                client.received.add(new Received(topic, message));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        paho.connect(options);
        return client;
    }
}
