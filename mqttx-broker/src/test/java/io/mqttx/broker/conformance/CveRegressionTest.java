package io.mqttx.broker.conformance;

import static io.mqttx.broker.testkit.Packets.CONNACK_OK;
import static io.mqttx.broker.testkit.Packets.ack;
import static io.mqttx.broker.testkit.Packets.cat;
import static io.mqttx.broker.testkit.Packets.connect311;
import static io.mqttx.broker.testkit.Packets.hex;
import static io.mqttx.broker.testkit.Packets.publish;
import static io.mqttx.broker.testkit.Packets.slashes;
import static io.mqttx.broker.testkit.Packets.suback;
import static io.mqttx.broker.testkit.Packets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.security.AuthenticationResult;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.ClientIdentity;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Section 4 of {@code shared/MQTT-CHECKLIST.md}: the bad input behind public CVEs of MQTT brokers, each as a
 * regression test. Every test ends by checking that the broker still serves a well-behaved client.
 */
class CveRegressionTest {

    private static String read(RawClient raw, int n) throws IOException {
        return hex(raw.read(n, Duration.ofSeconds(5)));
    }

    private static void expect(RawClient raw, String hex) throws IOException {
        String want = Packets.normalize(hex);
        assertThat(read(raw, want.length() / 2)).isEqualTo(want);
    }

    private static void assertHealthy(TestBroker broker) throws Exception {
        try (Client c = PahoClients.connect(broker.uri(), "healthy-" + System.nanoTime(), true)) {
            c.paho.subscribe("health/check", 1);
            c.publish("health/check", "ok", 1, false);
            assertThat(c.next().text()).isEqualTo("ok");
        }
    }

    /** Bytes the default allocator holds, pooled or in use: what a broker buffering claimed lengths would grow. */
    private static long allocatorMemory() {
        var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    /** Whether the peer has closed the socket (EOF or reset), checking without blocking for long. */
    private static boolean closedByPeer(Socket s) {
        try {
            s.setSoTimeout(1);
            InputStream in = s.getInputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Sends one more byte to every socket the broker has not closed yet; true once it has closed them all. */
    private static boolean trickleAndCheck(List<Socket> sockets) {
        boolean allClosed = true;
        for (Socket s : sockets) {
            if (s.isClosed() || closedByPeer(s)) {
                continue;
            }
            allClosed = false;
            try {
                s.getOutputStream().write('x');
            } catch (IOException e) {
                // the broker closed it between the check and the write
            }
        }
        return allClosed;
    }

    /**
     * CVE-2017-7651, CVE-2023-0809, row 8: 200 sockets claim a 256 MB packet (Remaining Length FF FF FF 7F) as a
     * CONNECT, as a first PUBLISH, or as a PUBLISH after a good CONNECT, and then trickle bytes. The broker refuses
     * each from its fixed header: all are closed long before the 10 s connect timeout, and the allocator does not
     * grow with what they claim (200 x 256 MB).
     */
    @Test
    void hugeClaimedLengthsAreRefusedFromTheHeaderWithoutBuffering() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.connectTimeout(Duration.ofSeconds(10)))) {
            long before = allocatorMemory();
            List<Socket> sockets = new ArrayList<>();
            try {
                long t0 = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    Socket s = new Socket("127.0.0.1", broker.port());
                    sockets.add(s);
                    String claim = switch (i % 3) {
                        case 0 -> cat("10ffffff7f", Packets.str("MQTT"));
                        case 1 -> cat("30ffffff7f", Packets.str("t"));
                        default -> cat(connect311("huge" + i), "30ffffff7f", Packets.str("t"));
                    };
                    s.getOutputStream().write(Packets.bytes(claim));
                }
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> trickleAndCheck(sockets));
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(millis).as("ms until all 200 were closed").isLessThan(5000);
                assertThat(allocatorMemory() - before).as("allocator growth in bytes").isLessThan(64L << 20);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            assertHealthy(broker);
        }
    }

    /**
     * Row 8: a claimed 256 MB PUBLISH is refused as soon as its header is read, not when the connect timeout or
     * keepalive would end the connection.
     */
    @Test
    void aPacketClaimingTooMuchIsRefusedPromptly() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.connectTimeout(Duration.ofSeconds(10)));
             RawClient raw = new RawClient(broker.port())) {
            raw.send(connect311("prompt"));
            expect(raw, CONNACK_OK);
            long t0 = System.nanoTime();
            raw.send("30 ff ff ff 7f 00 01 61");
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).isEmpty();
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to the close").isLessThan(1000);
        }
    }

    /** Row 8: a packet of exactly the maximum packet size (1 MB) is served; one byte more is refused. */
    @Test
    void theMaximumPacketSizeIsInclusive() throws Exception {
        try (TestBroker broker = TestBroker.start(); RawClient raw = new RawClient(broker.port())) {
            raw.send(connect311("max"));
            expect(raw, CONNACK_OK);
            raw.send(subscribe(1, "max/t", 0));
            expect(raw, suback(1, 0));
            int max = broker.broker().config().limits().maxPacketSize();
            // 1 type byte + 3 length bytes + 7 topic bytes + payload = max
            String exactly = publish(0, "max/t", 0, hex(Packets.filler(max - 4 - 7)));
            assertThat(exactly.length() / 2).isEqualTo(max);
            raw.send(exactly);
            assertThat(read(raw, max)).isEqualTo(exactly);
            // one byte more is refused from the header alone
            raw.send(cat("30", Packets.vbi(max - 4 + 1), Packets.str("max/t")));
            assertThat(raw.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
            assertHealthy(broker);
        }
    }

    /**
     * CVE-2018-12543, row 56: topics starting with '$' (not $SYS) are published and subscribed like any other, and
     * wildcard-leading filters, shared or not, never receive them [MQTT-4.7.2-1].
     */
    @Test
    void dollarTopicsWorkAndWildcardsDoNotMatchThem() throws Exception {
        try (TestBroker broker = TestBroker.start();
             RawClient wild = new RawClient(broker.port());
             RawClient sharedWild = new RawClient(broker.port());
             RawClient dollar = new RawClient(broker.port());
             RawClient pub = new RawClient(broker.port())) {
            wild.send(connect311("wild"));
            expect(wild, CONNACK_OK);
            wild.send(subscribe(1, "#", 0, "+", 0, "+/x", 0, "+/#", 0));
            expect(wild, suback(1, 0, 0, 0, 0));
            // a shared subscription is delivered apart from the client's others: a client of its own
            sharedWild.send(connect311("shared-wild"));
            expect(sharedWild, CONNACK_OK);
            sharedWild.send(subscribe(1, "$share/g/#", 0));
            expect(sharedWild, suback(1, 0));
            dollar.send(connect311("dollar"));
            expect(dollar, CONNACK_OK);
            dollar.send(subscribe(1, "$foo", 0, "$foo/#", 0, "$", 0, "$/x", 0));
            expect(dollar, suback(1, 0, 0, 0, 0));
            // malformed $share filters fail one by one and break nothing
            dollar.send(subscribe(2, "$share/g", 0, "$share//x", 0, "$share/+/x", 0, "$share/", 0, "$share", 0));
            expect(dollar, suback(2, 0x80, 0x80, 0x80, 0x80, 0));
            pub.send(connect311("pub"));
            expect(pub, CONNACK_OK);
            pub.send(cat(publish("$foo", "1"), publish("$foo/x", "2"), publish("$", "3"), publish("$/x", "4"),
                    publish("$share", "5"), publish("m/x", "marker")));
            // '$foo' matches both "$foo" and "$foo/#": still one copy [MQTT-3.3.5-1]
            expect(dollar, cat(publish("$foo", "1"), publish("$foo/x", "2"), publish("$", "3"), publish("$/x", "4"),
                    publish("$share", "5")));
            expect(wild, publish("m/x", "marker"));
            expect(sharedWild, publish("m/x", "marker"));
            wild.assertSilentFor(Duration.ofMillis(200));
            sharedWild.assertSilentFor(Duration.ofMillis(200));
            dollar.assertSilentFor(Duration.ofMillis(200));
        }
    }

    /**
     * CVE-2019-11779, CVE-2026-95844: a PUBLISH to a topic of 65,535 levels ('/' x 65,534) and a SUBSCRIBE with a
     * filter as deep. Beyond the broker's level limit (128 by default) the 3.1.1 PUBLISH is closed and the
     * subscription fails with 0x80; nothing crashes.
     */
    @Test
    void topicsDeeperThanTheLevelLimitAreRefused() throws Exception {
        String deep = slashes(65_534);
        try (TestBroker broker = TestBroker.start()) {
            assertThat(broker.broker().config().limits().maxTopicLevels()).isEqualTo(128);
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(connect311("deep-sub"));
                expect(raw, CONNACK_OK);
                raw.send(subscribe(1, deep, 0, "+/".repeat(32_767) + "+", 0, slashes(127), 0, slashes(128), 0));
                expect(raw, suback(1, 0x80, 0x80, 0, 0x80));
            }
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(connect311("deep-pub"));
                expect(raw, CONNACK_OK);
                raw.send(publish(deep, "x"));
                assertThat(raw.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
            }
            assertHealthy(broker);
        }
    }

    /**
     * CVE-2019-11779, CVE-2026-95844: with the level limit lifted, a 65,535-level topic is matched against deep
     * exact, '+' and '#' subscriptions without a StackOverflowError: matching is iterative.
     */
    @Test
    void aTopicOf65535LevelsIsMatchedIteratively() throws Exception {
        String deep = slashes(65_534);
        String deepPlus = "+/".repeat(32_767) + "+";
        String plusTopic = "a/".repeat(32_767) + "a";
        try (TestBroker broker = TestBroker.start(b -> b.limits(TestLimits.maxTopicLevels(70_000)));
             RawClient sub = new RawClient(broker.port());
             RawClient pub = new RawClient(broker.port())) {
            sub.send(connect311("deep-sub"));
            expect(sub, CONNACK_OK);
            sub.send(subscribe(1, deep, 0, slashes(65_533) + "#", 0, deepPlus, 0));
            expect(sub, suback(1, 0, 0, 0));
            pub.send(connect311("deep-pub"));
            expect(pub, CONNACK_OK);
            pub.send(cat(publish(deep, "deep"), publish(plusTopic, "plus")));
            expect(sub, cat(publish(deep, "deep"), publish(plusTopic, "plus")));
            sub.send(Packets.unsubscribe(2, deep, deepPlus));
            expect(sub, Packets.ack(0xb0, 2));
            assertHealthy(broker);
        }
    }

    /**
     * CVE-2023-28366, row 47: QoS 2 PUBLISHes whose PUBREL never comes hold a packet id each, up to the bound
     * ({@code maxAwaitingRel}); repeating one of them does not grow the set, and is never routed twice. One more
     * id beyond the bound closes the 3.1.1 connection (MQTT 5: DISCONNECT 0x93).
     */
    @Test
    void qos2IdsAwaitingPubrelAreBounded() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.limits(TestLimits.maxAwaitingRel(5)));
             RawClient sub = new RawClient(broker.port());
             RawClient pub = new RawClient(broker.port())) {
            sub.send(connect311("rel-sub"));
            expect(sub, CONNACK_OK);
            sub.send(subscribe(1, "rel/t", 0));
            expect(sub, suback(1, 0));
            pub.send(connect311("rel-pub"));
            expect(pub, CONNACK_OK);
            for (int id = 1; id <= 5; id++) {
                pub.send(publish(0x04, "rel/t", id, hex(("m" + id).getBytes(StandardCharsets.UTF_8))));
                expect(pub, ack(0x50, id));
            }
            for (int round = 0; round < 200; round++) {
                int id = 1 + round % 5;
                pub.send(publish(0x0c, "rel/t", id, hex(("m" + id).getBytes(StandardCharsets.UTF_8))));
                expect(pub, ack(0x50, id));
            }
            for (int id = 1; id <= 5; id++) {
                expect(sub, publish("rel/t", "m" + id));
            }
            sub.assertSilentFor(Duration.ofMillis(200));
            // releasing one makes room for one
            pub.send(ack(0x62, 3));
            expect(pub, ack(0x70, 3));
            pub.send(publish(0x04, "rel/t", 6, hex("m6".getBytes(StandardCharsets.UTF_8))));
            expect(pub, ack(0x50, 6));
            pub.send(publish(0x04, "rel/t", 7, hex("m7".getBytes(StandardCharsets.UTF_8))));
            assertThat(pub.readUntilClosed(Duration.ofSeconds(3))).isEmpty();
            expect(sub, publish("rel/t", "m6"));
            sub.assertSilentFor(Duration.ofMillis(200));
            assertHealthy(broker);
        }
    }

    /**
     * CVE-2026-95842: an unexpected exception while handling one client's packet (here: a faulty authorizer or
     * authenticator) ends that client's connection only; clients sharing its event loops go on being served.
     */
    @Test
    void anExceptionInOneConnectionClosesOnlyThatConnection() throws Exception {
        Authorizer faulty = new Authorizer() {
            @Override
            public boolean canPublish(ClientIdentity client, String topic) {
                if (topic.startsWith("boom")) {
                    throw new IllegalStateException("injected fault in canPublish");
                }
                return true;
            }

            @Override
            public boolean canSubscribe(ClientIdentity client, String topicFilter) {
                if (topicFilter.startsWith("boom")) {
                    throw new IllegalStateException("injected fault in canSubscribe");
                }
                return true;
            }
        };
        Authenticator authenticator = credentials -> {
            if (credentials.clientId().startsWith("boom")) {
                throw new IllegalStateException("injected fault in authenticate");
            }
            return CompletableFuture.completedFuture(AuthenticationResult.ALLOWED);
        };
        try (TestBroker broker = TestBroker.start(b -> b, new MemoryBrokerStore(), authenticator, faulty)) {
            List<Client> bystanders = new ArrayList<>();
            try {
                // enough clients that some share each worker thread with the faulty ones
                for (int i = 0; i < 8; i++) {
                    Client c = PahoClients.connect(broker.uri(), "bystander" + i, true);
                    c.paho.subscribe("fine/t", 1);
                    bystanders.add(c);
                }
                for (int i = 0; i < 4; i++) {
                    try (RawClient raw = new RawClient(broker.port())) {
                        raw.send(connect311("faulty-pub" + i));
                        expect(raw, CONNACK_OK);
                        raw.send(publish(0x02, "boom/" + i, 1, "78"));
                        assertThat(raw.readUntilClosed(Duration.ofSeconds(3))).as("no PUBACK").isEmpty();
                    }
                    try (RawClient raw = new RawClient(broker.port())) {
                        raw.send(connect311("faulty-sub" + i));
                        expect(raw, CONNACK_OK);
                        raw.send(subscribe(1, "boom/#", 0));
                        assertThat(raw.readUntilClosed(Duration.ofSeconds(3))).as("no SUBACK").isEmpty();
                    }
                    try (RawClient raw = new RawClient(broker.port())) {
                        raw.send(connect311("boom" + i));
                        assertThat(raw.readUntilClosed(Duration.ofSeconds(3)))
                                .as("an authenticator that fails refuses the client: server unavailable")
                                .isEqualTo("20020003");
                    }
                }
                bystanders.get(0).publish("fine/t", "still served", 1, false);
                for (Client c : bystanders) {
                    assertThat(c.lost).isFalse();
                    assertThat(c.next().text()).isEqualTo("still served");
                }
            } finally {
                for (Client c : bystanders) {
                    c.close();
                }
            }
            assertHealthy(broker);
        }
    }
}
