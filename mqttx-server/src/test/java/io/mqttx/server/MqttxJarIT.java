package io.mqttx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The packaged jar as users run it: a separate JVM, real MQTT clients (mosquitto_pub/sub) and SIGTERM. Runs in the
 * integration-test phase, after {@code package} built {@code target/mqttx.jar}. Needs mosquitto-clients; without them
 * it fails rather than skips, so a machine that lacks them cannot pass unnoticed.
 */
class MqttxJarIT {
    /** Generous: two cores shared by several builds make a JVM start take seconds. */
    private static final Duration START_BOUND = Duration.ofSeconds(60);
    private static final Duration STOP_BOUND = Duration.ofSeconds(30);
    private static final Duration CLIENT_BOUND = Duration.ofSeconds(20);

    private static Path jar;
    private static Path work;
    private final List<Process> processes = new ArrayList<>();
    private Path logs;

    @BeforeAll
    static void findTheJarAndTheClients() throws IOException, InterruptedException {
        for (String client : List.of("mosquitto_pub", "mosquitto_sub")) {
            try {
                new ProcessBuilder(client, "--help").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException e) {
                throw new AssertionError(client + " is missing: install the mosquitto-clients package", e);
            }
        }
        jar = Path.of(System.getProperty("mqttx.jar", "target/mqttx.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged jar (run through mvn verify)").isRegularFile();
        work = Files.createDirectories(Path.of("target", "it-work").toAbsolutePath());
    }

    @AfterEach
    void killLeftovers() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void theJarServesMosquittoClientsAndStopsCleanlyOnSigterm(TestInfo test) throws Exception {
        int port = freePort();
        Path log = logFile(test);
        long t0 = System.nanoTime();
        Process broker = start(log, javaCommand("--mqttx.socket.port=" + port, "--mqttx.enable-test-mode=true"));
        await("port " + port + " open").atMost(START_BOUND).pollInterval(Duration.ofMillis(20))
                .until(() -> portOpen(port) || !broker.isAlive());
        assertThat(broker.isAlive()).as("broker running; log:%n%s", read(log)).isTrue();
        long startMillis = (System.nanoTime() - t0) / 1_000_000;
        Files.writeString(work.resolve("start-time-ms.txt"), startMillis + System.lineSeparator());
        System.out.println("mqttx.jar: process start to port open in " + startMillis + " ms");
        assertThat(read(log)).contains("listening for MQTT (tcp").contains("mqttx 0.1.0");

        // QoS 1: the subscriber is up (SUBACK seen) before the publish, and gets it at QoS 1
        Path subLog = logFile(test, "sub-qos1");
        // stdbuf: mosquitto_sub's debug lines would otherwise sit in its stdout buffer until it exits
        Process sub = start(subLog, List.of("stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-i", "it-sub", "-t", "it/qos1", "-q", "1", "-C", "1", "-W", "20", "-v", "-d"));
        await("SUBACK").atMost(CLIENT_BOUND).until(() -> read(subLog).contains("SUBACK") || !sub.isAlive());
        Process pub = start(logFile(test, "pub-qos1"), List.of("mosquitto_pub", "-h", "127.0.0.1",
                "-p", String.valueOf(port), "-i", "it-pub", "-t", "it/qos1", "-q", "1", "-m", "hello-qos1", "-d"));
        assertExit(pub, 0);
        assertThat(read(logFile(test, "pub-qos1"))).contains("received PUBACK");
        assertExit(sub, 0);
        assertThat(read(subLog)).contains("received PUBLISH (d0, q1, r0").contains("it/qos1 hello-qos1");

        // retained: published before anyone subscribes, delivered to a later subscriber with the retain flag
        Process retainPub = start(logFile(test, "pub-retained"), List.of("mosquitto_pub", "-h", "127.0.0.1",
                "-p", String.valueOf(port), "-t", "it/retained", "-q", "1", "-r", "-m", "kept", "-d"));
        assertExit(retainPub, 0);
        Path retainSubLog = logFile(test, "sub-retained");
        Process retainSub = start(retainSubLog, List.of("mosquitto_sub", "-h", "127.0.0.1",
                "-p", String.valueOf(port), "-t", "it/retained", "-q", "1", "-C", "1", "-W", "20", "-v", "-d"));
        assertExit(retainSub, 0);
        assertThat(read(retainSubLog)).contains("r1").contains("it/retained kept");

        // SIGTERM: Spring's shutdown hook closes the broker; the JVM reports 128 + 15
        long s0 = System.nanoTime();
        broker.destroy();
        assertThat(broker.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)).as("stopped within %s", STOP_BOUND)
                .isTrue();
        System.out.println("mqttx.jar: SIGTERM to exit in " + (System.nanoTime() - s0) / 1_000_000 + " ms");
        assertThat(broker.exitValue()).as("exit status after SIGTERM; log:%n%s", read(log)).isEqualTo(143);
        assertThat(read(log)).contains("stopping mqttx").contains("mqttx stopped").doesNotContain("ERROR");
        assertThat(portOpen(port)).isFalse();
    }

    @Test
    void theJarRefusesAFeatureItDoesNotHaveWithOneLineAndExitStatus2(TestInfo test) throws Exception {
        Path log = logFile(test);
        Process broker = start(log, javaCommand("--mqttx.socket.port=" + freePort(), "--mqttx.cluster.enable=true"));
        assertThat(broker.waitFor(START_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String out = read(log);
        assertThat(broker.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("APPLICATION FAILED TO START")
                .contains(System.lineSeparator() + "mqttx.cluster.enable=true: clustering is not available in this"
                        + " version" + System.lineSeparator())
                .as("no stack trace").doesNotContain("\tat ");
    }

    private List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Process start(Path output, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        try {
            Process p = pb.start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        }
    }

    private static void assertExit(Process p, int expected) throws InterruptedException {
        assertThat(p.waitFor(CLIENT_BOUND.toSeconds(), TimeUnit.SECONDS)).as("%s ended", p.info().command())
                .isTrue();
        assertThat(p.exitValue()).as("exit status of %s", p.info().commandLine().orElse("?")).isEqualTo(expected);
    }

    private Path logFile(TestInfo test) throws IOException {
        return logFile(test, "mqttx");
    }

    private Path logFile(TestInfo test, String name) throws IOException {
        if (logs == null) {
            logs = Files.createDirectories(work.resolve(test.getTestMethod().orElseThrow().getName()));
        }
        return logs.resolve(name + ".log");
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
