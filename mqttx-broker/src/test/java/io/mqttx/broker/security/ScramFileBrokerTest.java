package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.ScramClient;
import io.mqttx.broker.testkit.TestBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 enhanced authentication as {@link SecurityFactory} builds it from a SCRAM credentials file written by the
 * passwd tool, seen by the HiveMQ client doing SCRAM-SHA-256; the proven name is what the ACL knows the client by.
 */
class ScramFileBrokerTest {
    @TempDir
    Path dir;
    private Security security;
    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        Path scram = dir.resolve("scram");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PasswordFileTool tool = new PasswordFileTool(
                new ByteArrayInputStream("wonderland\n".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8),
                null, new SecureRandom(), PasswordHash.MIN_ITERATIONS);
        assertThat(tool.run("--scram", scram.toString(), "alice")).as(out.toString(StandardCharsets.UTF_8))
                .isEqualTo(PasswordFileTool.OK);
        Path acl = dir.resolve("acl");
        Files.writeString(acl, "user alice\ntopic readwrite alice/#\n");
        security = SecurityFactory.build(SecuritySettings.builder().scramFile(scram).topicAuthorization(true)
                .aclFile(acl).build());
        broker = TestBroker.start(b -> b, new MemoryBrokerStore(), security);
    }

    @AfterEach
    void stop() {
        broker.close();
        security.close();
    }

    private Mqtt5BlockingClient client(String id, ScramClient scram) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
                .enhancedAuth(scram).buildBlocking();
    }

    private static int refusal(Runnable connect) {
        try {
            connect.run();
        } catch (Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode().getCode();
        }
        throw new AssertionError("connected");
    }

    @Test
    void theRightPasswordGetsInAndTheServerProvesItKnowsTheCredential() {
        ScramClient scram = new ScramClient("alice", "wonderland");
        Mqtt5BlockingClient alice = client("alice-1", scram);
        Mqtt5ConnAck connAck = alice.connect();
        assertThat(connAck.getReasonCode().getCode()).isZero();
        assertThat(scram.successes).as("server signature checked").hasValue(1);

        // the ACL's user block applies to the name SCRAM proved
        assertThat(alice.subscribeWith().topicFilter("alice/#").qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThatThrownBy(() -> alice.subscribeWith().topicFilter("bob/#").qos(MqttQos.AT_LEAST_ONCE).send())
                .isInstanceOfSatisfying(Mqtt5SubAckException.class, e -> assertThat(e.getMqttMessage()
                        .getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
        alice.disconnect();
    }

    @Test
    void aWrongPasswordOrUnknownUserIsRefusedNotAuthorized() {
        assertThat(refusal(() -> client("alice-2", new ScramClient("alice", "guess")).connect()))
                .isEqualTo(0x87);
        assertThat(refusal(() -> client("nobody", new ScramClient("mallory", "wonderland")).connect()))
                .isEqualTo(0x87);
        assertThat(broker.broker().sessionCount()).isZero();
    }

    @Test
    void clientsWithoutTheMethodTakeThePlainPathWhichHasNoUsers() throws Exception {
        assertThat(Clients.v5ConnectCode(broker, "plain", "alice", "wonderland")).isEqualTo(0x86);
        assertThat(Clients.v5ConnectCode(broker, "anonymous", null, null)).isEqualTo(0x87);
        assertThat(Clients.v3ConnectCode(broker, "v3", "alice", "wonderland")).isEqualTo(0x04);
    }
}
