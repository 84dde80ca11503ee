package io.mqttx.broker.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.protocol.UserProperty;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.QueuedMessage.Phase;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.SessionStore.StoredSubscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BrokerStore} must do. An implementation's test extends this class and says how to create a store
 * and, for a durable one, how to close and reopen it: every check then runs on the live store and again on the
 * reopened one (write, close, reopen, load), so a durable store proves it reads back exactly what it was given.
 */
public abstract class BrokerStoreContract {
    protected BrokerStore store;

    /** A new, empty store. Called once per test. */
    protected abstract BrokerStore createStore();

    /** Closes the store and opens it again on the same data; a store that keeps nothing returns it as is. */
    protected BrokerStore reopen(BrokerStore current) {
        return current;
    }

    /** How many payloads the store holds, where it can tell: to check they are stored once and freed. */
    protected OptionalInt storedPayloads(BrokerStore current) {
        return OptionalInt.empty();
    }

    @BeforeEach
    void createTheStore() {
        store = createStore();
    }

    @AfterEach
    void closeTheStore() {
        store.close();
    }

    /** Runs the check now, then on the store reopened. */
    protected void checkNowAndAfterReopen(Consumer<BrokerStore> check) {
        check.accept(store);
        store = reopen(store);
        check.accept(store);
    }

    // ---------------------------------------------------------------- fixtures

    protected static ApplicationMessage message(String topic, String payload) {
        return new ApplicationMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, MessageProperties.NONE,
                "publisher", 0);
    }

    protected static QueuedMessage queued(long sequence, long messageId, ApplicationMessage m, int qos) {
        return new QueuedMessage(sequence, messageId, m, qos, false, List.of(), 0, Phase.QUEUED);
    }

    protected static void assertSameMessage(ApplicationMessage actual, ApplicationMessage expected) {
        assertThat(actual.topic()).isEqualTo(expected.topic());
        assertThat(actual.payload()).isEqualTo(expected.payload());
        assertThat(actual.qos()).isEqualTo(expected.qos());
        assertThat(actual.retain()).isEqualTo(expected.retain());
        assertThat(actual.publisherId()).isEqualTo(expected.publisherId());
        assertThat(actual.expiresAtMillis()).isEqualTo(expected.expiresAtMillis());
        MessageProperties a = actual.properties();
        MessageProperties e = expected.properties();
        assertThat(a.payloadFormatIndicator()).isEqualTo(e.payloadFormatIndicator());
        assertThat(a.messageExpiryInterval()).isEqualTo(e.messageExpiryInterval());
        assertThat(a.contentType()).isEqualTo(e.contentType());
        assertThat(a.responseTopic()).isEqualTo(e.responseTopic());
        assertThat(a.correlationData()).isEqualTo(e.correlationData());
        assertThat(a.userProperties()).isEqualTo(e.userProperties());
    }

    protected static void assertSameQueued(QueuedMessage actual, QueuedMessage expected) {
        assertThat(actual.sequence()).isEqualTo(expected.sequence());
        assertThat(actual.messageId()).isEqualTo(expected.messageId());
        assertThat(actual.qos()).isEqualTo(expected.qos());
        assertThat(actual.retain()).isEqualTo(expected.retain());
        assertThat(actual.subscriptionIds()).isEqualTo(expected.subscriptionIds());
        assertThat(actual.packetId()).isEqualTo(expected.packetId());
        assertThat(actual.phase()).isEqualTo(expected.phase());
        assertSameMessage(actual.message(), expected.message());
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessionsAreSavedReplacedAndLoaded() {
        store.sessions().saveSession(new SessionState("a", ProtocolVersion.MQTT_3_1_1, 604_800, 0));
        store.sessions().saveSession(new SessionState("b", ProtocolVersion.MQTT_5, 0xFFFFFFFFL, 1_700_000_000_123L));
        store.sessions().saveSession(new SessionState("c", ProtocolVersion.MQTT_3_1, 1, 5));
        store.sessions().saveSession(new SessionState("a", ProtocolVersion.MQTT_5, 60, 1_700_000_000_999L));

        checkNowAndAfterReopen(s -> assertThat(s.sessions().loadSessions()).containsExactlyInAnyOrder(
                new SessionState("a", ProtocolVersion.MQTT_5, 60, 1_700_000_000_999L),
                new SessionState("b", ProtocolVersion.MQTT_5, 0xFFFFFFFFL, 1_700_000_000_123L),
                new SessionState("c", ProtocolVersion.MQTT_3_1, 1, 5)));
    }

    @Test
    void subscriptionsKeepTheirOptionsAndIdentifier() {
        Subscription plain = Subscription.of("a/+/c", 1);
        Subscription options = new Subscription("x/#", 2, true, true, 2);
        Subscription shared = new Subscription("$share/g/s/t", 0, false, true, 1);
        store.sessions().saveSubscription("c1", plain, 0);
        store.sessions().saveSubscription("c1", options, 268_435_455);
        store.sessions().saveSubscription("c1", shared, 7);
        store.sessions().saveSubscription("c1", Subscription.of("gone", 1), 0);
        store.sessions().deleteSubscription("c1", "gone");
        store.sessions().saveSubscription("c1", Subscription.of("a/+/c", 2), 3); // replaces the first
        store.sessions().saveSubscription("c2", plain, 0);

        checkNowAndAfterReopen(s -> {
            assertThat(s.sessions().loadSubscriptions("c1")).containsExactlyInAnyOrder(
                    new StoredSubscription(Subscription.of("a/+/c", 2), 3),
                    new StoredSubscription(options, 268_435_455),
                    new StoredSubscription(shared, 7));
            assertThat(s.sessions().loadSubscriptions("c2")).containsExactly(new StoredSubscription(plain, 0));
            assertThat(s.sessions().loadSubscriptions("nobody")).isEmpty();
        });
    }

    @Test
    void deletingASessionRemovesEverythingItOwnsAndNothingElse() {
        for (String c : List.of("gone", "kept")) {
            store.sessions().saveSession(new SessionState(c, ProtocolVersion.MQTT_5, 100, 0));
            store.sessions().saveSubscription(c, Subscription.of("t/" + c, 1), 0);
            store.queues().append(c, queued(1, 10, message("t", "shared"), 1));
            store.queues().append(c, queued(2, c.equals("gone") ? 11 : 12, message("t", "own " + c), 2));
            store.queues().updateFlight(c, 1, 5, Phase.PUBLISHED);
            store.queues().addAwaitingRelease(c, 9);
        }
        store.sessions().deleteSession("gone");

        checkNowAndAfterReopen(s -> {
            assertThat(s.sessions().loadSessions()).extracting(SessionState::clientId).containsExactly("kept");
            assertThat(s.sessions().loadSubscriptions("gone")).isEmpty();
            assertThat(s.queues().load("gone")).isEmpty();
            assertThat(s.queues().loadAwaitingRelease("gone")).isEmpty();
            assertThat(s.sessions().loadSubscriptions("kept")).hasSize(1);
            assertThat(s.queues().load("kept")).extracting(QueuedMessage::messageId).containsExactly(10L, 12L);
            assertThat(s.queues().load("kept").get(0).message().payload())
                    .isEqualTo("shared".getBytes(StandardCharsets.UTF_8));
            assertThat(s.queues().loadAwaitingRelease("kept")).containsExactly(9);
        });
        // what only "gone" referenced is freed; the message both had is kept for "kept"
        storedPayloads(store).ifPresent(n -> assertThat(n).isEqualTo(2));
    }

    @Test
    void deletingAnUnknownSessionIsHarmless() {
        store.sessions().deleteSession("never-seen");
        checkNowAndAfterReopen(s -> assertThat(s.sessions().loadSessions()).isEmpty());
    }

    // ---------------------------------------------------------------- queues

    @Test
    void queueLoadsInSequenceOrderWithFlightState() {
        ApplicationMessage m = message("q", "m");
        store.queues().append("c", queued(3, 3, m, 1));
        store.queues().append("c", queued(1, 1, m, 2));
        store.queues().append("c", queued(2, 2, m, 2));
        store.queues().append("c", queued(1L << 40, 4, m, 1));
        store.queues().updateFlight("c", 1, 17, Phase.PUBLISHED);
        store.queues().updateFlight("c", 1, 17, Phase.RELEASED);
        store.queues().updateFlight("c", 2, 65535, Phase.PUBLISHED);

        checkNowAndAfterReopen(s -> {
            List<QueuedMessage> loaded = s.queues().load("c");
            assertThat(loaded).extracting(QueuedMessage::sequence).containsExactly(1L, 2L, 3L, 1L << 40);
            assertThat(loaded).extracting(QueuedMessage::packetId).containsExactly(17, 65535, 0, 0);
            assertThat(loaded).extracting(QueuedMessage::phase)
                    .containsExactly(Phase.RELEASED, Phase.PUBLISHED, Phase.QUEUED, Phase.QUEUED);
            assertThat(loaded).extracting(QueuedMessage::qos).containsExactly(2, 2, 1, 1);
        });
    }

    @Test
    void removedEntriesStayRemovedAndALateFlightUpdateDoesNotResurrectThem() {
        ApplicationMessage m = message("q", "m");
        for (long seq = 1; seq <= 5; seq++) {
            store.queues().append("c", queued(seq, seq, m, 1));
        }
        store.queues().updateFlight("c", 2, 2, Phase.PUBLISHED);
        store.queues().remove("c", 2);
        store.queues().remove("c", 4);
        store.queues().remove("c", 4); // twice: harmless
        store.queues().remove("c", 99); // unknown: harmless
        store.queues().updateFlight("c", 4, 8, Phase.PUBLISHED);

        checkNowAndAfterReopen(s -> assertThat(s.queues().load("c")).extracting(QueuedMessage::sequence)
                .containsExactly(1L, 3L, 5L));
        storedPayloads(store).ifPresent(n -> assertThat(n).isEqualTo(3));
    }

    @Test
    void messagesRoundTripWithEveryProperty() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        ApplicationMessage full = new ApplicationMessage("a/b/€/😀", binary, 2, true,
                new MessageProperties(1, 3600L, "application/json", "reply/to", new byte[] {0, 1, 2, (byte) 0xFF},
                        List.of(new UserProperty("k", "v"), new UserProperty("k", "v2"), new UserProperty("", ""))),
                "pub:lisher/😀", 1_700_000_123_456L);
        ApplicationMessage bare = new ApplicationMessage("t", new byte[0], 1, false, MessageProperties.NONE, null, 0);
        QueuedMessage a = new QueuedMessage(1, 100, full, 2, true, List.of(1, 268_435_455), 0, Phase.QUEUED);
        QueuedMessage b = new QueuedMessage(2, 101, bare, 1, false, List.of(), 0, Phase.QUEUED);
        store.queues().append("c", a);
        store.queues().append("c", b);

        checkNowAndAfterReopen(s -> {
            List<QueuedMessage> loaded = s.queues().load("c");
            assertThat(loaded).hasSize(2);
            assertSameQueued(loaded.get(0), a);
            assertSameQueued(loaded.get(1), b);
        });
    }

    @Test
    void aMessageQueuedForManySessionsIsStoredOnceAndFreedWithItsLastReference() {
        ApplicationMessage m = message("fan/out", "x".repeat(10_000));
        for (int i = 0; i < 5; i++) {
            store.queues().append("s" + i, queued(1, 42, m, 1));
        }
        storedPayloads(store).ifPresent(n -> assertThat(n).isEqualTo(1));
        store.queues().remove("s0", 1);
        store.queues().remove("s1", 1);
        store.sessions().deleteSession("s2");

        checkNowAndAfterReopen(s -> {
            for (int i = 3; i < 5; i++) {
                List<QueuedMessage> loaded = s.queues().load("s" + i);
                assertThat(loaded).hasSize(1);
                assertSameMessage(loaded.get(0).message(), m);
            }
            assertThat(s.queues().load("s0")).isEmpty();
        });
        storedPayloads(store).ifPresent(n -> assertThat(n).isEqualTo(1));
        store.queues().remove("s3", 1);
        store.sessions().deleteSession("s4");
        checkNowAndAfterReopen(s -> assertThat(s.queues().load("s4")).isEmpty());
        storedPayloads(store).ifPresent(n -> assertThat(n).isZero());
    }

    @Test
    void maxMessageIdIsTheHighestEverAppended() {
        assertThat(store.queues().maxMessageId()).isZero();
        ApplicationMessage m = message("q", "m");
        store.queues().append("a", queued(1, 7, m, 1));
        store.queues().append("b", queued(1, 1_000_000_000_000L, m, 1));
        store.queues().append("a", queued(2, 9, m, 1));
        checkNowAndAfterReopen(s -> assertThat(s.queues().maxMessageId()).isEqualTo(1_000_000_000_000L));
    }

    @Test
    void inboundPacketIdsAwaitingReleaseAreKeptPerClient() {
        store.queues().addAwaitingRelease("c", 1);
        store.queues().addAwaitingRelease("c", 65535);
        store.queues().addAwaitingRelease("c", 300);
        store.queues().addAwaitingRelease("c", 300);
        store.queues().removeAwaitingRelease("c", 1);
        store.queues().removeAwaitingRelease("c", 2);
        store.queues().addAwaitingRelease("d", 1);

        checkNowAndAfterReopen(s -> {
            assertThat(s.queues().loadAwaitingRelease("c")).containsExactlyInAnyOrder(300, 65535);
            assertThat(s.queues().loadAwaitingRelease("d")).containsExactly(1);
        });
    }

    // ---------------------------------------------------------------- retained

    @Test
    void retainedMessagesAreReplacedAndRemovedPerTopic() {
        store.retained().put(message("a", "1").withRetain(true));
        store.retained().put(message("b", "2").withRetain(true));
        store.retained().put(message("a", "3").withRetain(true));
        store.retained().put(message("c", "4").withRetain(true));
        store.retained().remove("c");
        store.retained().remove("never");

        checkNowAndAfterReopen(s -> {
            List<ApplicationMessage> all = new ArrayList<>(s.retained().loadAll());
            all.sort((x, y) -> x.topic().compareTo(y.topic()));
            assertThat(all).extracting(ApplicationMessage::topic).containsExactly("a", "b");
            assertSameMessage(all.get(0), message("a", "3").withRetain(true));
        });
    }

    // ---------------------------------------------------------------- client ids

    /**
     * Ids that a naive key scheme ({@code prefix + ":" + id}, or ids concatenated with what follows) would mix up:
     * separators, glob and hash-tag characters, prefixes of each other, NUL, lone surrogates, Unicode, 64 KiB.
     * One client's data must never show in another's session (CVE-2026-95847 class).
     */
    protected static List<String> nastyClientIds() {
        return List.of("", "a", "a:", "a:b", "a/b", "a/", "ab", "a\u0000", "a\u0000b", "{a}", "a{}", "*", "a*",
                "?", "\u00e9", "e\u0301", "\uD83D\uDE00", "\uD800", "\uDC00", "\uD800\uDC00x", "\uFFFD", "客户端",
                ":", "::", "a".repeat(65_535), "a".repeat(65_534) + "b", "😀".repeat(20_000), "\u007F\u0080\u0800");
    }

    @Test
    void clientIdsNeverCollide() {
        List<String> ids = nastyClientIds();
        for (int i = 0; i < ids.size(); i++) {
            String c = ids.get(i);
            store.sessions().saveSession(new SessionState(c, ProtocolVersion.MQTT_5, i + 1, 0));
            // the filter of one id + the next id's characters must not alias another id's key
            store.sessions().saveSubscription(c, Subscription.of("f" + i, 1), i);
            store.sessions().saveSubscription(c, Subscription.of(":" + i, 1), i);
            store.queues().append(c, queued(1, 1000 + i, message("t", "for " + i), 1));
            store.queues().append(c, queued(i + 2, 1000, message("t", "shared"), 1));
            store.queues().updateFlight(c, 1, i + 1, Phase.PUBLISHED);
            store.queues().addAwaitingRelease(c, i + 1);
        }
        // deleting one must not touch any other
        store.sessions().deleteSession("a");

        checkNowAndAfterReopen(s -> {
            List<SessionState> sessions = s.sessions().loadSessions();
            assertThat(sessions).hasSize(ids.size() - 1);
            for (SessionState state : sessions) {
                int i = ids.indexOf(state.clientId());
                assertThat(i).as("loaded id is one of those saved").isNotNegative();
                assertThat(state.expiryIntervalSeconds()).isEqualTo(i + 1);
            }
            for (int i = 0; i < ids.size(); i++) {
                String c = ids.get(i);
                if (c.equals("a")) {
                    assertThat(s.sessions().loadSubscriptions(c)).isEmpty();
                    assertThat(s.queues().load(c)).isEmpty();
                    assertThat(s.queues().loadAwaitingRelease(c)).isEmpty();
                    continue;
                }
                assertThat(s.sessions().loadSubscriptions(c)).as("subscriptions of id #" + i)
                        .containsExactlyInAnyOrder(new StoredSubscription(Subscription.of("f" + i, 1), i),
                                new StoredSubscription(Subscription.of(":" + i, 1), i));
                List<QueuedMessage> queue = s.queues().load(c);
                assertThat(queue).as("queue of id #" + i).extracting(QueuedMessage::sequence)
                        .containsExactly(1L, (long) i + 2);
                assertThat(new String(queue.get(0).message().payload(), StandardCharsets.UTF_8))
                        .isEqualTo("for " + i);
                assertThat(queue.get(0).packetId()).isEqualTo(i + 1);
                assertThat(s.queues().loadAwaitingRelease(c)).as("inbound ids of id #" + i).containsExactly(i + 1);
            }
        });
    }

    @Test
    void topicsThatLookAlikeAreDistinctRetainedMessages() {
        List<String> topics = List.of("a", "a/", "a/b", "a\u0000", "\uD800", "\uFFFD", "€", "a".repeat(65_535));
        for (String t : topics) {
            store.retained().put(message(t, "for " + t.length() + t.hashCode()).withRetain(true));
        }
        checkNowAndAfterReopen(s -> {
            List<ApplicationMessage> all = s.retained().loadAll();
            assertThat(all).extracting(ApplicationMessage::topic).containsExactlyInAnyOrderElementsOf(topics);
            for (ApplicationMessage m : all) {
                assertThat(new String(m.payload(), StandardCharsets.UTF_8))
                        .isEqualTo("for " + m.topic().length() + m.topic().hashCode());
            }
        });
    }

    // ---------------------------------------------------------------- concurrency and commit

    @Test
    void commitCompletesAndCoversWhatWasWritten() throws Exception {
        store.queues().append("c", queued(1, 1, message("t", "m"), 1));
        CompletableFuture<Void> commit = store.commit();
        assertThat(commit).succeedsWithin(Duration.ofSeconds(5));
        if (store.commitsImmediately()) {
            assertThat(store.commit()).isDone();
        }
        checkNowAndAfterReopen(s -> assertThat(s.queues().load("c")).hasSize(1));
    }

    @Test
    void everyWriteOfAnAtomicUnitIsThereAfterwardsAndItsReadsSeeItsOwnWrites() {
        ApplicationMessage m = message("t", "routed");
        store.atomically(() -> {
            store.queues().append("a", queued(1, 1, m, 2));
            store.atomically(() -> store.queues().append("b", queued(1, 1, m, 2))); // nested: joins the unit
            store.queues().updateFlight("a", 1, 4, Phase.PUBLISHED);
            store.queues().append("c", queued(1, 2, message("t", "dropped"), 1));
            store.queues().remove("c", 1); // an entry written in this very unit
            store.queues().remove("b", 1);
            store.queues().addAwaitingRelease("publisher", 7);
            store.retained().put(m.withRetain(true));
            store.sessions().saveSession(new SessionState("a", ProtocolVersion.MQTT_5, 60, 0));
        });
        checkNowAndAfterReopen(s -> {
            assertThat(s.queues().load("a")).singleElement().satisfies(q -> {
                assertThat(q.packetId()).isEqualTo(4);
                assertThat(q.phase()).isEqualTo(Phase.PUBLISHED);
                assertSameMessage(q.message(), m);
            });
            assertThat(s.queues().load("b")).isEmpty();
            assertThat(s.queues().load("c")).isEmpty();
            assertThat(s.queues().loadAwaitingRelease("publisher")).containsExactly(7);
            assertThat(s.retained().loadAll()).hasSize(1);
            assertThat(s.sessions().loadSessions()).hasSize(1);
        });
        storedPayloads(store).ifPresent(n -> assertThat(n).isEqualTo(1));
    }

    @Test
    void concurrentPublishersAndSessionsKeepPayloadReferencesExact() throws Exception {
        int threads = 4;
        int perThread = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            // every message goes to two sessions: one owned by this thread, one shared by all
                            long id = (long) thread * perThread + i + 1;
                            ApplicationMessage m = message("t", "m" + id);
                            store.queues().append("own" + thread, queued(i + 1, id, m, 1));
                            store.queues().append("other" + thread, queued(i + 1, id, m, 1));
                            store.queues().remove("own" + thread, i + 1);
                            if (i % 2 == 0) {
                                store.queues().remove("other" + thread, i + 1);
                            }
                            CompletableFuture<Void> c = store.commit();
                            c.get(5, TimeUnit.SECONDS);
                        }
                    } catch (Exception | AssertionError e) {
                        failures.add(e);
                    }
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures).isEmpty();
        int expected = threads * perThread / 2;
        checkNowAndAfterReopen(s -> {
            int total = 0;
            for (int t = 0; t < threads; t++) {
                assertThat(s.queues().load("own" + t)).isEmpty();
                List<QueuedMessage> other = s.queues().load("other" + t);
                for (QueuedMessage q : other) {
                    assertThat(new String(q.message().payload(), StandardCharsets.UTF_8))
                            .isEqualTo("m" + q.messageId());
                }
                total += other.size();
            }
            assertThat(total).isEqualTo(expected);
        });
        storedPayloads(store).ifPresent(n -> assertThat(n).isEqualTo(expected));
    }
}
