package io.mqttx.broker.v5;

import static io.mqttx.broker.testkit.Packets.CLEAN;
import static io.mqttx.broker.testkit.Packets.cat;
import static io.mqttx.broker.testkit.Packets.connect5;
import static io.mqttx.broker.testkit.Packets.packet;
import static io.mqttx.broker.testkit.Packets.propU16;
import static io.mqttx.broker.testkit.Packets.propU32;
import static io.mqttx.broker.testkit.Packets.publish5;
import static io.mqttx.broker.testkit.Packets.str;
import static io.mqttx.broker.testkit.Packets.suback5;
import static io.mqttx.broker.testkit.Packets.subscribe5;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttx.broker.conformance.ConformanceCases;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Topic aliases from the server to the client [MQTT-3.3.2-10..12]: used only up to the client's Topic Alias
 * Maximum, least recently used replaced first, never past the client's Maximum Packet Size, never carried over to a
 * new connection.
 */
class ServerTopicAliasTest {
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
    void newTopicsGetAnAliasKnownOnesAreSentWithoutTopicAndTheLeastRecentlyUsedIsReplaced() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect5(CLEAN, 60, propU16(0x22, 2), str("ta-raw"))); // Topic Alias Maximum 2
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "ta/#", 0));
            raw.expect(suback5(1, 0));
            raw.send(cat(publish5(0, "ta/aaaa", 0, "", "31"), publish5(0, "ta/aaaa", 0, "", "32"),
                    publish5(0, "ta/bbbb", 0, "", "33"), publish5(0, "ta/cccc", 0, "", "34"),
                    publish5(0, "ta/aaaa", 0, "", "35")));
            raw.expect(cat(
                    publish5(0, "ta/aaaa", 0, propU16(0x23, 1), "31"), // new: topic and alias 1
                    publish5(0, "", 0, propU16(0x23, 1), "32"), // known: alias only
                    publish5(0, "ta/bbbb", 0, propU16(0x23, 2), "33"),
                    publish5(0, "ta/cccc", 0, propU16(0x23, 1), "34"), // all taken: ta/aaaa was least recent
                    publish5(0, "ta/aaaa", 0, propU16(0x23, 2), "35"))); // and now ta/bbbb
        }
    }

    @Test
    void noAliasesForAClientThatDidNotAskForThem() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect5("ta-none"));
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "tn/#", 0));
            raw.expect(suback5(1, 0));
            raw.send(cat(publish5(0, "tn/aaaa", 0, "", "31"), publish5(0, "tn/aaaa", 0, "", "32")));
            raw.expect(cat(publish5(0, "tn/aaaa", 0, "", "31"), publish5(0, "tn/aaaa", 0, "", "32")));
        }
    }

    @Test
    void noAliasesWhenTheBrokerSwitchesThemOff() throws Exception {
        try (TestBroker off = TestBroker.start(b -> b.outboundTopicAliasMaximum(0));
             RawClient raw = new RawClient(off.port())) {
            raw.send(connect5(CLEAN, 60, propU16(0x22, 5), str("ta-off")));
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "to/#", 0));
            raw.expect(suback5(1, 0));
            raw.send(cat(publish5(0, "to/aaaa", 0, "", "31"), publish5(0, "to/aaaa", 0, "", "32")));
            raw.expect(cat(publish5(0, "to/aaaa", 0, "", "31"), publish5(0, "to/aaaa", 0, "", "32")));
        }
    }

    @Test
    void anAliasThatWouldMakeThePacketTooLargeForTheClientIsNotUsed_MQTT_3_1_2_24() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            // Maximum Packet Size 15: exactly a QoS 0 PUBLISH of "tm/abcdef" with one payload byte, no room for an alias
            raw.send(connect5(CLEAN, 60, cat(propU16(0x22, 2), propU32(0x27, 15)), str("ta-small")));
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "tm/#", 0));
            raw.expect(suback5(1, 0));
            raw.send(cat(publish5(0, "tm/abcdef", 0, "", "31"), publish5(0, "tm/abcdef", 0, "", "32")));
            raw.expect(cat(publish5(0, "tm/abcdef", 0, "", "31"), publish5(0, "tm/abcdef", 0, "", "32")));
        }
    }

    @Test
    void messagesResentOnANewConnectionCarryTheirTopic() throws Exception {
        String connect = connect5(CLEAN, 60, cat(propU32(0x11, 60), propU16(0x22, 2)), str("ta-dup"));
        try (RawClient sub = new RawClient(broker.port()); RawClient pub = new RawClient(broker.port())) {
            sub.send(connect);
            sub.expect(ConformanceCases.V5_CONNACK_OK);
            sub.send(subscribe5(1, "", "tad/#", 1));
            sub.expect(suback5(1, 1));
            pub.send(connect5("ta-dup-pub"));
            pub.expect(ConformanceCases.V5_CONNACK_OK);
            pub.send(cat(publish5(0x02, "tad/topic", 1, "", "31"), publish5(0x02, "tad/topic", 2, "", "32")));
            sub.expect(cat(publish5(0x02, "tad/topic", 1, propU16(0x23, 1), "31"),
                    publish5(0x02, "", 2, propU16(0x23, 1), "32")));
        } // both unacknowledged, connection gone
        try (RawClient sub = new RawClient(broker.port())) {
            sub.send(connect5(0, 60, cat(propU32(0x11, 60), propU16(0x22, 2)), str("ta-dup")));
            sub.expect(packet(0x20, "01", "00", "0b", propU16(0x21, 100), propU16(0x22, 10),
                    propU32(0x27, 1024 * 1024)));
            // DUP, same packet ids, and the topic spelled out: the new connection has no aliases [MQTT-3.3.2-10]
            sub.expect(cat(publish5(0x0a, "tad/topic", 1, "", "31"), publish5(0x0a, "tad/topic", 2, "", "32")));
        }
    }

    @Test
    void hivemqClientResolvesTheAliasesItIsSent() throws Exception {
        Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("ta-hive").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        sub.connectWith().restrictions().topicAliasMaximum(3).applyRestrictions().send();
        Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("ta-hive-pub").serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        pub.connect();
        List<String> sent = new ArrayList<>();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("hive/alias/#").qos(MqttQos.AT_LEAST_ONCE).send();
            // five topics over three aliases, each topic several times: new, known and replaced aliases
            for (int round = 0; round < 3; round++) {
                for (int t = 0; t < 5; t++) {
                    String topic = "hive/alias/topic-number-" + t;
                    String payload = round + ":" + t;
                    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes()).send();
                    sent.add(topic + "=" + payload);
                }
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                Mqtt5Publish p = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
                got.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertThat(got).containsExactlyElementsOf(sent);
        }
        assertThat(sub.getState().isConnected()).isTrue();
        sub.disconnect();
        pub.disconnect();
    }
}
