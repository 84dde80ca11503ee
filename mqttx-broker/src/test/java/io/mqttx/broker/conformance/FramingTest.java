package io.mqttx.broker.conformance;

import static io.mqttx.broker.conformance.ConformanceCases.V5_CONNACK_OK;
import static io.mqttx.broker.testkit.Packets.CONNACK_OK;
import static io.mqttx.broker.testkit.Packets.cat;
import static io.mqttx.broker.testkit.Packets.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker cuts packets by their Remaining Length before decoding them; however the bytes are split across
 * TCP segments, a well-formed session is served the same, and several packets in one segment are each answered.
 */
class FramingTest {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static void expect(RawClient raw, String hex) throws Exception {
        String want = Packets.normalize(hex);
        assertThat(hex(raw.read(want.length() / 2, Duration.ofSeconds(5)))).isEqualTo(want);
    }

    /** Two packets of independent flows, whose relative order the spec leaves open. */
    private static void expectBoth(RawClient raw, String first, String second) throws Exception {
        String a = Packets.normalize(first);
        String b = Packets.normalize(second);
        String got = hex(raw.read((a.length() + b.length()) / 2, Duration.ofSeconds(5)));
        assertThat(got).isIn(a + b, b + a);
    }

    /** Sends each byte in its own write, so the broker sees packets and Remaining Lengths cut anywhere. */
    private static void trickle(RawClient raw, String hex) throws Exception {
        for (byte b : Packets.bytes(hex)) {
            raw.send(new byte[] {b});
        }
    }

    @Test
    void aSessionSentOneByteAtATimeIsServed311() throws Exception {
        String payload = hex(Packets.filler(300)); // a two-byte Remaining Length, split between writes
        try (RawClient raw = new RawClient(broker.port())) {
            trickle(raw, Packets.connect311("bytewise"));
            expect(raw, CONNACK_OK);
            trickle(raw, Packets.subscribe(1, "bw/t", 1));
            expect(raw, Packets.suback(1, 1));
            trickle(raw, Packets.publish(0x02, "bw/t", 9, payload));
            // the delivery to itself and the PUBACK of its publish belong to different flows [MQTT-4.6]
            expectBoth(raw, Packets.publish(0x02, "bw/t", 1, payload), Packets.ack(0x40, 9));
            trickle(raw, Packets.ack(0x40, 1));
            trickle(raw, Packets.PINGREQ);
            expect(raw, Packets.PINGRESP);
        }
    }

    @Test
    void aSessionSentOneByteAtATimeIsServed5() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            trickle(raw, Packets.connect5(Packets.CLEAN, 60, Packets.propU32(0x11, 0), Packets.str("bytewise5")));
            expect(raw, V5_CONNACK_OK);
            trickle(raw, Packets.subscribe5(1, Packets.propVbi(0x0b, 300), "bw5/t", 0));
            expect(raw, Packets.suback5(1, 0));
            trickle(raw, Packets.publish5(0, "bw5/t", 0, Packets.userProperty("k", "v"), "78"));
            expect(raw, Packets.publish5(0, "bw5/t", 0, cat(Packets.propVbi(0x0b, 300),
                    Packets.userProperty("k", "v")), "78"));
            trickle(raw, Packets.PINGREQ);
            expect(raw, Packets.PINGRESP);
        }
    }

    @Test
    void manyPacketsInOneWriteAreEachAnswered() throws Exception {
        StringBuilder pings = new StringBuilder();
        StringBuilder pongs = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            pings.append(Packets.PINGREQ);
            pongs.append(Packets.PINGRESP);
        }
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(cat(Packets.connect311("batch"), pings.toString()));
            expect(raw, cat(CONNACK_OK, pongs.toString()));
        }
    }
}
