package io.mqttx.broker.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.TestBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurements, not checks: skipped unless {@code -Dmqttx.measure=true}. Results go to stdout and to
 * {@code target/store-measurements.txt}.
 *
 * <pre>
 * ./mvnw -q test -pl mqttx-broker -Dtest='RocksDbStoreMeasurement*' -Dmqttx.measure=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "mqttx.measure", matches = "true")
class RocksDbStoreMeasurementTest {
    @TempDir
    Path tmp;

    private static void report(String line) throws IOException {
        System.out.println("MEASURE " + line);
        Files.writeString(Path.of("target/store-measurements.txt"), line + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Test
    void qos1ThroughputToAPersistentSubscriber() throws Exception {
        int messages = Integer.getInteger("mqttx.measure.messages", 20_000);
        int rounds = 3;
        for (int round = 0; round < rounds; round++) {
            int r = round;
            run("memory", () -> new MemoryBrokerStore(), messages, r);
            run("rocksdb", () -> new RocksDbBrokerStore(tmp.resolve("nosync-" + r), false), messages, r);
            run("rocksdb+fsync", () -> new RocksDbBrokerStore(tmp.resolve("sync-" + r), true), messages, r);
        }
    }

    private void run(String name, Supplier<BrokerStore> store, int messages, int round) throws Exception {
        BrokerConfig.Limits d = BrokerConfig.Limits.defaults();
        BrokerConfig.Limits limits = new BrokerConfig.Limits(d.maxPacketSize(), d.maxClientIdLength(),
                d.maxTopicLevels(), 100, 1_000_000, d.maxAwaitingRel(), d.maxKeepAlive(), d.receiveMaximum(),
                d.topicAliasMaximum());
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits), store.get(), Authenticator.ALLOW_ALL,
                Authorizer.ALLOW_ALL)) {
            MqttConnectOptions subOptions = new MqttConnectOptions();
            subOptions.setCleanSession(false);
            subOptions.setMaxInflight(1000);
            MqttClient sub = new MqttClient(broker.uri(), "bench-sub", new MemoryPersistence());
            CountDownLatch all = new CountDownLatch(messages);
            sub.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    all.countDown();
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            sub.connect(subOptions);
            sub.subscribe("bench/#", 1);

            MqttConnectOptions pubOptions = new MqttConnectOptions();
            pubOptions.setMaxInflight(1000);
            MqttAsyncClient pub = new MqttAsyncClient(broker.uri(), "bench-pub", new MemoryPersistence());
            pub.connect(pubOptions).waitForCompletion(5000);
            Semaphore window = new Semaphore(500);
            AtomicInteger failed = new AtomicInteger();
            IMqttActionListener release = new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    failed.incrementAndGet();
                    window.release();
                }
            };
            byte[] payload = new byte[100];
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                window.acquire();
                pub.publish("bench/t", payload, 1, false, null, release);
            }
            boolean done = all.await(120, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - t0;
            assertThat(done).as("all messages received").isTrue();
            assertThat(failed).hasValue(0);
            report(String.format("qos1-throughput store=%s round=%d messages=%d seconds=%.3f msg/s=%.0f", name,
                    round, messages, nanos / 1e9, messages / (nanos / 1e9)));
            pub.disconnect().waitForCompletion(5000);
            pub.close();
            sub.disconnect();
            sub.close();
        }
    }

    /**
     * The store's own cost per QoS 1 message to one persistent subscriber, without the network and the clients:
     * append (payload + entry), updateFlight (packet id), remove (and free the payload), plus a commit that the
     * publisher's PUBACK waits for. Four publisher threads, as event loops would be, each with up to 100 messages
     * waiting for their commit.
     */
    @Test
    void storeWorkPerQos1Message() throws Exception {
        int perThread = Integer.getInteger("mqttx.measure.storeMessages", 50_000);
        int threads = 4;
        for (int round = 0; round < 3; round++) {
            int r = round;
            measureStoreWork("memory", () -> new MemoryBrokerStore(), threads, perThread, r);
            measureStoreWork("rocksdb", () -> new RocksDbBrokerStore(tmp.resolve("w-nosync-" + r), false), threads,
                    perThread, r);
            measureStoreWork("rocksdb+fsync", () -> new RocksDbBrokerStore(tmp.resolve("w-sync-" + r), true),
                    threads, perThread, r);
        }
    }

    private void measureStoreWork(String name, Supplier<BrokerStore> factory, int threads, int perThread, int round)
            throws Exception {
        try (BrokerStore store = factory.get()) {
            ApplicationMessage m = new ApplicationMessage("bench/t", new byte[100], 1, false, MessageProperties.NONE,
                    "p", 0);
            AtomicInteger ids = new AtomicInteger();
            List<Thread> workers = new java.util.ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                String client = "sub-" + t;
                Thread w = new Thread(() -> {
                    // like an event loop: the PUBACK waits for the commit, the thread does not; a publisher has
                    // up to 100 messages unacknowledged
                    java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Void>> unacked =
                            new java.util.ArrayDeque<>();
                    for (int i = 1; i <= perThread; i++) {
                        long id = ids.incrementAndGet();
                        store.queues().append(client, new QueuedMessage(i, id, m, 1, false, List.of(), 0,
                                QueuedMessage.Phase.QUEUED));
                        unacked.add(store.commit());
                        if (unacked.size() >= 100) {
                            unacked.poll().join();
                        }
                        store.queues().updateFlight(client, i, i % 65535 + 1, QueuedMessage.Phase.PUBLISHED);
                        store.queues().remove(client, i);
                    }
                    unacked.forEach(java.util.concurrent.CompletableFuture::join);
                });
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
            long nanos = System.nanoTime() - t0;
            int total = threads * perThread;
            report(String.format("store-work store=%s round=%d threads=%d messages=%d seconds=%.3f msg/s=%.0f"
                    + " us/msg/thread=%.1f", name, round, threads, total, nanos / 1e9, total / (nanos / 1e9),
                    nanos / 1e3 / perThread));
        }
    }

    /**
     * About 1 GB of queued messages (1,000 sessions x 1,000 distinct 1 KiB payloads, incompressible), written, closed,
     * then timed: the open (which verifies every record) and the loading of every session, as a broker's recovery does.
     * With {@code -Dmqttx.measure.keepDir=DIR} the store is written to DIR and left there, so the packaged broker's
     * start on it can be timed too ({@code java -jar mqttx.jar --mqttx.store.path=DIR}).
     */
    @Test
    void reopenOfAStoreHoldingAGigabyteOfQueuedMessages() throws Exception {
        int sessions = Integer.getInteger("mqttx.measure.sessions", 1000);
        int perSession = Integer.getInteger("mqttx.measure.perSession", 1000);
        int size = Integer.getInteger("mqttx.measure.payload", 1024);
        String keep = System.getProperty("mqttx.measure.keepDir");
        Path dir = keep == null ? tmp.resolve("big") : Path.of(keep);
        Random random = new Random(7);
        byte[] payload = new byte[size];
        long t0 = System.nanoTime();
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            long id = 0;
            for (int s = 0; s < sessions; s++) {
                String client = "client-" + s;
                store.saveSession(new SessionState(client, ProtocolVersion.MQTT_3_1_1, 604_800,
                        System.currentTimeMillis()));
                store.saveSubscription(client, Subscription.of("data/" + s + "/#", 1), 0);
                for (int i = 1; i <= perSession; i++) {
                    random.nextBytes(payload);
                    ApplicationMessage m = new ApplicationMessage("data/" + s + "/x", payload.clone(), 1, false,
                            MessageProperties.NONE, "publisher", 0);
                    store.append(client, new QueuedMessage(i, ++id, m, 1, false, List.of(), 0,
                            QueuedMessage.Phase.QUEUED));
                }
            }
        }
        long written = System.nanoTime() - t0;
        long bytes;
        try (Stream<Path> files = Files.walk(dir)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        report(String.format("big-store write sessions=%d perSession=%d payload=%d seconds=%.1f disk=%d MB",
                sessions, perSession, size, written / 1e9, bytes >> 20));

        for (int round = 0; round < 2; round++) {
            long o0 = System.nanoTime();
            long loadedMessages = 0;
            long loadedBytes = 0;
            try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
                long opened = System.nanoTime() - o0;
                List<SessionState> all = store.loadSessions();
                for (SessionState s : all) {
                    store.loadSubscriptions(s.clientId());
                    store.loadAwaitingRelease(s.clientId());
                    for (QueuedMessage q : store.load(s.clientId())) {
                        loadedMessages++;
                        loadedBytes += q.message().payload().length;
                    }
                }
                long total = System.nanoTime() - o0;
                assertThat(all).hasSize(sessions);
                assertThat(loadedMessages).isEqualTo((long) sessions * perSession);
                report(String.format("big-store reopen round=%d (page cache %s) open+verify=%.2fs"
                                + " open+verify+load-all-sessions=%.2fs messages=%d payload=%d MB", round,
                        round == 0 ? "warm from the write" : "warm", opened / 1e9, total / 1e9, loadedMessages,
                        loadedBytes >> 20));
            }
        }
    }
}
