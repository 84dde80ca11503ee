package io.mqttx.broker.v5;

import static io.mqttx.broker.testkit.Packets.CLEAN;
import static io.mqttx.broker.testkit.Packets.ack;
import static io.mqttx.broker.testkit.Packets.cat;
import static io.mqttx.broker.testkit.Packets.connect5;
import static io.mqttx.broker.testkit.Packets.propU16;
import static io.mqttx.broker.testkit.Packets.publish5;
import static io.mqttx.broker.testkit.Packets.str;
import static io.mqttx.broker.testkit.Packets.suback5;
import static io.mqttx.broker.testkit.Packets.subscribe5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.mqttx.broker.conformance.ConformanceCases;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The broker never has more QoS 1/2 PUBLISHes unacknowledged at a client than its Receive Maximum [MQTT-3.3.4-9]. */
class ClientReceiveMaximumTest {

    @Test
    void aThirdMessageWaitsUntilOneOfTwoIsAcknowledged() throws Exception {
        try (TestBroker broker = TestBroker.start(); RawClient raw = new RawClient(broker.port())) {
            raw.send(connect5(CLEAN, 60, propU16(0x21, 2), str("rm-raw"))); // Receive Maximum 2
            raw.expect(ConformanceCases.V5_CONNACK_OK);
            raw.send(subscribe5(1, "", "rm/t", 1));
            raw.expect(suback5(1, 1));
            Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("rm-pub").serverHost("127.0.0.1")
                    .serverPort(broker.port()).buildBlocking();
            pub.connect();
            for (String payload : new String[] {"31", "32", "33"}) {
                pub.publishWith().topic("rm/t").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(io.mqttx.broker.testkit.Packets.bytes(payload)).send();
            }
            raw.expect(cat(publish5(0x02, "rm/t", 1, "", "31"), publish5(0x02, "rm/t", 2, "", "32")));
            raw.assertSilentFor(Duration.ofMillis(500)); // the third waits for the window
            raw.send(ack(0x40, 1));
            raw.expect(publish5(0x02, "rm/t", 3, "", "33"));
            pub.disconnect();
        }
    }
}
