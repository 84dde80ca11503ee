package io.mqttx.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clean and persistent sessions, MQTT 3.1.1 sections 3.1.2.4 and 4.4, with Paho and raw packets. */
class PersistentSessionTest {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(b -> b.limits(new BrokerConfig.Limits(1024 * 1024, 256, 128, 32, 5, 100, 65535,
                100, 10)));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static MqttConnectOptions persistent() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        return o;
    }

    @Test
    void subscriptionsAndQueuedMessagesSurviveTheConnection_MQTT_3_1_2_4() throws Exception {
        Client sub = PahoClients.connect(broker.uri(), "durable", persistent());
        assertThat(sub.paho.getClientId()).isEqualTo("durable");
        sub.paho.subscribe("q/#", 2);
        sub.close();
        try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            pub.publish("q/1", "one", 1, false);
            pub.publish("q/2", "two", 2, false);
            pub.publish("q/0", "zero", 0, false); // QoS 0 is not queued for offline clients
        }
        try (Client again = PahoClients.connect(broker.uri(), "durable", persistent())) {
            List<String> got = List.of(again.next().text(), again.next().text());
            assertThat(got).containsExactly("one", "two");
            assertThat(again.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void sessionPresentFlag_MQTT_3_2_2_2() throws Exception {
        String connectPersistent = "10 0f 00 04 4d 51 54 54 04 00 00 3c 00 03 73 70 31"; // id "sp1", clean 0
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connectPersistent);
            assertThat(raw.readHex(4)).isEqualTo("20 02 00 00"); // no session yet
            raw.send("e0 00");
            raw.readUntilClosed(Duration.ofSeconds(5));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(connectPersistent);
                assertThat(raw.readHex(4)).isEqualTo("20 02 01 00"); // session present
            }
        });
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send("10 0f 00 04 4d 51 54 54 04 02 00 3c 00 03 73 70 31"); // clean 1 discards it
            assertThat(raw.readHex(4)).isEqualTo("20 02 00 00");
        }
    }

    @Test
    void offlineQueueIsBoundedAndDropsTheOldest() throws Exception {
        Client sub = PahoClients.connect(broker.uri(), "slow", persistent());
        sub.paho.subscribe("bounded", 1);
        sub.close();
        try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            for (int i = 0; i < 8; i++) {
                pub.publish("bounded", "m" + i, 1, false);
            }
        }
        assertThat(broker.broker().metrics().messagesDropped()).isEqualTo(3);
        try (Client again = PahoClients.connect(broker.uri(), "slow", persistent())) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                got.add(again.next().text());
            }
            assertThat(got).containsExactly("m3", "m4", "m5", "m6", "m7");
        }
    }

    @Test
    void unacknowledgedMessagesAreResentWithDupOnResume_MQTT_4_4_0_1() throws Exception {
        // raw subscriber "r1", clean session 0, subscribes to "d" at QoS 1, then never acks
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send("10 0e 00 04 4d 51 54 54 04 00 00 3c 00 02 72 31");
            assertThat(raw.readHex(4)).isEqualTo("20 02 00 00");
            raw.send("82 06 00 01 00 01 64 01");
            assertThat(raw.readHex(5)).isEqualTo("90 03 00 01 01");
            try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
                pub.publish("d", "x", 1, false);
            }
            // PUBLISH QoS 1, DUP 0, topic "d", packet id 1, payload "x"
            assertThat(raw.readHex(8)).isEqualTo("32 06 00 01 64 00 01 78");
        }
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send("10 0e 00 04 4d 51 54 54 04 00 00 3c 00 02 72 31");
            assertThat(raw.readHex(4)).isEqualTo("20 02 01 00");
            // the same packet again with DUP set, same packet id
            assertThat(raw.readHex(8)).isEqualTo("3a 06 00 01 64 00 01 78");
            // PUBACK settles it; DISCONNECT and waiting for the broker's close make sure the PUBACK was read before
            // the next connection takes the session over (a PUBACK still unread on a closed socket may be lost,
            // and the message re-sent, which QoS 1 allows)
            raw.send("40 02 00 01 e0 00");
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).isEmpty();
        }
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send("10 0e 00 04 4d 51 54 54 04 00 00 3c 00 02 72 31");
            assertThat(raw.readHex(4)).isEqualTo("20 02 01 00");
            raw.send("c0 00");
            assertThat(raw.readHex(2)).isEqualTo("d0 00"); // PINGRESP, and nothing re-sent before it
        }
    }

    @Test
    void cleanSessionIsDiscardedOnDisconnect() throws Exception {
        try (Client c = PahoClients.connect(broker.uri(), "ephemeral", true)) {
            c.paho.subscribe("e", 1);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> broker.broker().sessionCount() == 0);
    }
}
