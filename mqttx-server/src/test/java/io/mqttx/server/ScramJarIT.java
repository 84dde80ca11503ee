package io.mqttx.server;

import static io.mqttx.server.JarProcesses.freePort;
import static io.mqttx.server.JarProcesses.mosquitto;
import static io.mqttx.server.JarProcesses.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttx.broker.testkit.ScramClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT 5 enhanced authentication from the packaged jar: a SCRAM credentials file made with
 * {@code java -jar mqttx.jar passwd --scram}, set as {@code mqttx.auth.scram-file}, and HiveMQ clients doing
 * SCRAM-SHA-256 against it.
 */
class ScramJarIT {
    @RegisterExtension
    final JarProcesses jar = new JarProcesses();

    private Mqtt5AsyncClient client(int port, String id, ScramClient scram) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port).enhancedAuth(scram)
                .buildAsync();
    }

    private static Mqtt5ConnAck connect(Mqtt5AsyncClient client) throws Exception {
        return client.connect().get(JarProcesses.CLIENT_BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void usersOfTheScramFileProveTheirPasswordAndOthersAreRefused() throws Exception {
        jar.assertExit(jar.start("passwd", jar.java("passwd", "--scram", "scram", "alice"), "wonderland\n"),
                "passwd", 0);
        assertThat(Files.readString(jar.dir.resolve("scram"))).startsWith("alice:SCRAM-SHA-256$100000:")
                .doesNotContain("wonderland");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.dir.resolve("scram"))))
                .isEqualTo("rw-------");
        int port = freePort();
        Process broker = jar.startBroker("mqttx", port, "--mqttx.socket.port=" + port,
                "--mqttx.enable-test-mode=true", "--mqttx.auth.scram-file=./scram");
        assertThat(read(jar.log("mqttx"))).contains("anonymous clients refused")
                .contains("MQTT 5 enhanced authentication: SCRAM-SHA-256 from ./scram (1 users)")
                .doesNotContain("no authentication configured").doesNotContain("readable by group or others");

        // the right password: in, the server proved it knows the credential, and messages flow
        ScramClient aliceScram = new ScramClient("alice", "wonderland");
        Mqtt5AsyncClient alice = client(port, "alice-1", aliceScram);
        assertThat(connect(alice).getReasonCode().getCode()).isZero();
        assertThat(aliceScram.successes).hasValue(1);
        CompletableFuture<Mqtt5Publish> received = new CompletableFuture<>();
        alice.subscribeWith().topicFilter("t/#").qos(MqttQos.AT_LEAST_ONCE).callback(received::complete).send()
                .get(JarProcesses.CLIENT_BOUND.toSeconds(), TimeUnit.SECONDS);
        alice.publishWith().topic("t/1").qos(MqttQos.AT_LEAST_ONCE)
                .payload("hello".getBytes(StandardCharsets.UTF_8)).send()
                .get(JarProcesses.CLIENT_BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(new String(received.get(JarProcesses.CLIENT_BOUND.toSeconds(), TimeUnit.SECONDS)
                .getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        alice.disconnect().get(JarProcesses.CLIENT_BOUND.toSeconds(), TimeUnit.SECONDS);

        // a wrong password: the proof fails, CONNACK 0x87 Not authorized (as for a name not in the file)
        assertThatThrownBy(() -> connect(client(port, "alice-2", new ScramClient("alice", "guess"))))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x87));

        // without the method the SCRAM users do not exist: plain username/password and anonymous are refused
        assertThat(jar.run("pub-plain", mosquitto("mosquitto_pub", port, "-u", "alice", "-P", "wonderland",
                "-t", "t/1", "-m", "x"), 4)).contains("bad user name or password");
        assertThat(jar.run("pub-anonymous", mosquitto("mosquitto_pub", port, "-t", "t/1", "-m", "x"), 5))
                .contains("not authorised");

        jar.stop(broker, "mqttx");
    }

    @Test
    void aMissingScramFileRefusesToStartWithExitCode2() throws Exception {
        String out = jar.startRefused("mqttx", 2, "--mqttx.socket.port=" + freePort(),
                "--mqttx.enable-test-mode=true", "--mqttx.auth.scram-file=./no-such-scram");
        assertThat(out).contains("cannot read the SCRAM credentials file").contains("no-such-scram");
    }
}
