package io.mqttx.broker.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mqttx.broker.connection.MqttConnection;
import io.mqttx.broker.session.Session;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A flood of misbehaving sockets, or a client repeating a refused request, is not a flood of the log: each kind of
 * problem is logged at INFO once, then at most once per interval with a count, and each occurrence at DEBUG.
 */
class ConnectionLogFloodTest {
    private static final int SOCKETS = 100;

    private final Logger project = (Logger) LoggerFactory.getLogger("io.mqttx");
    private final Logger connection = (Logger) LoggerFactory.getLogger(MqttConnection.class);
    private final Logger guard = (Logger) LoggerFactory.getLogger("io.mqttx.broker.transport.FirstPacketGuard");
    private final Logger session = (Logger) LoggerFactory.getLogger(Session.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level connectionLevel;
    private Level guardLevel;
    private Level sessionLevel;

    @BeforeEach
    void capture() {
        connectionLevel = connection.getLevel();
        guardLevel = guard.getLevel();
        sessionLevel = session.getLevel();
        // DEBUG too, to see that every occurrence is still logged, only not at INFO
        connection.setLevel(Level.DEBUG);
        guard.setLevel(Level.DEBUG);
        session.setLevel(Level.DEBUG);
        lines.start();
        project.addAppender(lines);
    }

    @AfterEach
    void release() {
        project.detachAppender(lines);
        connection.setLevel(connectionLevel);
        guard.setLevel(guardLevel);
        session.setLevel(sessionLevel);
    }

    @Test
    void silentSocketsLogABoundedNumberOfInfoLines() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.connectTimeout(Duration.ofSeconds(1)))) {
            List<RawClient> silent = open(broker, SOCKETS);
            try {
                awaitAllClosed(silent);
            } finally {
                closeAll(silent);
            }
        }
        assertBounded("no CONNECT within");
        assertThat(infoOrAbove()).as("INFO/WARN lines of the whole broker").hasSizeLessThanOrEqualTo(10);
    }

    @Test
    void socketsSendingGarbageLogABoundedNumberOfInfoLines() throws Exception {
        // reserved bit of the Connect Flags set: a malformed CONNECT [MQTT-3.1.2-3]
        String malformedConnect = Packets.cat("10", "0c", Packets.str("MQTT"), "04", "03", "003c", Packets.str(""));
        try (TestBroker broker = TestBroker.start()) {
            List<RawClient> all = open(broker, 2 * SOCKETS);
            try {
                for (int i = 0; i < all.size(); i++) {
                    all.get(i).send(i % 2 == 0 ? "30" + "00".repeat(8) : malformedConnect);
                }
                awaitAllClosed(all);
            } finally {
                closeAll(all);
            }
        }
        assertBounded("is not a CONNECT");
        assertThat(infoOrAbove()).as("INFO/WARN lines of the whole broker").hasSizeLessThanOrEqualTo(10);
    }

    @Test
    void aClientRepeatingARefusedPublishLogsABoundedNumberOfInfoLines() throws Exception {
        try (TestBroker broker = TestBroker.start();
             Client client = PahoClients.connect(broker.uri(), "denied-publisher", true)) {
            for (int i = 0; i < SOCKETS; i++) {
                // $SYS belongs to the broker; QoS 1, so each has been handled once its PUBACK is back
                client.publish("$SYS/forged", "no", 1, false);
            }
        }
        assertBounded("may not publish to $SYS/forged");
    }

    /** One INFO line or two (should the run cross the interval), and every occurrence logged at some level. */
    private void assertBounded(String fragment) {
        List<ILoggingEvent> matching = lines.list.stream()
                .filter(e -> e.getFormattedMessage().contains(fragment)).toList();
        assertThat(matching.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)))
                .as("INFO lines containing '%s'", fragment).hasSizeBetween(1, 2);
        assertThat(matching).as("lines at any level containing '%s'", fragment).hasSize(SOCKETS);
    }

    private List<ILoggingEvent> infoOrAbove() {
        return lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
    }

    private static List<RawClient> open(TestBroker broker, int n) throws IOException {
        List<RawClient> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new RawClient(broker.port()));
        }
        return out;
    }

    private static void awaitAllClosed(List<RawClient> sockets) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (RawClient s : sockets) {
                if (!s.closedByPeer()) {
                    return false;
                }
            }
            return true;
        });
    }

    private static void closeAll(List<RawClient> sockets) throws IOException {
        for (RawClient s : sockets) {
            s.close();
        }
    }
}
