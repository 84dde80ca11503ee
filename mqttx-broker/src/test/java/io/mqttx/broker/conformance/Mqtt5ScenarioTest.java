package io.mqttx.broker.conformance;

import static io.mqttx.broker.conformance.ConformanceCases.V5_CONNACK_OK;
import static io.mqttx.broker.testkit.Packets.CLEAN;
import static io.mqttx.broker.testkit.Packets.cat;
import static io.mqttx.broker.testkit.Packets.connect5;
import static io.mqttx.broker.testkit.Packets.disconnect5;
import static io.mqttx.broker.testkit.Packets.hex;
import static io.mqttx.broker.testkit.Packets.packet;
import static io.mqttx.broker.testkit.Packets.propU32;
import static io.mqttx.broker.testkit.Packets.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 rows that need time, a second connection or a subscriber: keepalive (0x8D), takeover (0x8E), assigned
 * client identifiers, wills with DISCONNECT reason codes, shared subscriptions switched off.
 */
class Mqtt5ScenarioTest {
    private TestBroker broker;

    @BeforeEach
    void start() {
        // exact bytes are compared: Reason Strings (free text) are off here, ReasonStringTest covers them
        broker = TestBroker.start(b -> b.connectTimeout(Duration.ofSeconds(1)).reasonStrings(false));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static void expect(RawClient raw, String hex) throws IOException {
        String want = Packets.normalize(hex);
        assertThat(hex(raw.read(want.length() / 2, Duration.ofSeconds(3)))).isEqualTo(want);
    }

    /** An MQTT 5 CONNECT with clean start and a will (no will properties). */
    private static String connect5Will(String clientId, int keepAlive, String willTopic, String willPayload) {
        return connect5(CLEAN | 0x04, keepAlive, "", cat(str(clientId), "00", str(willTopic), str(willPayload)));
    }

    /** Row 32, [MQTT-3.1.2-22]: silence for 1.5 x keepalive gets DISCONNECT 0x8D, and the will goes out. */
    @Test
    void keepAliveTimeoutIsAnsweredWith0x8DAndPublishesTheWill() throws Exception {
        try (Client sub = PahoClients.connect(broker.uri(), "will-sub5", true)) {
            sub.paho.subscribe("will5/r32", 1);
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(connect5Will("r32v5", 1, "will5/r32", "gone"));
                expect(raw, V5_CONNACK_OK);
                long t0 = System.nanoTime();
                assertThat(raw.readUntilClosed(Duration.ofSeconds(4))).isEqualTo(disconnect5(0x8d));
                assertThat((System.nanoTime() - t0) / 1_000_000).as("ms from CONNACK to the close")
                        .isBetween(1300L, 1900L);
            }
            assertThat(sub.next().text()).isEqualTo("gone");
        }
    }

    /** Row 34, [MQTT-3.1.4-3]: the old connection gets DISCONNECT 0x8E and is closed; its will is published. */
    @Test
    void takeoverSendsSessionTakenOverAndPublishesTheOldWill() throws Exception {
        try (Client sub = PahoClients.connect(broker.uri(), "will-sub5", true)) {
            sub.paho.subscribe("will5/r34", 1);
            try (RawClient first = new RawClient(broker.port()); RawClient second = new RawClient(broker.port())) {
                first.send(connect5Will("r34v5", 60, "will5/r34", "taken over"));
                expect(first, V5_CONNACK_OK);
                second.send(connect5("r34v5"));
                expect(second, V5_CONNACK_OK);
                assertThat(first.readUntilClosed(Duration.ofSeconds(3))).isEqualTo(disconnect5(0x8e));
                assertThat(sub.next().text()).isEqualTo("taken over");
                second.send(Packets.PINGREQ);
                expect(second, Packets.PINGRESP);
            }
        }
    }

    /** Row 26, [MQTT-3.1.3-7], [MQTT-3.2.2-16]: a zero-length client id gets a unique Assigned Client Identifier. */
    @Test
    void zeroLengthClientIdsGetUniqueAssignedIdentifiers() throws Exception {
        try (RawClient a = new RawClient(broker.port()); RawClient b = new RawClient(broker.port())) {
            a.send(connect5(""));
            b.send(connect5(""));
            Map<Integer, Object> pa = connackProperties(a);
            Map<Integer, Object> pb = connackProperties(b);
            assertThat(pa.get(0x12)).isInstanceOf(String.class).isNotEqualTo("");
            assertThat(pb.get(0x12)).isInstanceOf(String.class).isNotEqualTo(pa.get(0x12));
            a.send(Packets.PINGREQ);
            expect(a, Packets.PINGRESP);
            b.send(Packets.PINGREQ);
            expect(b, Packets.PINGRESP);
        }
    }

    /** Reads a CONNACK, asserts it is a success without session present, and returns its properties by id. */
    private static Map<Integer, Object> connackProperties(RawClient raw) throws IOException {
        byte[] head = raw.read(2, Duration.ofSeconds(3));
        assertThat(head[0]).isEqualTo((byte) 0x20);
        assertThat(head[1] & 0x80).as("CONNACK shorter than 128 bytes").isZero();
        ByteBuffer body = ByteBuffer.wrap(raw.read(head[1], Duration.ofSeconds(3)));
        assertThat(body.get()).as("session present").isZero();
        assertThat(body.get()).as("reason code").isZero();
        int length = body.get();
        Map<Integer, Object> props = new HashMap<>();
        int end = body.position() + length;
        while (body.position() < end) {
            int id = body.get();
            switch (id) {
                case 0x12, 0x1a, 0x1c, 0x1f -> {
                    byte[] s = new byte[body.getShort() & 0xFFFF];
                    body.get(s);
                    props.put(id, new String(s, StandardCharsets.UTF_8));
                }
                case 0x13, 0x21, 0x22 -> props.put(id, body.getShort() & 0xFFFF);
                case 0x11, 0x27 -> props.put(id, body.getInt());
                default -> props.put(id, (int) body.get());
            }
        }
        return props;
    }

    /** Row 55, [MQTT-3.14.4-3]: DISCONNECT 0x00 discards the will. */
    @Test
    void disconnectWithReasonZeroDiscardsTheWill() throws Exception {
        assertWill("r55v5a", "e00100", "", false);
    }

    /** Row 55, 3.14.2.1: DISCONNECT 0x04 (Disconnect with Will Message) closes and publishes the will. */
    @Test
    void disconnectWithWillMessagePublishesTheWill() throws Exception {
        assertWill("r55v5b", "e00104", "", true);
    }

    /** Row 54, [MQTT-3.14.2-2]: a DISCONNECT that sets a Session Expiry after CONNECT set 0 is a Protocol Error. */
    @Test
    void disconnectSettingSessionExpiryAfterZeroIsAProtocolErrorAndPublishesTheWill() throws Exception {
        assertWill("r54v5", packet(0xe0, "00", "05", propU32(0x11, 60)), disconnect5(0x82), true);
    }

    /** Rows 1 and 55: a protocol error after CONNACK gets DISCONNECT 0x81 and the will goes out. */
    @Test
    void protocolViolationPublishesTheWill() throws Exception {
        assertWill("r55v5c", "c100", disconnect5(0x81), true);
    }

    private void assertWill(String clientId, String lastPacket, String reply, boolean published) throws Exception {
        String topic = "will5/" + clientId;
        try (Client sub = PahoClients.connect(broker.uri(), "sub-" + clientId, true)) {
            sub.paho.subscribe(topic, 1);
            int sessionsBefore = broker.broker().sessionCount();
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(connect5Will(clientId, 60, topic, "will of " + clientId));
                expect(raw, V5_CONNACK_OK);
                raw.send(lastPacket);
                assertThat(raw.readUntilClosed(Duration.ofSeconds(3))).isEqualTo(Packets.normalize(reply));
            }
            assertThat(Wills.firstAfterClose(broker, sub, topic, sessionsBefore))
                    .isEqualTo(published ? "will of " + clientId : "marker");
        }
    }

    /**
     * Row 53, 3.2.2.3.15: with shared subscriptions switched off the CONNACK says so (0x2A = 0), and a SUBSCRIBE
     * to a shared filter is a Protocol Error answered with DISCONNECT 0x9E.
     */
    @Test
    void sharedSubscriptionWhenUnavailableIsRefusedWith0x9E() throws Exception {
        try (TestBroker noShare = TestBroker.start(b -> b.reasonStrings(false).sharedSubscriptions(
                new BrokerConfig.SharedSubscriptions(false, BrokerConfig.ShareStrategy.ROUND)));
             RawClient raw = new RawClient(noShare.port())) {
            raw.send(connect5("r53v5"));
            Map<Integer, Object> props = connackProperties(raw);
            assertThat(props.get(0x2a)).as("Shared Subscription Available").isEqualTo(0);
            raw.send(Packets.subscribe5(1, "", "$share/g/r53", 0));
            assertThat(raw.readUntilClosed(Duration.ofSeconds(3))).isEqualTo(disconnect5(0x9e));
        }
    }
}
