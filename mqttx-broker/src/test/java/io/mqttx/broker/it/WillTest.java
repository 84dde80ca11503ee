package io.mqttx.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.PahoClients.Received;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Will messages, MQTT 3.1.1 section 3.1.2.5. */
class WillTest {
    /** CONNECT 3.1.1, client id "w", clean session, will QoS 1 retain 0 on topic "will/t" with payload "gone". */
    private static final String CONNECT_WITH_WILL =
            "10 1b 00 04 4d 51 54 54 04 0e 00 3c 00 01 77 00 06 77 69 6c 6c 2f 74 00 04 67 6f 6e 65";
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void willIsPublishedWhenTheConnectionDropsWithoutDisconnect_MQTT_3_1_2_8() throws Exception {
        try (Client watcher = PahoClients.connect(broker.uri(), "watcher", true)) {
            watcher.paho.subscribe("will/#", 1);
            RawClient raw = new RawClient(broker.port());
            raw.send(CONNECT_WITH_WILL);
            assertThat(raw.readHex(4)).isEqualTo("20 02 00 00");
            raw.close(); // no DISCONNECT: the network "fails"
            Received r = watcher.next();
            assertThat(r.topic()).isEqualTo("will/t");
            assertThat(r.text()).isEqualTo("gone");
            assertThat(r.message().getQos()).isEqualTo(1);
        }
    }

    @Test
    void willIsDiscardedOnDisconnect_MQTT_3_1_2_10() throws Exception {
        try (Client watcher = PahoClients.connect(broker.uri(), "watcher", true)) {
            watcher.paho.subscribe("will/#", 1);
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(CONNECT_WITH_WILL);
                assertThat(raw.readHex(4)).isEqualTo("20 02 00 00");
                raw.send("e0 00");
                raw.readUntilClosed(Duration.ofSeconds(5));
            }
            // a marker published after the disconnect arrives; the will, which would come first, must not
            watcher.publish("will/marker", "m", 1, false);
            assertThat(watcher.next().topic()).isEqualTo("will/marker");
        }
    }

    @Test
    void pahoWillIsPublishedWhenTheClientIsTakenOver() throws Exception {
        try (Client watcher = PahoClients.connect(broker.uri(), "watcher", true)) {
            watcher.paho.subscribe("status/#", 1);
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setAutomaticReconnect(false);
            options.setWill("status/dev1", "offline".getBytes(), 1, true);
            Client first = PahoClients.connect(broker.uri(), "dev1", options);
            Client second = PahoClients.connect(broker.uri(), "dev1", true); // [MQTT-3.1.4-2] closes the first
            Received r = watcher.next();
            assertThat(r.topic()).isEqualTo("status/dev1");
            assertThat(r.text()).isEqualTo("offline");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> first.lost);
            assertThat(second.paho.isConnected()).isTrue();
            second.close();
            first.paho.close(true);
            assertThat(watcher.received.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }
}
