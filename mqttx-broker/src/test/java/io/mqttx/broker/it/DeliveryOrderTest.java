package io.mqttx.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.TestBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Ordering (MQTT 3.1.1 section 4.6), the in-flight window with its queue, and overlapping subscriptions. */
class DeliveryOrderTest {

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void messagesOfOneTopicArriveInPublishOrderThroughASmallWindow_MQTT_4_6_0(int qos) throws Exception {
        // a window of 3 forces most messages through the queue behind it
        try (TestBroker broker = TestBroker.start(b -> b.limits(
                new BrokerConfig.Limits(1024 * 1024, 256, 128, 3, 1000, 100, 65535, 100, 10)));
             Client sub = PahoClients.connect(broker.uri(), "sub", true);
             Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            sub.paho.subscribe("ordered", qos);
            int n = 300;
            for (int i = 0; i < n; i++) {
                pub.paho.publish("ordered", ("" + i).getBytes(), qos, false);
            }
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                got.add(Integer.parseInt(sub.next().text()));
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(i);
            }
            assertThat(got).isEqualTo(expected);
            assertThat(sub.received.poll(200, TimeUnit.MILLISECONDS)).isNull(); // no duplicates
        }
    }

    @Test
    void overlappingSubscriptionsDeliverOneCopyAtTheHighestQos() throws Exception {
        try (TestBroker broker = TestBroker.start();
             Client sub = PahoClients.connect(broker.uri(), "sub", true);
             Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            sub.paho.subscribe(new String[]{"o/+", "o/#", "o/x"}, new int[]{0, 2, 1});
            pub.publish("o/x", "once", 2, false);
            PahoClients.Received r = sub.next();
            assertThat(r.message().getQos()).isEqualTo(2);
            assertThat(sub.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void takeoverClosesTheFirstConnection_MQTT_3_1_4_2() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setAutomaticReconnect(false);
            Client first = PahoClients.connect(broker.uri(), "same", o);
            try (Client second = PahoClients.connect(broker.uri(), "same", true)) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> first.lost);
                second.paho.subscribe("t", 1);
                second.publish("t", "still works", 1, false);
                assertThat(second.next().text()).isEqualTo("still works");
            } finally {
                first.paho.close(true);
            }
        }
    }
}
