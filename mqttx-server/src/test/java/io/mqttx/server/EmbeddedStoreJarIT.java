package io.mqttx.server;

import static io.mqttx.server.JarProcesses.freePort;
import static io.mqttx.server.JarProcesses.mosquitto;
import static io.mqttx.server.JarProcesses.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The jar on its default store, the embedded one: what a client was promised survives a SIGTERM and a restart. */
class EmbeddedStoreJarIT {
    @RegisterExtension
    final JarProcesses jar = new JarProcesses();

    @Test
    void aQueuedMessageForAnOfflinePersistentSessionAndARetainedMessageSurviveARestart() throws Exception {
        Path data = jar.dir.resolve("data");
        int port = freePort();
        Process broker = jar.startBroker("mqttx-1", port, "--mqttx.socket.port=" + port,
                "--mqttx.store.path=" + data);
        assertThat(read(jar.log("mqttx-1"))).contains("store: embedded (RocksDB) in " + data + ", sync=false");

        // a persistent session (-c) subscribed at QoS 1, then offline (-E: exit once subscribed)
        jar.run("sub-subscribe", mosquitto("mosquitto_sub", port, "-c", "-i", "it-persistent", "-q", "1",
                "-t", "it/queued", "-E"), 0);
        jar.run("pub-queued", mosquitto("mosquitto_pub", port, "-q", "1", "-t", "it/queued", "-m", "while-offline"), 0);
        jar.run("pub-retained", mosquitto("mosquitto_pub", port, "-q", "1", "-r", "-t", "it/retained",
                "-m", "kept-across-restart"), 0);
        jar.stop(broker, "mqttx-1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");

        int port2 = freePort();
        broker = jar.startBroker("mqttx-2", port2, "--mqttx.socket.port=" + port2, "--mqttx.store.path=" + data);
        // the broker logs what it restored just after its port opens
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(read(jar.log("mqttx-2"))).contains("1 sessions and 1 retained messages restored"));
        // the session resumes (-c, same id) and gets what was queued while it was away, at QoS 1
        assertThat(jar.run("sub-resume", mosquitto("mosquitto_sub", port2, "-c", "-i", "it-persistent", "-q", "1",
                "-t", "it/queued", "-C", "1", "-W", "20", "-v", "-d"), 0))
                .contains("received PUBLISH (d0, q1, r0").contains("it/queued while-offline");
        assertThat(jar.run("sub-retained", mosquitto("mosquitto_sub", port2, "-t", "it/retained", "-q", "1",
                "-C", "1", "-W", "20", "-v", "-d"), 0)).contains("r1").contains("it/retained kept-across-restart");
        jar.stop(broker, "mqttx-2");
    }

    @Test
    void aDirectoryOfAnotherProgramStopsTheStartWithOneMessageAndExitStatus1() throws Exception {
        Path foreign = Files.createDirectories(jar.dir.resolve("not-a-store"));
        Files.writeString(foreign.resolve("notes.txt"), "someone else's files");
        String out = jar.startRefused("mqttx", 1, "--mqttx.socket.port=" + freePort(),
                "--mqttx.store.path=" + foreign);
        assertThat(out).contains("mqttx could not open its store (mqttx.store.path=" + foreign + "): ");
        assertThat(foreign.resolve("notes.txt")).hasContent("someone else's files");
    }
}
