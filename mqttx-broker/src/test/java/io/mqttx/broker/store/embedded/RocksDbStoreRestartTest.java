package io.mqttx.broker.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.QueuedMessage.Phase;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.PahoClients.Received;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole broker on the embedded store, closed and started again on the same directory: persistent sessions, their
 * subscriptions and queued messages, QoS 2 exchanges cut by the restart, and retained messages all survive, with no
 * message lost and none delivered twice.
 */
class RocksDbStoreRestartTest {
    @TempDir
    Path tmp;
    private TestBroker broker;

    private TestBroker startBroker() {
        broker = TestBroker.start(b -> b, new RocksDbBrokerStore(tmp.resolve("store")), Authenticator.ALLOW_ALL,
                Authorizer.ALLOW_ALL);
        return broker;
    }

    private void restart() {
        broker.close();
        startBroker();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static MqttConnectOptions persistent() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setConnectionTimeout(5);
        o.setMaxInflight(1000);
        return o;
    }

    @Test
    void aPersistentSubscriberGetsEverySessionMessageAfterARestart() throws Exception {
        startBroker();
        try (Client sub = PahoClients.connect(broker.uri(), "sub", persistent())) {
            sub.paho.subscribe(new String[] {"q1/#", "q2/#"}, new int[] {1, 2});
        }
        try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            for (int i = 0; i < 50; i++) {
                // Paho's publish returns once acknowledged: PUBACK / PUBCOMP
                pub.publish("q1/a", "one-" + i, 1, false);
                pub.publish("q2/a", "two-" + i, 2, false);
            }
            pub.publish("q1/a", "lost-qos0", 0, false);
            pub.publish("r/1", "retained", 1, true);
        }

        restart();

        List<Received> got = new ArrayList<>();
        Client sub = PahoClients.connect(broker.uri(), "sub", persistent());
        try {
            assertThat(sub.paho.isConnected()).isTrue();
            for (int i = 0; i < 100; i++) {
                got.add(sub.next());
            }
            assertThat(got.stream().filter(r -> r.topic().equals("q1/a")).map(Received::text))
                    .containsExactlyElementsOf(numbered("one-"));
            assertThat(got.stream().filter(r -> r.topic().equals("q2/a")).map(Received::text))
                    .containsExactlyElementsOf(numbered("two-"));
            assertThat(got.stream().filter(r -> r.topic().equals("q2/a")))
                    .allMatch(r -> r.message().getQos() == 2);

            // the subscription survived: a new message arrives without subscribing again
            try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
                pub.publish("q1/b", "after", 1, false);
            }
            Received after = sub.next();
            assertThat(after.text()).as("nothing else (no duplicate, no QoS 0) came first").isEqualTo("after");
        } finally {
            sub.close();
        }

        try (Client late = PahoClients.connect(broker.uri(), "late", true)) {
            late.paho.subscribe("r/#", 1);
            Received retained = late.next();
            assertThat(retained.text()).isEqualTo("retained");
            assertThat(retained.message().isRetained()).isTrue();
        }
    }

    @Test
    void sessionPresentIsSetAfterTheRestart() throws Exception {
        startBroker();
        try (Client sub = PahoClients.connect(broker.uri(), "sp", persistent())) {
            sub.paho.subscribe("t", 1);
        }
        restart();
        MqttClient paho = new MqttClient(broker.uri(), "sp", new MemoryPersistence());
        try {
            assertThat(paho.connectWithResult(persistent()).getSessionPresent()).isTrue();
            paho.disconnect();
        } finally {
            paho.close();
        }
    }

    @Test
    void aSessionThatExpiredWhileTheBrokerWasDownIsDeletedWithAllItOwned() {
        Path dir = tmp.resolve("store");
        ApplicationMessage shared = new ApplicationMessage("t", "shared".getBytes(StandardCharsets.UTF_8), 1, false,
                MessageProperties.NONE, "p", 0);
        ApplicationMessage own = new ApplicationMessage("t", "own".getBytes(StandardCharsets.UTF_8), 1, false,
                MessageProperties.NONE, "p", 0);
        long now = System.currentTimeMillis();
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            store.saveSession(new SessionState("expired", ProtocolVersion.MQTT_5, 60, now - 3_600_000));
            store.saveSubscription("expired", Subscription.of("t", 1), 0);
            store.append("expired", new QueuedMessage(1, 5, shared, 1, false, List.of(), 0, Phase.QUEUED));
            store.append("expired", new QueuedMessage(2, 7, own, 1, false, List.of(), 3, Phase.PUBLISHED));
            store.addAwaitingRelease("expired", 9);
            store.saveSession(new SessionState("alive", ProtocolVersion.MQTT_5, 3600, now - 1000));
            store.append("alive", new QueuedMessage(1, 5, shared, 1, false, List.of(), 0, Phase.QUEUED));
            assertThat(store.storedPayloads()).isEqualTo(2);
        }

        startBroker(); // recovery finds "expired" expired and deletes it
        broker.close();
        broker = null;

        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            assertThat(store.loadSessions()).extracting(SessionState::clientId).containsExactly("alive");
            assertThat(store.loadSubscriptions("expired")).isEmpty();
            assertThat(store.load("expired")).isEmpty();
            assertThat(store.loadAwaitingRelease("expired")).isEmpty();
            assertThat(store.storedPayloads()).as("only the payload 'alive' still references").isEqualTo(1);
            assertThat(store.load("alive")).singleElement()
                    .satisfies(q -> assertThat(q.message().payload()).isEqualTo(shared.payload()));
        }
    }

    private static List<String> numbered(String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    // ---------------------------------------------------------------- QoS 2 cut by the restart, raw packets

    @Test
    void anOutboundQos2ExchangeWaitingForPubcompEndsWithPubrelAfterTheRestart() throws Exception {
        startBroker();
        int packetId;
        try (RawClient sub = new RawClient(broker.port())) {
            connect(sub, "raw-sub", false);
            subscribe(sub, "x", 2);
            publishWithPaho("x", "exactly-once");
            Packet publish = Packet.read(sub);
            assertThat(publish.type()).isEqualTo(3);
            assertThat(publish.qos()).isEqualTo(2);
            packetId = publish.publishPacketId();
            sub.send(Packets.ack(0x50, packetId)); // PUBREC
            Packet pubrel = Packet.read(sub);
            assertThat(pubrel.type()).isEqualTo(6);
            assertThat(pubrel.packetId()).isEqualTo(packetId);
            // no PUBCOMP: the broker goes down now
        }
        restart();
        try (RawClient sub = new RawClient(broker.port())) {
            assertThat(connect(sub, "raw-sub", false)).as("session present").isEqualTo(1);
            Packet again = Packet.read(sub);
            assertThat(again.type()).as("PUBREL resent, not the PUBLISH [MQTT-4.4.0-1]").isEqualTo(6);
            assertThat(again.packetId()).isEqualTo(packetId);
            sub.send(Packets.ack(0x70, packetId)); // PUBCOMP
            assertNothingElseQueued(sub);
        }
        restart();
        try (RawClient sub = new RawClient(broker.port())) {
            assertThat(connect(sub, "raw-sub", false)).isEqualTo(1);
            assertNothingElseQueued(sub);
        }
    }

    @Test
    void anOutboundQos2PublishNotYetReceivedIsResentOnceWithTheSamePacketId() throws Exception {
        startBroker();
        Packet first;
        try (RawClient sub = new RawClient(broker.port())) {
            connect(sub, "raw-sub2", false);
            subscribe(sub, "y", 2);
            publishWithPaho("y", "payload-y");
            first = Packet.read(sub);
            assertThat(first.qos()).isEqualTo(2);
        }
        restart();
        try (RawClient sub = new RawClient(broker.port())) {
            assertThat(connect(sub, "raw-sub2", false)).isEqualTo(1);
            Packet again = Packet.read(sub);
            assertThat(again.type()).isEqualTo(3);
            assertThat(again.dup()).isTrue();
            assertThat(again.publishPacketId()).isEqualTo(first.publishPacketId());
            assertThat(again.publishPayload()).isEqualTo("payload-y");
            sub.send(Packets.ack(0x50, again.publishPacketId()));
            assertThat(Packet.read(sub).type()).isEqualTo(6);
            sub.send(Packets.ack(0x70, again.publishPacketId()));
            assertNothingElseQueued(sub);
        }
    }

    @Test
    void anInboundQos2PublishAcknowledgedBeforeTheRestartIsNeverRoutedTwice() throws Exception {
        startBroker();
        try (Client sub = PahoClients.connect(broker.uri(), "listener", persistent())) {
            sub.paho.subscribe("z", 2);
        }
        try (RawClient pub = new RawClient(broker.port())) {
            connect(pub, "raw-pub", false);
            pub.send(publish("z", "once", 2, 7, false));
            Packet pubrec = Packet.read(pub);
            assertThat(pubrec.type()).isEqualTo(5);
            assertThat(pubrec.packetId()).isEqualTo(7);
            // the PUBREC is "lost": the publisher will resend the PUBLISH after the restart
        }
        restart();
        try (RawClient pub = new RawClient(broker.port())) {
            assertThat(connect(pub, "raw-pub", false)).isEqualTo(1);
            pub.send(publish("z", "once", 2, 7, true));
            Packet pubrec = Packet.read(pub);
            assertThat(pubrec.type()).isEqualTo(5);
            assertThat(pubrec.packetId()).isEqualTo(7);
            pub.send(Packets.ack(0x62, 7)); // PUBREL
            Packet pubcomp = Packet.read(pub);
            assertThat(pubcomp.type()).isEqualTo(7);
            assertThat(pubcomp.packetId()).isEqualTo(7);
            // QoS 2 like "once": Paho hands a QoS 2 message over at PUBREL, so only equal QoS keeps the order
            pub.send(publish("z", "end", 2, 8, false));
            assertThat(Packet.read(pub).type()).isEqualTo(5);
            pub.send(Packets.ack(0x62, 8));
            assertThat(Packet.read(pub).type()).isEqualTo(7);
        }
        try (Client sub = PahoClients.connect(broker.uri(), "listener", persistent())) {
            assertThat(sub.next().text()).isEqualTo("once");
            assertThat(sub.next().text()).as("no second copy of 'once' [MQTT-4.3.3-10]").isEqualTo("end");
        }
    }

    private void publishWithPaho(String topic, String payload) throws Exception {
        try (Client pub = PahoClients.connect(broker.uri(), "paho-pub", true)) {
            pub.publish(topic, payload, 2, false);
        }
    }

    /** A PINGREQ answered by the very next packet proves nothing else was queued before it. */
    private static void assertNothingElseQueued(RawClient c) throws IOException {
        c.send(Packets.PINGREQ);
        Packet next = Packet.read(c);
        assertThat(next.type()).as("expected PINGRESP, got packet type %d", next.type()).isEqualTo(13);
    }

    /** Sends CONNECT (3.1.1) and returns the CONNACK's session-present flag, asserting it was accepted. */
    private static int connect(RawClient c, String clientId, boolean clean) throws IOException {
        c.send(Packets.connect("MQTT", 4, clean ? Packets.CLEAN : 0, 60, Packets.str(clientId)));
        Packet connack = Packet.read(c);
        assertThat(connack.type()).isEqualTo(2);
        assertThat(connack.body()[1]).as("CONNACK return code").isEqualTo((byte) 0);
        return connack.body()[0] & 1;
    }

    private static void subscribe(RawClient c, String filter, int qos) throws IOException {
        c.send(Packets.subscribe(1, filter, qos));
        Packet suback = Packet.read(c);
        assertThat(suback.type()).isEqualTo(9);
        assertThat(suback.body()[2]).isEqualTo((byte) qos);
    }

    private static String publish(String topic, String payload, int qos, int packetId, boolean dup) {
        return Packets.publish((dup ? 8 : 0) | (qos << 1), topic, packetId,
                Packets.hex(payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** One MQTT packet as read from the wire. */
    private record Packet(int header, byte[] body) {
        static Packet read(RawClient c) throws IOException {
            int header = c.read(1, Duration.ofSeconds(5))[0] & 0xFF;
            int len = 0;
            int multiplier = 1;
            int digit;
            do {
                digit = c.read(1, Duration.ofSeconds(5))[0] & 0xFF;
                len += (digit & 0x7F) * multiplier;
                multiplier *= 128;
            } while ((digit & 0x80) != 0);
            return new Packet(header, len == 0 ? new byte[0] : c.read(len, Duration.ofSeconds(5)));
        }

        int type() {
            return header >> 4;
        }

        int qos() {
            return (header >> 1) & 3;
        }

        boolean dup() {
            return (header & 8) != 0;
        }

        int packetId() {
            return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        }

        private int topicLength() {
            return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        }

        int publishPacketId() {
            int at = 2 + topicLength();
            return ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
        }

        String publishPayload() {
            int at = 2 + topicLength() + (qos() > 0 ? 2 : 0);
            return new String(body, at, body.length - at, StandardCharsets.UTF_8);
        }
    }

    /**
     * Clients still connected when the broker closes: each session learns of its connection's close on its owner
     * thread, after the close itself, and that must run before the threads and the store stop. Otherwise the store
     * keeps disconnectedAt = 0 and the session never expires after the restart. Many connections, so that some
     * closes are still being handled when the first thread would stop.
     */
    @Test
    void closingTheBrokerRecordsWhenEachConnectedPersistentSessionWentOffline() throws Exception {
        Duration expiry = Duration.ofSeconds(1);
        broker = TestBroker.start(b -> b.sessions(new io.mqttx.broker.config.BrokerConfig.Sessions(expiry, expiry)),
                new RocksDbBrokerStore(tmp.resolve("store")), Authenticator.ALLOW_ALL, Authorizer.ALLOW_ALL);
        int clients = 200;
        List<RawClient> connected = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                RawClient c = new RawClient(broker.port());
                connected.add(c);
                // 3.1.1 CONNECT, Clean Session 0: a persistent session
                c.send(Packets.connect("MQTT", 4, 0, 60, Packets.str("offline-" + i)));
                assertThat(c.readHex(4)).isEqualTo("20 02 00 00");
            }
            long beforeClose = System.currentTimeMillis();
            broker.close();
            long afterClose = System.currentTimeMillis();
            broker = null;

            List<SessionState> stored;
            try (RocksDbBrokerStore store = new RocksDbBrokerStore(tmp.resolve("store"))) {
                stored = store.loadSessions();
            }
            assertThat(stored).hasSize(clients).allSatisfy(s -> assertThat(s.disconnectedAtMillis())
                    .isBetween(beforeClose, afterClose));

            // past the expiry, a restart drops them all: they were offline longer than they may be kept
            long lastOffline = stored.stream().mapToLong(SessionState::disconnectedAtMillis).max().orElseThrow();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> System.currentTimeMillis() >= lastOffline + expiry.toMillis() + 1000);
            startBroker();
            assertThat(broker.broker().sessionCount()).isZero();
        } finally {
            for (RawClient c : connected) {
                c.close();
            }
        }
    }
}
