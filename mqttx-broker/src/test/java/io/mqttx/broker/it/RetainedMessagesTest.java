package io.mqttx.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.PahoClients.Received;
import io.mqttx.broker.testkit.TestBroker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retained messages, MQTT 3.1.1 section 3.3.1.3, with Eclipse Paho. */
class RetainedMessagesTest {
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
    void retainedMessageIsSentOnSubscribeWithRetainSet_MQTT_3_3_1_6() throws Exception {
        try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            pub.publish("r/a", "first", 1, true);
            pub.publish("r/a", "second", 1, true); // replaces [MQTT-3.3.1-5]
        }
        try (Client sub = PahoClients.connect(broker.uri(), "sub", true)) {
            sub.paho.subscribe("r/a", 1);
            Received r = sub.next();
            assertThat(r.text()).isEqualTo("second");
            assertThat(r.message().isRetained()).isTrue();
            assertThat(r.message().getQos()).isEqualTo(1);
        }
    }

    @Test
    void liveCopiesCarryRetainZero_MQTT_3_3_1_9() throws Exception {
        try (Client sub = PahoClients.connect(broker.uri(), "sub", true);
             Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            sub.paho.subscribe("r/live", 1);
            pub.publish("r/live", "now", 1, true);
            Received r = sub.next();
            assertThat(r.text()).isEqualTo("now");
            assertThat(r.message().isRetained()).isFalse();
        }
    }

    @Test
    void emptyPayloadDeletesTheRetainedMessage_MQTT_3_3_1_10() throws Exception {
        try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            pub.publish("r/gone", "x", 1, true);
            pub.publish("r/gone", "", 1, true);
            pub.publish("r/kept", "y", 1, true);
        }
        try (Client sub = PahoClients.connect(broker.uri(), "sub", true)) {
            sub.paho.subscribe("r/#", 1);
            Received r = sub.next();
            assertThat(r.topic()).isEqualTo("r/kept");
            assertThat(sub.received.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void qos0RetainedMessagesAreKept() throws Exception {
        try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            pub.publish("r/q0", "zero", 0, true);
        }
        // QoS 0 publishes have no ack: wait until the broker has the message before subscribing
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            try (Client sub = PahoClients.connect(broker.uri(), "probe", true)) {
                sub.paho.subscribe("r/q0", 0);
                assertThat(sub.received.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)).isNotNull();
            }
        });
        try (Client sub = PahoClients.connect(broker.uri(), "sub", true)) {
            sub.paho.subscribe("r/q0", 2);
            Received r = sub.next();
            assertThat(r.text()).isEqualTo("zero");
            assertThat(r.message().getQos()).isZero();
            assertThat(r.message().isRetained()).isTrue();
        }
    }

    @Test
    void wildcardSubscriptionGetsEveryMatchingRetainedMessageAtTheGrantedQos() throws Exception {
        try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            pub.publish("home/a/temp", "1", 2, true);
            pub.publish("home/b/temp", "2", 2, true);
            pub.publish("home/b/hum", "3", 2, true);
            pub.publish("$SYS/x", "4", 1, true); // MQTT-4.7.2-1: not matched by +/...
        }
        try (Client sub = PahoClients.connect(broker.uri(), "sub", true)) {
            sub.paho.subscribe(new String[]{"home/+/temp", "+/x"}, new int[]{1, 1});
            List<String> got = new ArrayList<>();
            got.add(sub.next().text());
            got.add(sub.next().text());
            assertThat(got).containsExactlyInAnyOrder("1", "2");
            Received none = sub.received.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(none).isNull();
        }
    }
}
