package io.mqttx.broker.conformance;

import static io.mqttx.broker.testkit.Packets.CONNACK_OK;
import static io.mqttx.broker.testkit.Packets.ack;
import static io.mqttx.broker.testkit.Packets.connect311;
import static io.mqttx.broker.testkit.Packets.connect311Will;
import static io.mqttx.broker.testkit.Packets.hex;
import static io.mqttx.broker.testkit.Packets.publish;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MQTT 3.1.1 rows that need time, a second connection or a subscriber to check: keepalive, connect timeout,
 * takeover, wills, QoS 2 duplicates. Row numbers are those of {@code shared/MQTT-CHECKLIST.md}.
 */
class Mqtt311ScenarioTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(b -> b.connectTimeout(CONNECT_TIMEOUT));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private String connack(RawClient raw) throws Exception {
        return hex(raw.read(4, Duration.ofSeconds(5)));
    }

    /** Row 32, [MQTT-3.1.2-24]: silent for 1.5 x keepalive, the client is closed as if the network failed. */
    @Test
    void keepAliveOneSecondClosesAfterOneAndAHalfSecondsAndPublishesTheWill() throws Exception {
        try (Client sub = PahoClients.connect(broker.uri(), "will-sub", true)) {
            sub.paho.subscribe("will/r32", 1);
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(connect311Will("r32", 1, "will/r32", "gone"));
                assertThat(connack(raw)).isEqualTo(CONNACK_OK);
                long t0 = System.nanoTime();
                assertThat(raw.readUntilClosed(Duration.ofSeconds(4))).isEmpty();
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(millis).as("ms from CONNACK to the close").isBetween(1300L, 1900L);
            }
            assertThat(sub.next().text()).isEqualTo("gone");
        }
    }

    /** Row 32: a client that keeps talking within the keepalive is not closed. */
    @Test
    void keepAliveIsResetByEveryPacket() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect311Will("r32b", 1, "will/r32b", "gone"));
            assertThat(connack(raw)).isEqualTo(CONNACK_OK);
            long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            while (System.nanoTime() < until) {
                // each PINGRESP takes a round trip; a PINGREQ every 700 ms keeps a 1 s keepalive alive
                raw.send(Packets.PINGREQ);
                expect(raw, Packets.PINGRESP);
                raw.assertSilentFor(Duration.ofMillis(700));
            }
        }
    }

    /** Row 33, §3.1.4: no CONNECT within the connect timeout, the socket is closed. */
    @Test
    void noConnectIsClosedAfterTheConnectTimeout() throws Exception {
        for (String sent : new String[] {"", "10", "100c00044d515454"}) {
            try (RawClient raw = new RawClient(broker.port())) {
                long t0 = System.nanoTime();
                raw.send(sent);
                assertThat(raw.readUntilClosed(Duration.ofSeconds(4))).as("after '%s'", sent).isEmpty();
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(millis).as("ms to the close after '%s'", sent).isBetween(900L, 2500L);
            }
        }
    }

    /** Row 34, [MQTT-3.1.4-2]: a second connection with the same client id closes the first; its will goes out. */
    @Test
    void takeoverClosesTheOldConnectionAndPublishesItsWill() throws Exception {
        try (Client sub = PahoClients.connect(broker.uri(), "will-sub", true)) {
            sub.paho.subscribe("will/r34", 1);
            try (RawClient first = new RawClient(broker.port()); RawClient second = new RawClient(broker.port())) {
                first.send(connect311Will("r34", 60, "will/r34", "taken over"));
                assertThat(connack(first)).isEqualTo(CONNACK_OK);
                second.send(connect311("r34"));
                assertThat(connack(second)).isEqualTo(CONNACK_OK);
                assertThat(first.readUntilClosed(Duration.ofSeconds(3))).as("3.1.1 has no DISCONNECT to send")
                        .isEmpty();
                assertThat(sub.next().text()).isEqualTo("taken over");
                second.send(Packets.PINGREQ);
                expect(second, Packets.PINGRESP);
            }
        }
    }

    /** Row 55, [MQTT-3.1.2-10]: a normal DISCONNECT discards the will. */
    @Test
    void normalDisconnectDiscardsTheWill() throws Exception {
        assertWill("r55a", Packets.DISCONNECT, false);
    }

    /** Row 55, [MQTT-3.1.2-8]: a connection closed without DISCONNECT publishes the will. */
    @Test
    void closeWithoutDisconnectPublishesTheWill() throws Exception {
        assertWill("r55b", null, true);
    }

    /** Row 55, [MQTT-3.1.2-8]: the server closing for a protocol error publishes the will. */
    @Test
    void protocolViolationPublishesTheWill() throws Exception {
        assertWill("r55c", Packets.cat("36", publish(0x02, "r55c", 1, "78").substring(2)), true);
    }

    /** Rows 3 and 55: a DISCONNECT with reserved bits set is a violation, not a DISCONNECT: the will goes out. */
    @Test
    void disconnectWithReservedBitsPublishesTheWill() throws Exception {
        assertWill("r55d", "e200", true);
    }

    /** Rows 7 and 55: a 3.1.1 DISCONNECT has no reason code; one with a body is malformed and the will goes out. */
    @Test
    void disconnectWithAReasonCodeOn311IsMalformedAndPublishesTheWill() throws Exception {
        assertWill("r55e", "e00100", true);
    }

    private void assertWill(String clientId, String lastPacket, boolean published) throws Exception {
        String topic = "will/" + clientId;
        try (Client sub = PahoClients.connect(broker.uri(), "sub-" + clientId, true)) {
            sub.paho.subscribe(topic, 1);
            int sessionsBefore = broker.broker().sessionCount();
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(connect311Will(clientId, 60, topic, "will of " + clientId));
                assertThat(connack(raw)).isEqualTo(CONNACK_OK);
                if (lastPacket != null) {
                    raw.send(lastPacket);
                    assertThat(raw.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
                }
            }
            String first = Wills.firstAfterClose(broker, sub, topic, sessionsBefore);
            assertThat(first).isEqualTo(published ? "will of " + clientId : "marker");
        }
    }

    /** Row 47, [MQTT-4.3.3-2] / §4.3.3: a re-sent QoS 2 PUBLISH is acknowledged again but delivered once. */
    @Test
    void repeatedQos2PublishIsAcknowledgedAgainAndDeliveredOnce() throws Exception {
        try (Client sub = PahoClients.connect(broker.uri(), "sub-r47", true);
             RawClient pub = new RawClient(broker.port())) {
            sub.paho.subscribe("r47/t", 2);
            pub.send(connect311("r47"));
            assertThat(connack(pub)).isEqualTo(CONNACK_OK);
            pub.send(publish(0x04, "r47/t", 7, "6f6e6365"));
            expect(pub, ack(0x50, 7));
            pub.send(publish(0x0c, "r47/t", 7, "6f6e6365")); // DUP: the PUBREC was "lost"
            expect(pub, ack(0x50, 7));
            pub.send(publish(0x0c, "r47/t", 7, "6f6e6365"));
            expect(pub, ack(0x50, 7));
            pub.send(ack(0x62, 7));
            expect(pub, ack(0x70, 7));
            // after PUBCOMP the id is free again: the same id now carries a new message
            pub.send(publish(0x04, "r47/t", 7, "6e6577"));
            expect(pub, ack(0x50, 7));
            pub.send(ack(0x62, 7));
            expect(pub, ack(0x70, 7));

            assertThat(sub.next().text()).isEqualTo("once");
            assertThat(sub.next().text()).isEqualTo("new");
            pub.send(publish("r47/t", "end"));
            assertThat(sub.next().text()).as("no second copy of 'once' before it").isEqualTo("end");
        }
    }

    /**
     * Row 12, [MQTT-1.5.3-3]: a BOM is kept; a client library sends and receives it intact. (Paho refuses to send
     * U+FEFF at all, so the HiveMQ client speaks 3.1.1 here.)
     */
    @Test
    void bomInATopicArrivesIntact() throws Exception {
        String topic = "\uFEFFbom/\uFEFF";
        Mqtt3BlockingClient sub = Mqtt3Client.builder().identifier("bom-sub").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        Mqtt3BlockingClient pub = Mqtt3Client.builder().identifier("bom-pub").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        sub.connect();
        pub.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload("\uFEFFpayload".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt3Publish received = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(received.getTopic().toString()).isEqualTo(topic);
            assertThat(new String(received.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("\uFEFFpayload");
        } finally {
            pub.disconnect();
            sub.disconnect();
        }
    }

    /** Row 26, [MQTT-3.1.3-6]: a zero-length client id with clean session gets a working session of its own. */
    @Test
    void twoClientsWithZeroLengthIdsAreDistinctSessions() throws Exception {
        try (RawClient a = new RawClient(broker.port()); RawClient b = new RawClient(broker.port())) {
            a.send(connect311(""));
            assertThat(connack(a)).isEqualTo(CONNACK_OK);
            b.send(connect311(""));
            assertThat(connack(b)).isEqualTo(CONNACK_OK);
            a.send(Packets.subscribe(1, "r26/x", 0));
            expect(a, Packets.suback(1, 0));
            b.send(publish("r26/x", "hello"));
            expect(a, publish("r26/x", "hello"));
            // b was not taken over by a's connection: it is still served
            b.send(Packets.PINGREQ);
            expect(b, Packets.PINGRESP);
        }
    }

    /** Reads exactly the expected packet(s) and compares them. */
    private static void expect(RawClient raw, String hex) throws Exception {
        String want = Packets.normalize(hex);
        assertThat(hex(raw.read(want.length() / 2, Duration.ofSeconds(3)))).isEqualTo(want);
    }
}
