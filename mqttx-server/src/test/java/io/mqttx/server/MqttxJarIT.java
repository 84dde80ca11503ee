package io.mqttx.server;

import static io.mqttx.server.JarProcesses.freePort;
import static io.mqttx.server.JarProcesses.mosquitto;
import static io.mqttx.server.JarProcesses.portOpen;
import static io.mqttx.server.JarProcesses.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttx.broker.testkit.PahoClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged jar as users run it: a separate JVM, real MQTT clients (mosquitto_pub/sub) and SIGTERM. Runs in the
 * integration-test phase, after {@code package} built {@code target/mqttx.jar}.
 */
class MqttxJarIT {
    @RegisterExtension
    final JarProcesses jar = new JarProcesses();

    @Test
    void theJarServesMosquittoClientsAndStopsCleanlyOnSigterm() throws Exception {
        int port = freePort();
        int wsPort = freePort();
        long t0 = System.nanoTime();
        Process broker = jar.startBroker("mqttx", port, "--mqttx.socket.port=" + port, "--mqttx.enable-test-mode=true",
                "--mqttx.websocket.enable=true", "--mqttx.websocket.port=" + wsPort);
        long startMillis = (System.nanoTime() - t0) / 1_000_000;
        Files.writeString(jar.work.resolve("start-time-ms.txt"), startMillis + System.lineSeparator());
        System.out.println("mqttx.jar: process start to port open in " + startMillis + " ms");
        assertThat(read(jar.log("mqttx"))).contains("listening for MQTT (tcp").contains("mqttx 0.1.0");
        await("WebSocket port open").atMost(JarProcesses.START_BOUND).until(() -> portOpen(wsPort));
        assertThat(read(jar.log("mqttx"))).contains("listening for MQTT (ws: WebSocket at /mqtt)");

        // QoS 1: the subscriber is up (SUBACK seen) before the publish, and gets it at QoS 1
        // stdbuf: mosquitto_sub's debug lines would otherwise sit in its stdout buffer until it exits
        Process sub = jar.start("sub-qos1", List.of("stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1",
                "-p", String.valueOf(port), "-i", "it-sub", "-t", "it/qos1", "-q", "1", "-C", "1", "-W", "20", "-v",
                "-d"));
        await("SUBACK").atMost(JarProcesses.CLIENT_BOUND)
                .until(() -> read(jar.log("sub-qos1")).contains("SUBACK") || !sub.isAlive());
        assertThat(jar.run("pub-qos1", mosquitto("mosquitto_pub", port, "-i", "it-pub", "-t", "it/qos1", "-q", "1",
                "-m", "hello-qos1", "-d"), 0)).contains("received PUBACK");
        assertThat(jar.assertExit(sub, "sub-qos1", 0)).contains("received PUBLISH (d0, q1, r0")
                .contains("it/qos1 hello-qos1");

        // retained: published before anyone subscribes, delivered to a later subscriber with the retain flag
        jar.run("pub-retained", mosquitto("mosquitto_pub", port, "-t", "it/retained", "-q", "1", "-r", "-m", "kept",
                "-d"), 0);
        assertThat(jar.run("sub-retained", mosquitto("mosquitto_sub", port, "-t", "it/retained", "-q", "1",
                "-C", "1", "-W", "20", "-v", "-d"), 0)).contains("r1").contains("it/retained kept");

        // plain ws:// (no TLS): a Paho client over WebSocket gets its own QoS 1 message back, and one that
        // mosquitto_pub sent over TCP
        try (PahoClients.Client ws = PahoClients.connect("ws://127.0.0.1:" + wsPort + "/mqtt", "it-ws", true)) {
            ws.paho.subscribe("it/ws/#", 1);
            ws.publish("it/ws/own", "over ws", 1, false);
            PahoClients.Received own = ws.next();
            assertThat(own.topic()).isEqualTo("it/ws/own");
            assertThat(own.text()).isEqualTo("over ws");
            jar.run("pub-to-ws", mosquitto("mosquitto_pub", port, "-t", "it/ws/tcp", "-q", "1", "-m", "from tcp"), 0);
            PahoClients.Received fromTcp = ws.next();
            assertThat(fromTcp.topic()).isEqualTo("it/ws/tcp");
            assertThat(fromTcp.text()).isEqualTo("from tcp");
            assertThat(fromTcp.message().getQos()).isEqualTo(1);
        }

        // SIGTERM: Spring's shutdown hook closes the broker; the JVM reports 128 + 15
        long s0 = System.nanoTime();
        jar.stop(broker, "mqttx");
        System.out.println("mqttx.jar: SIGTERM to exit in " + (System.nanoTime() - s0) / 1_000_000 + " ms");
        assertThat(read(jar.log("mqttx"))).contains("stopping mqttx");
        assertThat(portOpen(port)).isFalse();
    }

    @Test
    void theJarRefusesAFeatureItDoesNotHaveWithOneLineAndExitStatus2() throws Exception {
        String out = jar.startRefused("mqttx", 2, "--mqttx.socket.port=" + freePort(),
                "--mqttx.cluster.enable=true");
        assertThat(out).contains(System.lineSeparator() + "mqttx.cluster.enable=true: clustering is not available in"
                + " this version" + System.lineSeparator());
    }

    @Test
    void withSysTopicsEnabledTheBrokerAnswersSysBrokerStatus() throws Exception {
        int port = freePort();
        Process broker = jar.startBroker("mqttx", port, "--mqttx.socket.port=" + port,
                "--mqttx.enable-test-mode=true", "--mqttx.sys-topic.enable=true", "--mqttx.sys-topic.interval=1s");
        assertThat(jar.run("sub-status", mosquitto("mosquitto_sub", port, "-t", "$SYS/broker/status", "-q", "1",
                "-C", "1", "-W", "20", "-v"), 0))
                .startsWith("$SYS/broker/status {").contains("\"activeConnectCount\"").contains("\"version\"");
        jar.stop(broker, "mqttx");
    }

    @Test
    void thePasswdSubcommandAddsAUserFromStdinToAnOwnerOnlyFileWithoutStartingTheBroker() throws Exception {
        Path file = jar.dir.resolve("passwd");
        String out = jar.assertExit(jar.start("passwd-add", jar.java("passwd", file.toString(), "alice"),
                "alice-secret\n"), "passwd-add", 0);
        assertThat(out).contains("added alice in " + file).doesNotContain("Starting MqttxApplication");
        assertThat(Files.readString(file)).startsWith("alice:$pbkdf2-sha512$").doesNotContain("alice-secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        assertThat(jar.assertExit(jar.start("passwd-update", jar.java("passwd", file.toString(), "alice"),
                "changed\n"), "passwd-update", 0)).contains("updated alice");
        assertThat(jar.assertExit(jar.start("passwd-delete", jar.java("passwd", "-D", file.toString(), "alice"),
                ""), "passwd-delete", 0)).contains("deleted alice");
        assertThat(Files.readString(file)).doesNotContain("alice");
        assertThat(jar.assertExit(jar.start("passwd-empty", jar.java("passwd", file.toString(), "bob"), "\n"),
                "passwd-empty", 1)).contains("empty password refused");
        assertThat(jar.assertExit(jar.start("passwd-usage", jar.java("passwd"), ""), "passwd-usage", 2))
                .contains("usage: passwd FILE USER");
    }
}
