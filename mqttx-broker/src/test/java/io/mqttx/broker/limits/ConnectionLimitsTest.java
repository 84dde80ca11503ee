package io.mqttx.broker.limits;

import static io.mqttx.broker.testkit.Packets.CONNACK_OK;
import static io.mqttx.broker.testkit.Packets.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Maximum connections (the broker's and a listener's) and the connection rate: a connection beyond them is closed
 * at accept, before the broker reads anything from it; it is counted in the metrics; the count is exact however
 * many connections open and close at once, and a slot is free again however its connection ended.
 */
class ConnectionLimitsTest {

    private static BrokerConfig.Limits limits(int maxConnections, int maxConnectionRate) {
        return BrokerConfig.Limits.defaults().withConnectionLimits(maxConnections, maxConnectionRate, 0);
    }

    /**
     * Opens a connection and sends CONNECT: the socket if the broker answers CONNACK, null if it closes the
     * connection without sending a byte. Fails if it does neither within 5 s.
     */
    private static Socket connect(int port, String clientId) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        try {
            s.getOutputStream().write(Packets.bytes(Packets.connect311(clientId)));
            byte[] connack = s.getInputStream().readNBytes(4);
            if (connack.length > 0) {
                assertThat(hex(connack)).isEqualTo(CONNACK_OK);
                return s;
            }
        } catch (SocketException reset) {
            // closed by the broker before or while the CONNECT went out
        }
        s.close();
        return null;
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void beyondTheBrokersMaximumANewConnectionIsClosedBeforeItIsRead() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits(3, 0)))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(connect(broker.port(), "held" + i));
                }
                assertThat(held).doesNotContainNull();
                assertThat(connect(broker.port(), "one-too-many")).as("closed at accept, no CONNACK").isNull();
                // closed at accept whatever it would send: here nothing
                try (RawClient silent = new RawClient(broker.port())) {
                    assertThat(silent.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
                }
                assertThat(broker.broker().metrics().connectionsOverLimit()).isEqualTo(2);
                assertThat(broker.broker().openConnections()).isEqualTo(3);

                held.remove(0).close();
                await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().openConnections() == 2);
                held.add(connect(broker.port(), "in-the-free-slot"));
                assertThat(held).doesNotContainNull();
            } finally {
                closeAll(held);
            }
        }
    }

    @Test
    void aListenersMaximumLeavesTheOtherListenersAlone() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits(3, 0)).listeners(List.of(
                ListenerConfig.tcp("127.0.0.1", 0),
                new ListenerConfig("small", ListenerConfig.Transport.TCP, "127.0.0.1", 0, null, null)
                        .withMaxConnections(1))))) {
            int small = broker.broker().port("small");
            List<Socket> held = new ArrayList<>();
            try {
                held.add(connect(small, "small-1"));
                assertThat(held).doesNotContainNull();
                assertThat(connect(small, "small-2")).as("beyond the listener's 1").isNull();
                held.add(connect(broker.port(), "main-1"));
                held.add(connect(broker.port(), "main-2"));
                assertThat(held).doesNotContainNull();
                assertThat(connect(broker.port(), "main-3")).as("beyond the broker's 3 over both").isNull();
                assertThat(broker.broker().metrics().connectionsOverLimit()).isEqualTo(2);
            } finally {
                closeAll(held);
            }
        }
    }

    /**
     * 60 connection attempts from 8 threads at once against a maximum of 20, spread by the broker over all its event
     * loops: exactly 20 are admitted, because every admitted one stays open until all attempts are done. After they
     * all close the count is back to 0, and a second round admits exactly 20 again.
     */
    @Test
    void theCountIsExactUnderConcurrencyAndReleasedOnClose() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits(20, 0)))) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 2; round++) {
                    List<Future<Socket>> attempts = new ArrayList<>();
                    for (int i = 0; i < 60; i++) {
                        String id = "c" + round + "-" + i;
                        attempts.add(pool.submit(() -> connect(broker.port(), id)));
                    }
                    List<Socket> admitted = new ArrayList<>();
                    for (Future<Socket> f : attempts) {
                        Socket s = f.get();
                        if (s != null) {
                            admitted.add(s);
                        }
                    }
                    assertThat(admitted).as("round %d", round).hasSize(20);
                    closeAll(admitted);
                    await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().openConnections() == 0);
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> broker.broker().metrics().activeConnections() == 0);
                }
                assertThat(broker.broker().metrics().connectionsOverLimit()).isEqualTo(80);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Every way a connection can end gives its slot back. */
    @Test
    void aSlotIsReleasedHoweverItsConnectionEnds() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits(2, 0)).connectTimeout(Duration.ofMillis(500)))) {
            String connect = Packets.connect311("victim");
            List<String> ends = List.of(
                    "", // the client closes its socket
                    Packets.DISCONNECT,
                    connect, // a second CONNECT is a protocol violation: closed by the broker
                    "refused", // CONNACK refusal: unacceptable protocol level
                    "silent", // no CONNECT: closed by the connect timeout
                    "partial", // half a CONNECT: closed by the connect timeout
                    "takeover"); // the same client id connects again: the first is closed by the broker
            for (String end : ends) {
                try (RawClient victim = new RawClient(broker.port())) {
                    switch (end) {
                        case "refused" -> {
                            victim.send(Packets.connect("MQTT", 9, 2, 60, Packets.str("victim")));
                            assertThat(victim.readUntilClosed(Duration.ofSeconds(3))).isEqualTo("20020001");
                        }
                        case "silent" -> assertThat(victim.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
                        case "partial" -> {
                            victim.send(connect.substring(0, 10));
                            assertThat(victim.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
                        }
                        case "takeover" -> {
                            victim.send(connect);
                            assertThat(victim.readHex(4)).isEqualTo("20 02 00 00");
                            try (RawClient thief = new RawClient(broker.port())) {
                                thief.send(connect);
                                assertThat(thief.readHex(4)).isEqualTo("20 02 00 00");
                                assertThat(victim.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
                                await().atMost(Duration.ofSeconds(5))
                                        .until(() -> broker.broker().openConnections() == 1);
                            }
                        }
                        default -> {
                            victim.send(connect);
                            assertThat(victim.readHex(4)).isEqualTo("20 02 00 00");
                            if (!end.isEmpty()) {
                                victim.send(end);
                                assertThat(victim.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
                            }
                        }
                    }
                }
                await("slot freed after '" + end + "'").atMost(Duration.ofSeconds(5))
                        .until(() -> broker.broker().openConnections() == 0);
            }
            List<Socket> held = new ArrayList<>();
            try {
                held.add(connect(broker.port(), "after-1"));
                held.add(connect(broker.port(), "after-2"));
                assertThat(held).doesNotContainNull();
                assertThat(broker.broker().metrics().connectionsOverLimit()).isZero();
            } finally {
                closeAll(held);
            }
        }
    }

    /**
     * A listener accepting 5 connections per second (bursts of 5) admits at most 5 + 5 per second elapsed of 30
     * attempts made as fast as they go, closes the others at accept, and admits again once the rate allows.
     */
    @Test
    void connectionsBeyondTheRateAreClosedAtAccept() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits(0, 5)))) {
            List<Socket> admitted = new ArrayList<>();
            try {
                // the bucket has been filling since the broker started; it holds at most its burst
                long t0 = System.nanoTime();
                int refused = 0;
                for (int i = 0; i < 30; i++) {
                    Socket s = connect(broker.port(), "rate" + i);
                    if (s == null) {
                        refused++;
                    } else {
                        admitted.add(s);
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertThat(admitted.size()).as("admitted in %.2f s", seconds)
                        .isGreaterThanOrEqualTo(5).isLessThanOrEqualTo(5 + (int) Math.ceil(5 * seconds));
                assertThat(refused).isPositive();
                assertThat(broker.broker().metrics().connectionsOverRate()).isEqualTo(refused);
                assertThat(broker.broker().metrics().connectionsOverLimit()).isZero();
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    Socket s = connect(broker.port(), "later");
                    if (s != null) {
                        admitted.add(s);
                    }
                    return s != null;
                });
            } finally {
                closeAll(admitted);
            }
        }
    }
}
