package io.mqttx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Small runs of every mode against a real Mosquitto, through the same Java API the CLI uses. One
 * broker for the class (per-class lifecycle, so its handle is an instance field, not static state).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MosquittoIntegrationTest {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    private Path dir;

    private Process broker;
    private int port;
    private int tlsPort;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    void startMosquitto(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO), "mosquitto is not installed at " + MOSQUITTO);
        port = freePort();
        tlsPort = freePort();
        StringBuilder conf = new StringBuilder()
                .append("listener ").append(port).append(" 127.0.0.1\n")
                .append("allow_anonymous true\n")
                .append("max_queued_messages 0\n")
                .append("max_inflight_messages 100\n")
                .append("set_tcp_nodelay true\n");
        if (makeCertificate()) {
            conf.append("listener ").append(tlsPort).append(" 127.0.0.1\n")
                    .append("allow_anonymous true\n")
                    .append("certfile ").append(dir.resolve("cert.pem")).append('\n')
                    .append("keyfile ").append(dir.resolve("key.pem")).append('\n');
        } else {
            tlsPort = -1;
        }
        Path confFile = dir.resolve("mosquitto.conf");
        Files.writeString(confFile, conf);
        broker = new ProcessBuilder(MOSQUITTO.toString(), "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile())
                .start();
        started.add(broker);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> accepts(port) && broker.isAlive());
    }

    @AfterAll
    void stopMosquitto() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private boolean makeCertificate() throws InterruptedException {
        try {
            // The key and cert are readable by all: mosquitto started as root drops to user "mosquitto" first.
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", dir.resolve("key.pem").toString(),
                    "-out", dir.resolve("cert.pem").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
            started.add(p);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return false;
            }
            dir.toFile().setExecutable(true, false);
            dir.toFile().setReadable(true, false);
            dir.resolve("key.pem").toFile().setReadable(true, false);
            dir.resolve("cert.pem").toFile().setReadable(true, false);
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

    private static boolean accepts(int p) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", p), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static ClientSettings client(int p, MqttVersion v) {
        return ClientSettings.defaults(BrokerAddress.parse("tcp://127.0.0.1:" + p)).withVersion(v);
    }

    private OptionalLong brokerPid() {
        return OptionalLong.of(broker.pid());
    }

    @ParameterizedTest(name = "pub qos {0} mqtt {1}")
    @CsvSource({"0, 3.1.1", "1, 3.1.1", "2, 3.1.1", "1, 5", "2, 5"})
    void pubEveryMessageIsAcknowledged(int qos, String version) {
        PubSettings s = new PubSettings(client(port, Main.parseVersion(version)), 20, 200, 256, qos, 8, "it/pub",
                Duration.ofSeconds(30), Duration.ofSeconds(10), brokerPid());
        RunResult r = new PubBenchmark(s, null).run();

        assertThat(r.status()).as(r.message() + " / " + r.line()).isEqualTo(RunResult.Status.OK);
        assertThat(r.get("sent")).isEqualTo(20 * 200);
        assertThat(r.get("acked")).isEqualTo(20 * 200);
        assertThat(r.line().get("broker_cpu_pct")).isNotEqualTo(ResultLine.NOT_AVAILABLE);
        if (qos > 0) {
            assertThat(r.get("p50_us")).isPositive();
        }
    }

    @Test
    void e2eWildcardDeliversEveryMessageToEverySubscriberOnce() {
        E2eSettings s = new E2eSettings(client(port, MqttVersion.MQTT_3_1_1), Topology.WILDCARD, 4, 3, 500, 64, 1, 16,
                0, "it/e2e", Duration.ofSeconds(30), Duration.ofSeconds(10), 0, brokerPid());
        RunResult r = new E2eBenchmark(s, null).run();

        assertThat(r.status()).as(r.message() + " / " + r.line()).isEqualTo(RunResult.Status.OK);
        assertThat(r.get("sent")).isEqualTo(4 * 500);
        assertThat(r.get("acked")).isEqualTo(4 * 500);
        assertThat(r.get("expected")).isEqualTo(3 * 4 * 500);
        assertThat(r.get("delivered")).isEqualTo(3 * 4 * 500);
        assertThat(r.get("lost")).isZero();
        assertThat(r.get("dup")).isZero();
        assertThat(r.get("unexpected")).isZero();
        assertThat(r.get("p99_us")).isPositive();
    }

    @Test
    void e2eOwnTopicsQos2OverMqtt5AtAFixedRate() {
        E2eSettings s = new E2eSettings(client(port, MqttVersion.MQTT_5), Topology.OWN, 3, 3, 100, 100, 2, 4,
                600, "it/own", Duration.ofSeconds(30), Duration.ofSeconds(10), 10, brokerPid());
        RunResult r = new E2eBenchmark(s, null).run();

        assertThat(r.status()).as(r.message() + " / " + r.line()).isEqualTo(RunResult.Status.OK);
        assertThat(r.get("expected")).isEqualTo(300);
        assertThat(r.get("delivered")).isEqualTo(300);
        assertThat(r.get("lost")).isZero();
        assertThat(r.get("dup")).isZero();
        // 300 messages at 600/s: about half a second, not as fast as possible.
        assertThat(Double.parseDouble(r.line().get("secs"))).isGreaterThan(0.4);
    }

    @Test
    void fanoutQos0ReachesEverySubscriber() {
        E2eSettings s = new E2eSettings(client(port, MqttVersion.MQTT_3_1_1), Topology.FANOUT, 1, 20, 300, 64, 0, 1,
                0, "it/fan", Duration.ofSeconds(30), Duration.ofSeconds(10), 0, brokerPid());
        RunResult r = new E2eBenchmark(s, null).run();

        assertThat(r.status()).as(r.message() + " / " + r.line()).isEqualTo(RunResult.Status.OK);
        assertThat(r.get("sent")).isEqualTo(300);
        assertThat(r.get("delivered")).isEqualTo(20 * 300);
        assertThat(r.get("lost")).isZero();
    }

    @Test
    void connHoldsConnectionsAndReadsBrokerRss() {
        ConnSettings s = new ConnSettings(client(port, MqttVersion.MQTT_3_1_1).withSourceAddresses(2), 300,
                Duration.ofMillis(500), 0, brokerPid());
        RunResult r = new ConnBenchmark(s, null).run();

        assertThat(r.status()).as(r.message() + " / " + r.line()).isEqualTo(RunResult.Status.OK);
        assertThat(r.get("connected")).isEqualTo(300);
        assertThat(r.get("failed")).isZero();
        assertThat(r.get("dropped")).isZero();
        assertThat(r.get("broker_rss_kb")).isPositive();
        assertThat(r.get("source_addrs")).isEqualTo(2);
    }

    @Test
    void tlsConnectionsWork() {
        Assumptions.assumeTrue(tlsPort > 0, "openssl could not make a certificate");
        ClientSettings c = ClientSettings.defaults(new BrokerAddress("127.0.0.1", tlsPort, true));
        PubSettings s = new PubSettings(c, 5, 100, 128, 1, 8, "it/tls", Duration.ofSeconds(30), Duration.ofSeconds(10),
                OptionalLong.empty());
        RunResult r = new PubBenchmark(s, null).run();

        assertThat(r.status()).as(r.message() + " / " + r.line()).isEqualTo(RunResult.Status.OK);
        assertThat(r.get("acked")).isEqualTo(500);
    }

    @Test
    void unreachableBrokerFailsFastWithAClearMessage() throws IOException {
        int closed = freePort();
        PubSettings s = new PubSettings(client(closed, MqttVersion.MQTT_3_1_1), 5, 10, 10, 1, 8, "it/none",
                Duration.ofSeconds(10), Duration.ofSeconds(5), OptionalLong.empty());
        long start = System.nanoTime();
        RunResult r = new PubBenchmark(s, null).run();

        assertThat(r.status()).isEqualTo(RunResult.Status.FAILED);
        assertThat(r.status().exitCode()).isEqualTo(1);
        assertThat(r.message()).contains("cannot connect").contains("connection refused");
        assertThat(r.line().get("status")).isEqualTo("failed");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
}
