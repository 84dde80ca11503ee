package io.mqttx.broker.store.memory;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.MessageQueueStore;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.RetainedStore;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps everything in the heap: nothing survives the process. The store of {@code enable-test-mode} and of tests,
 * and the reference the contract tests hold the other stores to.
 */
public final class MemoryBrokerStore implements BrokerStore, SessionStore, MessageQueueStore, RetainedStore {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<String, SessionState> sessions = new ConcurrentHashMap<>();
    private final Map<String, Map<String, StoredSubscription>> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentSkipListMap<Long, QueuedMessage>> queues = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Boolean>> awaitingRelease = new ConcurrentHashMap<>();
    private final Map<String, ApplicationMessage> retainedMessages = new ConcurrentHashMap<>();
    private final AtomicLong maxMessageId = new AtomicLong();

    @Override
    public SessionStore sessions() {
        return this;
    }

    @Override
    public MessageQueueStore queues() {
        return this;
    }

    @Override
    public RetainedStore retained() {
        return this;
    }

    @Override
    public CompletableFuture<Void> commit() {
        return DONE;
    }

    @Override
    public boolean commitsImmediately() {
        return true;
    }

    @Override
    public void close() {
    }

    @Override
    public void saveSession(SessionState state) {
        sessions.put(state.clientId(), state);
    }

    @Override
    public void deleteSession(String clientId) {
        sessions.remove(clientId);
        subscriptions.remove(clientId);
        queues.remove(clientId);
        awaitingRelease.remove(clientId);
    }

    @Override
    public List<SessionState> loadSessions() {
        return List.copyOf(sessions.values());
    }

    @Override
    public void saveSubscription(String clientId, Subscription subscription, int subscriptionIdentifier) {
        subscriptions.computeIfAbsent(clientId, k -> new ConcurrentHashMap<>())
                .put(subscription.topicFilter(), new StoredSubscription(subscription, subscriptionIdentifier));
    }

    @Override
    public void deleteSubscription(String clientId, String topicFilter) {
        Map<String, StoredSubscription> subs = subscriptions.get(clientId);
        if (subs != null) {
            subs.remove(topicFilter);
        }
    }

    @Override
    public List<StoredSubscription> loadSubscriptions(String clientId) {
        return List.copyOf(subscriptions.getOrDefault(clientId, Map.of()).values());
    }

    @Override
    public void append(String clientId, QueuedMessage message) {
        queues.computeIfAbsent(clientId, k -> new ConcurrentSkipListMap<>()).put(message.sequence(), message);
        maxMessageId.accumulateAndGet(message.messageId(), Math::max);
    }

    @Override
    public void updateFlight(String clientId, long sequence, int packetId, QueuedMessage.Phase phase) {
        ConcurrentSkipListMap<Long, QueuedMessage> queue = queues.get(clientId);
        if (queue != null) {
            queue.computeIfPresent(sequence, (k, m) -> m.inFlight(packetId, phase));
        }
    }

    @Override
    public void remove(String clientId, long sequence) {
        ConcurrentSkipListMap<Long, QueuedMessage> queue = queues.get(clientId);
        if (queue != null) {
            queue.remove(sequence);
        }
    }

    @Override
    public List<QueuedMessage> load(String clientId) {
        ConcurrentSkipListMap<Long, QueuedMessage> queue = queues.get(clientId);
        return queue == null ? List.of() : new ArrayList<>(queue.values());
    }

    @Override
    public void addAwaitingRelease(String clientId, int packetId) {
        awaitingRelease.computeIfAbsent(clientId, k -> new ConcurrentHashMap<>()).put(packetId, Boolean.TRUE);
    }

    @Override
    public void removeAwaitingRelease(String clientId, int packetId) {
        Map<Integer, Boolean> ids = awaitingRelease.get(clientId);
        if (ids != null) {
            ids.remove(packetId);
        }
    }

    @Override
    public List<Integer> loadAwaitingRelease(String clientId) {
        return List.copyOf(awaitingRelease.getOrDefault(clientId, Map.of()).keySet());
    }

    @Override
    public long maxMessageId() {
        return maxMessageId.get();
    }

    @Override
    public void put(ApplicationMessage message) {
        retainedMessages.put(message.topic(), message);
    }

    @Override
    public void remove(String topic) {
        retainedMessages.remove(topic);
    }

    @Override
    public List<ApplicationMessage> loadAll() {
        return List.copyOf(retainedMessages.values());
    }
}
