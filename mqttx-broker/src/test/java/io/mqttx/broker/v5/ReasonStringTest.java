package io.mqttx.broker.v5;

import static io.mqttx.broker.testkit.Packets.CLEAN;
import static io.mqttx.broker.testkit.Packets.ack;
import static io.mqttx.broker.testkit.Packets.cat;
import static io.mqttx.broker.testkit.Packets.connect5;
import static io.mqttx.broker.testkit.Packets.disconnect5;
import static io.mqttx.broker.testkit.Packets.packet;
import static io.mqttx.broker.testkit.Packets.propByte;
import static io.mqttx.broker.testkit.Packets.propString;
import static io.mqttx.broker.testkit.Packets.propU16;
import static io.mqttx.broker.testkit.Packets.propU32;
import static io.mqttx.broker.testkit.Packets.str;
import static io.mqttx.broker.testkit.Packets.suback5;
import static io.mqttx.broker.testkit.Packets.subscribe5;
import static io.mqttx.broker.testkit.Packets.u16;
import static io.mqttx.broker.testkit.Packets.vbi;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import io.mqttx.broker.conformance.ConformanceCases;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reason Strings: on failure acknowledgements only if the client's Request Problem Information allows them
 * [MQTT-3.1.2-29], on CONNACK and DISCONNECT always, and never when they would make a packet larger than the
 * client's Maximum Packet Size [MQTT-3.4.2-2], [MQTT-3.9.2-1], [MQTT-3.14.2-3].
 */
class ReasonStringTest {
    private static final String BAD_FILTER_WHY = "'rs/#/x': topic filter invalid";
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }


    /** A packet whose properties are one Reason String, after {@code before} and before {@code after}. */
    private static String withReason(int firstByte, String before, String why, String after) {
        String prop = propString(0x1f, why);
        return packet(firstByte, before, vbi(prop.length() / 2), prop, after);
    }

    @Test
    void failureAcksSayWhyByDefault() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect5("rs-default")); // no Request Problem Information: it defaults to 1
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "rs/ok", 0, "rs/#/x", 0));
            raw.expect(withReason(0x90, u16(1), BAD_FILTER_WHY, "008f"));
            raw.send(ack(0x62, 9)); // PUBREL for an id nobody used
            raw.expect(withReason(0x70, cat(u16(9), "92"),
                    "no QoS 2 message with packet identifier 9 awaits release", ""));
            // successful acks carry no Reason String
            raw.send(subscribe5(2, "", "rs/ok2", 1));
            raw.expect(suback5(2, 1));
        }
    }

    @Test
    void requestProblemInformation0LeavesThemOffAcksButNotOffDisconnect_MQTT_3_1_2_29() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect5(CLEAN, 60, propByte(0x17, 0), str("rs-quiet")));
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "rs/ok", 0, "rs/#/x", 0));
            raw.expect(suback5(1, 0, 0x8f));
            raw.send(ack(0x62, 9));
            raw.expect(packet(0x70, u16(9), "92", "00"));
            raw.send(packet(0xe0, "00", "05", propU32(0x11, 60))); // session expiry after CONNECT set 0
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).isEqualTo(Packets.normalize(withReason(0xe0,
                    "82", "DISCONNECT sets a session expiry after CONNECT set 0 [MQTT-3.14.2-2]", "")));
        }
    }

    @Test
    void reasonStringsThatWouldExceedTheClientsMaximumPacketSizeAreLeftOut() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect5(CLEAN, 60, propU32(0x27, 20), str("rs-small")));
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "rs/ok", 0, "rs/#/x", 0));
            raw.expect(suback5(1, 0, 0x8f));
            raw.send(publish0WithTopicAlias0());
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).isEqualTo(Packets.normalize(disconnect5(0x94)));
        }
    }

    private static String publish0WithTopicAlias0() {
        return Packets.publish5(0, "rs/a", 0, propU16(0x23, 0), "78");
    }

    @Test
    void refusingConnackSaysWhy() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect5(CLEAN, 60, propString(0x15, "NO-SUCH-METHOD"), str("rs-auth")));
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).isEqualTo(Packets.normalize(withReason(0x20,
                    "008c", "unsupported authentication method 'NO-SUCH-METHOD' [MQTT-4.12.0-1]", "")));
        }
    }

    @Test
    void hivemqClientSeesTheReasonStringOfASessionTakeover() {
        AtomicReference<Throwable> cause = new AtomicReference<>();
        Mqtt5BlockingClient first = Mqtt5Client.builder().identifier("rs-dup").serverHost("127.0.0.1")
                .serverPort(broker.port()).addDisconnectedListener(ctx -> cause.compareAndSet(null, ctx.getCause()))
                .buildBlocking();
        first.connect();
        Mqtt5BlockingClient second = Mqtt5Client.builder().identifier("rs-dup").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        second.connect();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cause.get() != null);
        assertThat(cause.get()).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause.get()).getMqttMessage().getReasonString()
                .map(Object::toString)).hasValue("another connection took over the session");
        second.disconnect();
    }

    @Test
    void theBrokerCanBeToldToSendNoReasonStrings() throws Exception {
        try (TestBroker quiet = TestBroker.start(b -> b.reasonStrings(false));
             RawClient raw = new RawClient(quiet.port())) {
            raw.send(connect5("rs-off"));
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "rs/#/x", 0));
            raw.expect(suback5(1, 0x8f));
            raw.send(publish0WithTopicAlias0());
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).isEqualTo(Packets.normalize(disconnect5(0x94)));
        }
    }
}
