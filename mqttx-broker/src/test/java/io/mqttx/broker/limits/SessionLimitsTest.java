package io.mqttx.broker.limits;

import static io.mqttx.broker.testkit.Packets.CONNACK_OK;
import static io.mqttx.broker.testkit.Packets.ack;
import static io.mqttx.broker.testkit.Packets.connect311;
import static io.mqttx.broker.testkit.Packets.hex;
import static io.mqttx.broker.testkit.Packets.publish;
import static io.mqttx.broker.testkit.Packets.suback;
import static io.mqttx.broker.testkit.Packets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-client windows: messages in flight towards a client, and MQTT 5 QoS 2 messages awaiting PUBREL. */
class SessionLimitsTest {

    private static String text(String s) {
        return hex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void expect(RawClient raw, String packetHex) throws Exception {
        String want = Packets.normalize(packetHex);
        assertThat(hex(raw.read(want.length() / 2, Duration.ofSeconds(5)))).isEqualTo(want);
    }

    /**
     * With at most 3 messages in flight, a subscriber that does not acknowledge gets exactly 3 of 10 QoS 1
     * messages; each PUBACK lets exactly one more through, the rest wait in its queue.
     */
    @Test
    void atMostMaxInflightUnacknowledgedMessagesGoToAClient() throws Exception {
        BrokerConfig.Limits d = BrokerConfig.Limits.defaults();
        BrokerConfig.Limits limits = new BrokerConfig.Limits(d.maxPacketSize(), d.maxClientIdLength(),
                d.maxTopicLevels(), 3, d.maxQueuedMessages(), d.maxAwaitingRel(), d.maxKeepAlive(),
                d.receiveMaximum(), d.topicAliasMaximum());
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits));
             RawClient sub = new RawClient(broker.port());
             RawClient pub = new RawClient(broker.port())) {
            sub.send(connect311("window-sub"));
            expect(sub, CONNACK_OK);
            sub.send(subscribe(1, "window/t", 1));
            expect(sub, suback(1, 1));
            pub.send(connect311("window-pub"));
            expect(pub, CONNACK_OK);
            for (int i = 1; i <= 10; i++) {
                pub.send(publish(0x02, "window/t", i, text("m" + i)));
                expect(pub, ack(0x40, i));
            }
            for (int i = 1; i <= 3; i++) {
                expect(sub, publish(0x02, "window/t", i, text("m" + i)));
            }
            sub.assertSilentFor(Duration.ofMillis(300));
            sub.send(ack(0x40, 2));
            expect(sub, publish(0x02, "window/t", 4, text("m4")));
            sub.assertSilentFor(Duration.ofMillis(300));
        }
    }

    /**
     * MQTT 5: QoS 2 messages awaiting PUBREL are bounded by the Receive Maximum the broker advertised (here 2): a
     * third gets DISCONNECT 0x93 (Receive Maximum exceeded), counted as a protocol violation.
     */
    @Test
    void anMqtt5ClientBeyondTheReceiveMaximumIsDisconnectedWith0x93() throws Exception {
        BrokerConfig.Limits d = BrokerConfig.Limits.defaults();
        BrokerConfig.Limits limits = new BrokerConfig.Limits(d.maxPacketSize(), d.maxClientIdLength(),
                d.maxTopicLevels(), d.maxInflight(), d.maxQueuedMessages(), d.maxAwaitingRel(), d.maxKeepAlive(),
                2, d.topicAliasMaximum());
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits));
             RawClient raw = new RawClient(broker.port())) {
            raw.send(Packets.connect5("rm-5"));
            byte[] header = raw.read(2, Duration.ofSeconds(5));
            assertThat(header[0]).isEqualTo((byte) 0x20);
            String connack = hex(raw.read(header[1], Duration.ofSeconds(5)));
            assertThat(connack).startsWith("0000").contains("210002"); // success, Receive Maximum 2
            for (int id = 1; id <= 2; id++) {
                raw.send(Packets.publish5(0x04, "rm/t", id, "", text("q" + id)));
                expect(raw, Packets.cat(ack(0x50, id).replace("5002", "5004"), "1000")); // 0x10: no subscribers
            }
            raw.send(Packets.publish5(0x04, "rm/t", 3, "", text("q3")));
            assertThat(raw.readUntilClosed(Duration.ofSeconds(3))).startsWith("e0").contains("93");
            assertThat(broker.broker().metrics().protocolViolations()).isEqualTo(1);
        }
    }
}
