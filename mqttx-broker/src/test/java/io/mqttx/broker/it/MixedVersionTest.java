package io.mqttx.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HiveMQ MQTT Client (3.1.1 and 5) against the broker, and 3.1.1 and 5 clients talking to each other. */
class MixedVersionTest {

    @Test
    void hivemq311ClientPublishesAndSubscribes() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            Mqtt3BlockingClient sub = Mqtt3Client.builder().identifier("h3sub").serverHost("127.0.0.1")
                    .serverPort(broker.port()).buildBlocking();
            Mqtt3BlockingClient pub = Mqtt3Client.builder().identifier("h3pub").serverHost("127.0.0.1")
                    .serverPort(broker.port()).buildBlocking();
            sub.connect();
            pub.connect();
            try (var publishes = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
                sub.subscribeWith().topicFilter("h/+").qos(MqttQos.EXACTLY_ONCE).send();
                pub.publishWith().topic("h/1").qos(MqttQos.EXACTLY_ONCE).payload("v3".getBytes()).send();
                var received = publishes.receive(5, TimeUnit.SECONDS);
                assertThat(received).isPresent();
                assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("v3");
                assertThat(received.get().getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
            }
            sub.disconnect();
            pub.disconnect();
        }
    }

    @Test
    void v311PublisherReachesV5SubscriberAndBack() throws Exception {
        try (TestBroker broker = TestBroker.start();
             Client paho = PahoClients.connect(broker.uri(), "paho3", true)) {
            Mqtt5BlockingClient v5 = Mqtt5Client.builder().identifier("hive5").serverHost("127.0.0.1")
                    .serverPort(broker.port()).buildBlocking();
            v5.connect();
            try (var publishes = v5.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
                v5.subscribeWith().topicFilter("mix/to5").qos(MqttQos.AT_LEAST_ONCE).send();
                paho.paho.subscribe("mix/to3", 1);
                paho.publish("mix/to5", "from 3", 1, false);
                Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
                assertThat(got).isPresent();
                assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("from 3");
                v5.publishWith().topic("mix/to3").qos(MqttQos.AT_LEAST_ONCE).payload("from 5".getBytes())
                        .contentType("text/plain").send();
                assertThat(paho.next().text()).isEqualTo("from 5");
            }
            v5.disconnect();
        }
    }
}
