package io.mqttx.broker.v5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.security.scram.ScramCredential;
import io.mqttx.broker.security.scram.ScramSha256Authenticator;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.ScramClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 enhanced authentication (section 4.12) with SCRAM-SHA-256, driven by the HiveMQ client's AUTH support. */
class EnhancedAuthenticationTest {
    private MqttBroker broker;

    @BeforeEach
    void start() {
        // raw replies are compared byte for byte: without Reason Strings (free text; ReasonStringTest covers them)
        BrokerConfig config = BrokerConfig.builder().listeners(List.of(ListenerConfig.tcp("127.0.0.1", 0)))
                .reasonStrings(false).build();
        broker = new MqttBroker(config).withEnhancedAuthentication(ScramSha256Authenticator.of(
                Map.of("alice", ScramCredential.fromPassword("wonderland".toCharArray(), 4096)))).start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Mqtt5BlockingClient client(String id, ScramClient scram) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
                .enhancedAuth(scram).buildBlocking();
    }

    @Test
    void scramSucceedsAndTheServerProvesItselfToo() {
        ScramClient scram = new ScramClient("alice", "wonderland");
        Mqtt5BlockingClient c = client("alice-1", scram);
        Mqtt5ConnAck ack = c.connect();
        assertThat(ack.getReasonCode().isError()).isFalse();
        assertThat(scram.successes).hasValue(1);
        c.disconnect();
    }

    @Test
    void aWrongPasswordIsRefusedWithNotAuthorized() {
        Mqtt5BlockingClient c = client("alice-2", new ScramClient("alice", "guess"));
        assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x87));
    }

    @Test
    void reAuthenticationSucceedsOnAConnectedClient_MQTT_4_12_1() {
        ScramClient scram = new ScramClient("alice", "wonderland");
        Mqtt5BlockingClient c = client("alice-3", scram);
        c.connect();
        c.reauth();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> scram.successes.get() == 2);
        assertThat(c.getState().isConnected()).isTrue();
        c.disconnect();
    }

    @Test
    void anUnknownMethodGetsBadAuthenticationMethod_MQTT_4_12_0_1() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            // CONNECT v5 id "x", properties: Authentication Method "PLAIN-X"
            raw.send("10 18 00 04 4d 51 54 54 05 02 00 3c 0a 15 00 07 50 4c 41 49 4e 2d 58 00 01 78");
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).startsWith("2003008c");
        }
    }

    @Test
    void packetsOtherThanAuthBeforeConnackAreAProtocolError_MQTT_3_1_2_30() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            // CONNECT v5 with method SCRAM-SHA-256 and client-first data, then a PINGREQ before finishing
            String method = "53 43 52 41 4d 2d 53 48 41 2d 32 35 36"; // 13 bytes
            String first = "6e 2c 2c 6e 3d 61 2c 72 3d 78"; // "n,,n=a,r=x", 10 bytes
            raw.send("10 2b 00 04 4d 51 54 54 05 02 00 3c 1d 15 00 0d " + method + " 16 00 0a " + first
                    + " 00 01 78");
            assertThat(raw.read(2, Duration.ofSeconds(5))[0]).isEqualTo((byte) 0xF0); // AUTH continue
            raw.send("c0 00");
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).contains("2003008200");
        }
    }
}
