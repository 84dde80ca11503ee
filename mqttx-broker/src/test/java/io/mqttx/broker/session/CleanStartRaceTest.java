package io.mqttx.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.cluster.ClusterBus;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.routing.Delivery;
import io.mqttx.broker.routing.RetainedMessages;
import io.mqttx.broker.routing.Router;
import io.mqttx.broker.routing.TopicTree;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.embedded.RocksDbBrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.sys.BrokerMetrics;
import io.mqttx.broker.sys.SysTopics;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client reconnects with Clean Start while a publisher is still delivering to its previous persistent session: the
 * publisher matched the old session in the topic tree before the reconnect discarded it, and hands it the message
 * after. Nothing of that message may stay in the store under the client id, where the new session (persistent too,
 * by its Session Expiry Interval) would find it after a restart.
 *
 * <p>Drives the session registry directly, on real owner threads, router and stores, to place the late delivery
 * exactly after the discard; through sockets the window is a few microseconds wide.
 */
class CleanStartRaceTest {
    private static final String CLIENT = "race-client";
    private static final long ONE_HOUR = 3600;

    @TempDir
    Path tmp;

    private final DefaultEventLoopGroup owners = new DefaultEventLoopGroup(2);

    @AfterEach
    void stopOwners() throws InterruptedException {
        owners.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void lateDeliveryToTheDiscardedSessionLeavesNothingInTheMemoryStore() throws Exception {
        BrokerStore store = new MemoryBrokerStore();
        runRace(store);
        assertNothingQueuedAfterRecovery(store);
    }

    @Test
    void lateDeliveryToTheDiscardedSessionLeavesNothingInTheEmbeddedStore() throws Exception {
        try (BrokerStore store = new RocksDbBrokerStore(tmp.resolve("store"))) {
            runRace(store);
        }
        try (BrokerStore reopened = new RocksDbBrokerStore(tmp.resolve("store"))) {
            assertNothingQueuedAfterRecovery(reopened);
        }
    }

    private void runRace(BrokerStore store) throws Exception {
        SessionServices services = services(store);
        SessionRegistry registry = new SessionRegistry(ownerList(), services);

        Session old = connect(registry, false);
        services.router().tree().subscribe(old, Subscription.of("race/topic", 1), 0);
        services.router().route(message("queued for the old session"));
        assertThat(store.queues().load(CLIENT)).hasSize(1);

        Session fresh = connect(registry, true);
        assertThat(fresh).isNotSameAs(old);
        assertThat(store.queues().load(CLIENT)).as("Clean Start discards what the old session kept").isEmpty();

        // a publisher that found the old session in the topic tree just before the reconnect
        old.deliver(new Delivery(services.router().nextMessageId(), message("late for the old session"), 1, false,
                List.of(), null));
        onOwner(old, () -> null); // its owner-side half has run too

        assertThat(store.queues().load(CLIENT)).extracting(m -> new String(m.message().payload(),
                StandardCharsets.UTF_8)).isEmpty();
        assertThat(fresh.queuedCount()).isZero();
    }

    /** A broker starting on the store: the new session comes back with nothing owed. */
    private void assertNothingQueuedAfterRecovery(BrokerStore store) throws Exception {
        SessionRegistry restarted = new SessionRegistry(ownerList(), services(store));
        assertThat(restarted.recover()).isEqualTo(1);
        Session recovered = restarted.get(CLIENT);
        assertThat(onOwner(recovered, () -> recovered.queuedCount() + recovered.inflightCount())).isZero();
    }

    private static Session connect(SessionRegistry registry, boolean cleanStart) throws Exception {
        CompletableFuture<Session> ready = new CompletableFuture<>();
        registry.connect(new SessionRegistry.SessionRequest(CLIENT, ProtocolVersion.MQTT_5, cleanStart, ONE_HOUR),
                null, (session, present) -> ready.complete(session));
        return ready.get(5, TimeUnit.SECONDS);
    }

    private static <T> T onOwner(Session session, java.util.concurrent.Callable<T> task) throws Exception {
        return session.owner().submit(task).get(5, TimeUnit.SECONDS);
    }

    private List<EventExecutor> ownerList() {
        List<EventExecutor> list = new ArrayList<>();
        owners.forEach(list::add);
        return list;
    }

    private static SessionServices services(BrokerStore store) {
        BrokerConfig config = BrokerConfig.builder().build();
        BrokerMetrics metrics = new BrokerMetrics();
        Router router = new Router(new TopicTree(config.sharedSubscriptions().strategy()),
                new RetainedMessages(store.retained()), ClusterBus.LOCAL, store.queues().maxMessageId());
        SysTopics sysTopics = new SysTopics(config, metrics, router, System::currentTimeMillis);
        return new SessionServices(config, router, store, Authorizer.ALLOW_ALL, metrics, sysTopics);
    }

    private static ApplicationMessage message(String payload) {
        return new ApplicationMessage("race/topic", payload.getBytes(StandardCharsets.UTF_8), 1, false,
                MessageProperties.NONE, "publisher", 0);
    }
}
