package io.mqttx.broker.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: sockets that connect and never finish their CONNECT. Each costs the broker a bounded amount of memory
 * (what it has actually sent, never what it claims it will send), all are closed by the connect timeout however
 * they trickle, and a normal client connects and is served while they hang on.
 */
class SlowlorisTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final int EACH_KIND = 60;

    /** A socket sending its bytes one at a time, one each time it is nudged. */
    private static final class Trickle {
        final RawClient raw;
        final byte[] bytes;
        int sent;
        boolean closed;

        Trickle(int port, String hex) throws IOException {
            raw = new RawClient(port);
            bytes = Packets.bytes(hex);
        }

        /** Sends the next byte, if any; true once the broker has closed the connection. */
        boolean nudge() throws IOException {
            if (!closed && raw.closedByPeer()) {
                closed = true;
            }
            if (!closed && sent < bytes.length) {
                try {
                    raw.send(new byte[] {bytes[sent++]});
                } catch (IOException reset) {
                    closed = true;
                }
            }
            return closed;
        }
    }

    private static boolean nudgeAll(List<Trickle> all) throws IOException {
        boolean allClosed = true;
        for (Trickle t : all) {
            allClosed &= t.nudge();
        }
        return allClosed;
    }

    /** Bytes the default allocator holds, pooled or in use. */
    private static long allocatorMemory() {
        var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    /**
     * 180 sockets: 60 send nothing, 60 send a 3.1.1 CONNECT (with a 200-character client id) a byte at a time,
     * and 60 send the header of a CONNECT claiming the largest allowed size (1 MB) and then trickle its body. A
     * normal client connects, subscribes and gets its message while all 180 are open; the allocator grows by far
     * less than the 60 MB claimed; and all 180 are closed by the 3 s connect timeout, trickling or not.
     */
    @Test
    void socketsThatNeverFinishConnectAreBoundedAndClosedOnTime() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.connectTimeout(CONNECT_TIMEOUT))) {
            int max = broker.broker().config().limits().maxPacketSize();
            // 1 type byte + 3 length bytes + body = the maximum packet size
            String hugeHeader = Packets.cat("10", Packets.vbi(max - 4), Packets.str("MQTT"), "04", "02", "003c");
            String longConnect = Packets.connect311("slow-" + "x".repeat(195));
            long before = allocatorMemory();
            List<Trickle> all = new ArrayList<>();
            try {
                long t0 = System.nanoTime();
                for (int i = 0; i < EACH_KIND; i++) {
                    all.add(new Trickle(broker.port(), ""));
                    all.add(new Trickle(broker.port(), longConnect));
                    Trickle huge = new Trickle(broker.port(), "00".repeat(64));
                    huge.raw.send(hugeHeader);
                    all.add(huge);
                }
                nudgeAll(all);
                try (Client normal = PahoClients.connect(broker.uri(), "normal", true)) {
                    normal.paho.subscribe("still/served", 1);
                    normal.publish("still/served", "yes", 1, false);
                    assertThat(normal.next().text()).isEqualTo("yes");
                    assertThat(broker.broker().openConnections()).as("open with the normal client")
                            .isEqualTo(3 * EACH_KIND + 1);
                }
                nudgeAll(all);
                assertThat(allocatorMemory() - before).as("allocator growth in bytes with 180 slow sockets")
                        .isLessThan(16L << 20);

                await().atMost(CONNECT_TIMEOUT.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> nudgeAll(all));
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(millis).as("ms until the last was closed").isGreaterThanOrEqualTo(
                        CONNECT_TIMEOUT.toMillis() - 200);
                for (Trickle t : all) {
                    assertThat(t.sent).as("still trickling when closed").isLessThanOrEqualTo(t.bytes.length);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().openConnections() == 0);
            } finally {
                for (Trickle t : all) {
                    t.raw.close();
                }
            }
        }
    }
}
