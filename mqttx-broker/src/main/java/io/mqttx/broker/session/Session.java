package io.mqttx.broker.session;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.InboundPacket;
import io.mqttx.broker.protocol.InboundPacket.AckType;
import io.mqttx.broker.protocol.OutboundPackets;
import io.mqttx.broker.protocol.OutboundTopicAliases;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.ProtocolViolation;
import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.protocol.Utf8;
import io.mqttx.broker.routing.Delivery;
import io.mqttx.broker.routing.Handoff;
import io.mqttx.broker.routing.Subscriber;
import io.mqttx.broker.routing.Topics;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.QueuedMessage.Phase;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.SessionStore.StoredSubscription;
import io.mqttx.broker.sys.SysTopics;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one client id: subscriptions, the outbound queue and in-flight window, inbound QoS 2 packet ids.
 * Every field is read and written on the session's owner thread only ({@link #owner}); other threads reach it
 * through {@link #execute}. Persistent sessions mirror their state into the store, and survive their connection
 * until they expire.
 */
public final class Session implements Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    private static final long NEVER_EXPIRES = 0xFFFFFFFFL;
    private static final int TOPIC_ALIAS = 0x23;

    private final String clientId;
    private final EventExecutor owner;
    private final SessionServices services;
    private final ReceiveCheck receiveCheck;
    private final SessionLogs logs;
    private final BrokerConfig.Limits limits;
    private final AtomicLong sequences = new AtomicLong();

    /** Read on publishers' threads to decide whether a delivery goes to the store first. */
    private volatile boolean persistent;
    /**
     * Makes a publisher's "persistent? then append" one step against the owner's "no longer persistent, then delete
     * the stored session": without it an append could land after the delete and stay in the store under this client
     * id, where the next persistent session of the id would find it.
     */
    private final Object storeGate = new Object();
    private long expiryIntervalSeconds;
    /** Written on the owner thread; read elsewhere only for {@link #isOnline()}. */
    private volatile ClientChannel channel;
    private ScheduledFuture<?> expiryTask;
    private Runnable onExpired = () -> { };
    private ScheduledFuture<?> willTask;
    private Runnable pendingWill;
    private int pendingAcks;
    /** Sequence numbers of queued/in-flight messages that came through a shared subscription, by its filter. */
    private final Map<Long, String> sharedFilters = new HashMap<>();
    private boolean discarded;

    private final Map<String, StoredSubscription> subscriptions = new HashMap<>();
    private final ArrayDeque<QueuedMessage> queue = new ArrayDeque<>();
    private final LinkedHashMap<Integer, QueuedMessage> inflight = new LinkedHashMap<>();
    private final Set<Integer> awaitingRelease = new HashSet<>();
    private int nextPacketId = 1;

    Session(String clientId, EventExecutor owner, SessionServices services, ReceiveCheck receiveCheck,
            SessionLogs logs) {
        this.clientId = clientId;
        this.receiveCheck = receiveCheck;
        this.logs = logs;
        this.owner = owner;
        this.services = services;
        this.limits = services.config().limits();
    }

    @Override
    public String clientId() {
        return clientId;
    }

    EventExecutor owner() {
        return owner;
    }

    boolean isPersistent() {
        return persistent;
    }

    boolean isConnected() {
        return channel != null;
    }

    @Override
    public boolean isOnline() {
        return channel != null;
    }

    ClientChannel channel() {
        return channel;
    }

    boolean isDiscarded() {
        return discarded;
    }

    /** Whether the calling thread is the session's owner thread. */
    public boolean isOwnerThread() {
        return owner.inEventLoop();
    }

    /** Runs a task on the owner thread: at once if already there. */
    public void execute(Runnable task) {
        if (owner.inEventLoop()) {
            task.run();
        } else {
            owner.execute(task);
        }
    }

    // ---------------------------------------------------------------- lifecycle (owner thread)

    /** Sets whether the session outlives its connection, and for how long (seconds; 0 = clean). */
    void configure(long expirySeconds, ProtocolVersion version) {
        boolean wasPersistent = persistent;
        expiryIntervalSeconds = expirySeconds;
        if (expirySeconds > 0) {
            persistent = true;
            services.store().sessions().saveSession(new SessionState(clientId, version, expirySeconds, 0));
        } else if (wasPersistent) {
            stopStoring();
            services.store().sessions().deleteSession(clientId);
        }
    }

    /** Attaches a new connection: re-sends what was in flight with the original packet ids, then the queue. */
    public void attach(ClientChannel newChannel) {
        cancelExpiry();
        cancelWill(); // the client is back within the Will Delay Interval [MQTT-3.1.3-9]
        // a connection that was taken over may not have detached yet: its QoS 0 backlog goes with it
        dropQueuedQos0();
        channel = newChannel;
        // a snapshot: transmit() settles and removes a message the client may no longer read
        for (QueuedMessage m : new ArrayList<>(inflight.values())) {
            if (m.phase() == Phase.RELEASED) {
                newChannel.send(OutboundPackets.ack(AckType.PUBREL, m.packetId(), ReasonCode.SUCCESS));
            } else {
                transmit(m, true);
            }
        }
        pump();
    }

    /**
     * Detaches the connection if it is still the current one.
     *
     * @return true if the session should now be discarded (it is not persistent)
     */
    boolean detach(ClientChannel closed, ProtocolVersion version) {
        if (channel != closed) {
            return false;
        }
        channel = null;
        redistributeShared();
        if (!persistent) {
            return true;
        }
        dropQueuedQos0();
        dropSysSubscriptions();
        services.store().sessions().saveSession(
                new SessionState(clientId, version, expiryIntervalSeconds, System.currentTimeMillis()));
        scheduleExpiry(expiryIntervalSeconds);
        return false;
    }

    /**
     * Hands the messages this client got through shared subscriptions and has not acknowledged (or not yet been
     * sent) to another online member of the same group. Without one, they stay here.
     */
    private void redistributeShared() {
        if (sharedFilters.isEmpty()) {
            return;
        }
        List<QueuedMessage> candidates = new ArrayList<>();
        for (QueuedMessage m : inflight.values()) {
            if (m.phase() == Phase.PUBLISHED && sharedFilters.containsKey(m.sequence())) {
                candidates.add(m);
            }
        }
        for (QueuedMessage m : queue) {
            if (sharedFilters.containsKey(m.sequence())) {
                candidates.add(m);
            }
        }
        for (QueuedMessage m : candidates) {
            String filter = sharedFilters.get(m.sequence());
            Subscriber other = otherOnlineMember(filter);
            if (other == null) {
                continue;
            }
            if (m.packetId() != 0 && inflight.get(m.packetId()) == m) {
                inflight.remove(m.packetId());
            } else {
                queue.remove(m);
            }
            forget(m);
            other.deliver(new Delivery(m.messageId(), m.message(), m.qos(), m.retain(), m.subscriptionIds(), filter));
        }
    }

    private Subscriber otherOnlineMember(String sharedFilter) {
        List<Subscriber> online = new ArrayList<>();
        for (Subscriber s : services.router().tree().sharedMembers(sharedFilter)) {
            if (s != this && s.isOnline()) {
                online.add(s);
            }
        }
        return online.isEmpty() ? null
                : online.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(online.size()));
    }

    /**
     * The connection ended without DISCONNECT and its will has a delay: publish it when the delay or the session
     * ends, whichever comes first, unless the client reconnects before [MQTT-3.1.2-8, 3.1.3.2.2].
     */
    public void scheduleWill(long delaySeconds, Runnable publish) {
        long delay = Math.min(delaySeconds, persistent ? expiryIntervalSeconds : 0);
        if (delay <= 0 || discarded) {
            publish.run();
            return;
        }
        cancelWill();
        pendingWill = publish;
        willTask = owner.schedule(this::firePendingWill, delay, TimeUnit.SECONDS);
    }

    private void firePendingWill() {
        Runnable will = pendingWill;
        pendingWill = null;
        willTask = null;
        if (will != null) {
            will.run();
        }
    }

    private void cancelWill() {
        if (willTask != null) {
            willTask.cancel(false);
            willTask = null;
        }
        pendingWill = null;
    }

    /**
     * QoS 0 messages wait in the queue only for a connected client whose socket is busy: they are never stored,
     * and a new connection of a persistent session gets only what the store would have given it.
     */
    private void dropQueuedQos0() {
        int before = queue.size();
        queue.removeIf(m -> m.qos() == 0);
        for (int i = queue.size(); i < before; i++) {
            services.metrics().messageDropped();
        }
    }

    /** $SYS subscriptions and messages end with the connection: they are never stored nor re-sent on resume. */
    private void dropSysSubscriptions() {
        queue.removeIf(m -> SysTopics.isSys(m.message().topic()));
        inflight.values().removeIf(m -> SysTopics.isSys(m.message().topic()));
        subscriptions.keySet().removeIf(filter -> {
            if (SysTopics.isSys(filter)) {
                services.router().tree().unsubscribe(clientId, filter);
                return true;
            }
            return false;
        });
    }

    void scheduleExpiry(long remainingSeconds) {
        if (remainingSeconds >= NEVER_EXPIRES || discarded) {
            return;
        }
        cancelExpiry();
        expiryTask = owner.schedule(this::expire, remainingSeconds, TimeUnit.SECONDS);
    }

    private void cancelExpiry() {
        if (expiryTask != null) {
            expiryTask.cancel(false);
            expiryTask = null;
        }
    }

    void onExpired(Runnable action) {
        onExpired = action;
    }

    /** Changes the expiry interval, as an MQTT 5 DISCONNECT may. */
    void updateExpiry(long expirySeconds, ProtocolVersion version) {
        configure(expirySeconds, version);
    }

    private void expire() {
        expiryTask = null;
        if (channel == null && !discarded) {
            log.info("session {} expired after {} s offline", clientId, expiryIntervalSeconds);
            onExpired.run();
        }
    }

    /** Drops every subscription and message; the session object is not used again. */
    void discard() {
        if (discarded) {
            return;
        }
        firePendingWill(); // the session ends: a delayed will goes out now
        discarded = true;
        channel = null;
        cancelExpiry();
        for (String filter : subscriptions.keySet()) {
            services.router().tree().unsubscribe(clientId, filter);
        }
        subscriptions.clear();
        queue.clear();
        inflight.clear();
        awaitingRelease.clear();
        sharedFilters.clear();
        if (persistent) {
            // a later session of this client id owns the stored state from now on: this object writes no more
            stopStoring();
            services.store().sessions().deleteSession(clientId);
        }
    }

    /**
     * Ends the appends of publishers' threads before the stored session is deleted: one that saw the session
     * persistent has appended by now (or its atomic unit holds the store's lock, and the delete waits for it).
     */
    private void stopStoring() {
        synchronized (storeGate) {
            persistent = false;
        }
    }

    /** Restores what the store kept of this session after a restart (before any client connects). */
    void restore(long expirySeconds, List<StoredSubscription> stored, List<QueuedMessage> messages,
                 List<Integer> awaiting) {
        expiryIntervalSeconds = expirySeconds;
        persistent = true;
        for (StoredSubscription s : stored) {
            subscriptions.put(s.subscription().topicFilter(), s);
            services.router().tree().subscribe(this, s.subscription(), s.subscriptionIdentifier());
        }
        long maxSequence = 0;
        for (QueuedMessage m : messages) {
            maxSequence = Math.max(maxSequence, m.sequence());
            if (m.phase() == Phase.QUEUED || m.packetId() == 0) {
                queue.add(m);
            } else {
                inflight.put(m.packetId(), m);
            }
        }
        sequences.set(maxSequence);
        awaitingRelease.addAll(awaiting);
    }

    // ---------------------------------------------------------------- outbound

    /**
     * Called on the publisher's thread. A QoS 1/2 message for a persistent session is appended to the store here,
     * so that the publisher's commit covers it; the rest happens on the owner thread.
     */
    @Override
    public void deliver(Delivery delivery) {
        // always a task, even on this thread: it may send at once, and the publisher's atomic store unit that holds
        // the entry is written only when routing ends
        owner.execute(accept(delivery));
    }

    @Override
    public void deliver(Delivery delivery, Handoff handoff) {
        handoff.add(owner, accept(delivery));
    }

    /** The publisher's-thread half of a delivery; returns the half for the owner thread. */
    private Runnable accept(Delivery delivery) {
        QueuedMessage entry = new QueuedMessage(sequences.incrementAndGet(), delivery.messageId(),
                delivery.message(), delivery.qos(), delivery.retain(), delivery.subscriptionIds(), 0, Phase.QUEUED);
        boolean stored = delivery.qos() > 0 && appendIfKeptInStore(entry);
        String sharedFilter = delivery.sharedFilter();
        return () -> {
            if (sharedFilter != null && entry.qos() > 0) {
                sharedFilters.put(entry.sequence(), sharedFilter);
            }
            enqueue(entry, stored);
        };
    }

    private boolean appendIfKeptInStore(QueuedMessage entry) {
        if (!keptInStore(entry.message())) {
            return false; // if it turns persistent meanwhile, enqueue() appends it
        }
        boolean[] appended = new boolean[1];
        // in an atomic unit of the store (the publisher's, or one of its own): a store that locks takes its lock
        // before the gate on every path, and the owner never holds the gate while it calls the store
        services.store().atomically(() -> {
            synchronized (storeGate) {
                if (persistent) {
                    services.store().queues().append(clientId, entry);
                    appended[0] = true;
                }
            }
        });
        return appended[0];
    }

    private void enqueue(QueuedMessage m, boolean stored) {
        if (discarded) {
            return;
        }
        if (m.qos() == 0) {
            if (channel == null) {
                services.metrics().messageDropped(); // QoS 0 is never kept for an offline client
                return;
            }
            if (queue.isEmpty() && channel.isWritable()) {
                transmit(m, false);
                return;
            }
            // behind a busy socket or older messages: waits, so this subscriber's order holds
            addToQueue(m);
            return;
        }
        if (!stored && keptInStore(m.message())) {
            // the session became persistent after the publisher looked: keep the store complete
            services.store().queues().append(clientId, m);
        }
        if (channel != null && queue.isEmpty() && inflight.size() < window()) {
            sendNew(m);
            return;
        }
        if (channel == null && !keptInStore(m.message())) {
            services.metrics().messageDropped();
            return;
        }
        addToQueue(m);
    }

    private void addToQueue(QueuedMessage m) {
        if (queue.size() >= limits.maxQueuedMessages()) {
            QueuedMessage dropped = queue.poll();
            forget(dropped);
            services.metrics().messageDropped();
            log.debug("session {}: queue full ({}), dropped the oldest message", clientId, limits.maxQueuedMessages());
        }
        queue.add(m);
    }

    private int window() {
        return Math.min(limits.maxInflight(), channel == null ? limits.maxInflight() : channel.receiveMaximum());
    }

    /**
     * Sends from the head of the queue while the head may go: a QoS 0 message while the socket is writable, a QoS
     * 1/2 message while the in-flight window has room. Stopping at the first that may not keeps the order.
     */
    private void pump() {
        while (channel != null && !queue.isEmpty()) {
            QueuedMessage head = queue.peek();
            if (head.qos() == 0) {
                if (!channel.isWritable()) {
                    return; // resumed by writable()
                }
                queue.poll();
                if (head.message().isExpired(System.currentTimeMillis())) {
                    services.metrics().messageDropped();
                } else {
                    transmit(head, false);
                }
            } else if (inflight.size() < window()) {
                sendNew(queue.poll());
            } else {
                return; // resumed by an ack
            }
        }
    }

    /** The socket of {@code from} drained below its low-water mark: send what waited for it. */
    public void writable(ClientChannel from) {
        if (channel == from && !discarded) {
            pump();
        }
    }

    private void sendNew(QueuedMessage m) {
        long now = System.currentTimeMillis();
        if (m.message().isExpired(now)) {
            forget(m);
            services.metrics().messageDropped();
            return;
        }
        int packetId = allocatePacketId();
        QueuedMessage flying = m.inFlight(packetId, Phase.PUBLISHED);
        inflight.put(packetId, flying);
        if (keptInStore(m.message())) {
            services.store().queues().updateFlight(clientId, m.sequence(), packetId, Phase.PUBLISHED);
        }
        transmit(flying, false);
    }

    private int allocatePacketId() {
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
    }

    private void transmit(QueuedMessage m, boolean dup) {
        ApplicationMessage message = m.message();
        if (!receiveCheck.mayReceive(channel.identity(), message.topic())) {
            if (m.qos() > 0) {
                inflight.remove(m.packetId());
                forget(m);
            }
            services.metrics().messageDropped();
            return;
        }
        boolean v5 = channel.protocolVersion().isV5();
        if (OutboundPackets.publishSize(message, m.qos(), v5, m.subscriptionIds()) > channel.maximumPacketSize()) {
            // too large for this client: discarded as if delivered [MQTT-3.1.2-25]
            log.debug("client {}: message on {} exceeds its maximum packet size, dropped", clientId, message.topic());
            if (m.qos() > 0) {
                inflight.remove(m.packetId());
                forget(m);
            }
            services.metrics().messageDropped();
            return;
        }
        MqttProperties properties = v5
                ? OutboundPackets.publishProperties(message, m.subscriptionIds(), System.currentTimeMillis())
                : MqttProperties.NO_PROPERTIES;
        String wireTopic = message.topic();
        if (v5 && !dup) {
            // a re-sent PUBLISH always names its topic: it may be the first on a new connection [MQTT-3.3.2-10]
            int alias = topicAlias(message, m);
            if (alias != 0) {
                if (properties == MqttProperties.NO_PROPERTIES) {
                    properties = new MqttProperties();
                }
                properties.add(new MqttProperties.IntegerProperty(TOPIC_ALIAS, Math.abs(alias)));
                if (alias > 0) {
                    wireTopic = ""; // the client knows this alias already
                }
            }
        }
        channel.send(OutboundPackets.publish(message, wireTopic, m.qos(), m.retain(), dup, m.packetId(),
                properties));
        services.metrics().messageSent();
    }

    /**
     * The Topic Alias to send {@code message} with on the current connection: positive if the client knows it (the
     * topic is left out), negative if it is assigned now (sent with the topic), 0 for none. An alias is used only
     * if the packet it makes still fits the client's Maximum Packet Size [MQTT-3.1.2-24].
     */
    private int topicAlias(ApplicationMessage message, QueuedMessage m) {
        OutboundTopicAliases aliases = channel.topicAliases();
        int topicBytes = Utf8.length(message.topic());
        if (!aliases.applies(message.topic(), topicBytes)) {
            return 0;
        }
        OutboundTopicAliases.Alias alias = aliases.lookup(message.topic());
        long size = OutboundPackets.publishSize(message, m.qos(), true, m.subscriptionIds(),
                alias.known() ? 0 : topicBytes, true);
        if (size > channel.maximumPacketSize()) {
            return 0;
        }
        if (alias.known()) {
            return alias.value();
        }
        aliases.assign(message.topic(), alias.value());
        return -alias.value();
    }

    /**
     * Whether a message for this session lives in the store too: for a persistent session, except $SYS messages,
     * which are about the broker's present and go only to a connected client, never into the store.
     */
    private boolean keptInStore(ApplicationMessage message) {
        return persistent && !SysTopics.isSys(message.topic());
    }

    /** Removes a queued or in-flight message from the store. */
    private void forget(QueuedMessage m) {
        sharedFilters.remove(m.sequence());
        if (m.qos() > 0 && keptInStore(m.message())) { // QoS 0 is never stored
            services.store().queues().remove(clientId, m.sequence());
        }
    }

    // ---------------------------------------------------------------- inbound (owner thread)

    public void onPublish(InboundPacket.Publish publish, ClientChannel from) {
        ApplicationMessage message = publish.message();
        int qos = message.qos();
        int packetId = publish.packetId();
        services.metrics().messageReceived();
        if (qos == 2 && awaitingRelease.contains(packetId)) {
            // a re-sent PUBLISH whose PUBREC got lost: acknowledge again, never route twice [MQTT-4.3.3-10]
            from.send(OutboundPackets.ack(AckType.PUBREC, packetId, ReasonCode.SUCCESS));
            return;
        }
        if (SysTopics.isSys(message.topic())
                || !services.authorizer().canPublish(from.identity(), message.topic())) {
            // $SYS belongs to the broker: no client publishes there [MQTT-4.7.2-1 note]
            logs.publishDenied().log("client {} may not publish to {}", clientId, message.topic());
            if (qos > 0) {
                // 3.1.1 has no negative ack: the positive one tells the client to stop re-sending [MQTT-3.3.5-2]
                from.send(OutboundPackets.ack(qos == 1 ? AckType.PUBACK : AckType.PUBREC, packetId,
                        ReasonCode.NOT_AUTHORIZED, "not authorized to publish to " + message.topic(),
                        from.problemInformation()));
            }
            return;
        }
        // MQTT 5 counts QoS 1 and 2 publishes until their ack [MQTT-3.3.4-9]; 3.1.1 only bounds QoS 2 ids
        int unacknowledged = awaitingRelease.size() + (from.protocolVersion().isV5() ? pendingAcks : 0);
        int allowed = from.protocolVersion().isV5() ? limits.receiveMaximum() : limits.maxAwaitingRel();
        if (qos > 0 && unacknowledged >= allowed && (qos == 2 || from.protocolVersion().isV5())) {
            from.violation(new ProtocolViolation(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
                    "more than " + allowed + " unacknowledged QoS 1/2 messages from the client [MQTT-3.3.4-7]"));
            return;
        }
        if (qos == 0) {
            services.router().route(message);
            return;
        }
        int[] matched = new int[1];
        // one atomic unit of the store: a crash between the two must not leave the message queued with its id
        // unrecorded (the resent PUBLISH would be routed again) nor the id recorded with nothing queued (lost)
        services.store().atomically(() -> {
            matched[0] = services.router().route(message);
            if (qos == 2) {
                awaitingRelease.add(packetId);
                if (persistent) {
                    services.store().queues().addAwaitingRelease(clientId, packetId);
                }
            }
        });
        ReasonCode reason = matched[0] == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
        AckType ack = qos == 1 ? AckType.PUBACK : AckType.PUBREC;
        pendingAcks++;
        afterCommit(from, () -> from.send(OutboundPackets.ack(ack, packetId, reason)), () -> pendingAcks--);
    }

    /** Runs {@code action} once the store has made durable everything written so far. */
    private void afterCommit(ClientChannel from, Runnable action) {
        afterCommit(from, action, () -> { });
    }

    /** As above; {@code always} runs first in either outcome. */
    private void afterCommit(ClientChannel from, Runnable action, Runnable always) {
        if (services.store().commitsImmediately()) {
            always.run();
            action.run();
            return;
        }
        services.store().commit().whenComplete((ok, error) -> execute(() -> {
            always.run();
            if (error != null) {
                log.error("store commit failed; closing {} unacknowledged", clientId, error);
                from.abort("store commit failed");
            } else {
                action.run();
            }
        }));
    }

    public void onAck(InboundPacket.Ack ack, ClientChannel from) {
        int packetId = ack.packetId();
        switch (ack.type()) {
            case PUBREL -> {
                boolean known = awaitingRelease.remove(packetId);
                if (known && persistent) {
                    services.store().queues().removeAwaitingRelease(clientId, packetId);
                }
                // the Reason String is built only for the rare failure, not for every PUBCOMP
                afterCommit(from, () -> from.send(known
                        ? OutboundPackets.ack(AckType.PUBCOMP, packetId, ReasonCode.SUCCESS)
                        : OutboundPackets.ack(AckType.PUBCOMP, packetId, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND,
                                "no QoS 2 message with packet identifier " + packetId + " awaits release",
                                from.problemInformation())));
            }
            case PUBACK -> {
                QueuedMessage m = inflight.get(packetId);
                if (m == null) {
                    return; // a late ack of a message already settled: nothing to do
                }
                if (m.qos() != 1) {
                    from.violation(ProtocolViolation.protocolError("PUBACK for a QoS 2 message " + packetId));
                    return;
                }
                settle(packetId, m);
            }
            case PUBREC -> {
                QueuedMessage m = inflight.get(packetId);
                if (m == null) {
                    from.send(OutboundPackets.ack(AckType.PUBREL, packetId, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND,
                            "no message in flight with packet identifier " + packetId, from.problemInformation()));
                    return;
                }
                if (m.qos() != 2) {
                    from.violation(ProtocolViolation.protocolError("PUBREC for a QoS 1 message " + packetId));
                    return;
                }
                if (ack.reasonCode().isError()) {
                    settle(packetId, m); // the receiver refused it: the flow ends here [MQTT-4.3.3]
                    return;
                }
                inflight.put(packetId, m.inFlight(packetId, Phase.RELEASED));
                if (keptInStore(m.message())) {
                    services.store().queues().updateFlight(clientId, m.sequence(), packetId, Phase.RELEASED);
                }
                from.send(OutboundPackets.ack(AckType.PUBREL, packetId, ReasonCode.SUCCESS));
            }
            case PUBCOMP -> {
                QueuedMessage m = inflight.get(packetId);
                if (m == null) {
                    return;
                }
                if (m.phase() != Phase.RELEASED) {
                    from.violation(ProtocolViolation.protocolError("PUBCOMP before PUBREC for " + packetId));
                    return;
                }
                settle(packetId, m);
            }
        }
    }

    private void settle(int packetId, QueuedMessage m) {
        inflight.remove(packetId);
        forget(m);
        pump();
    }

    public void onSubscribe(InboundPacket.Subscribe subscribe, ClientChannel from) {
        if (discarded) {
            // a packet of a connection whose session ended (taken over with Clean Start): the topic tree keys
            // subscriptions by client id, so this would replace those of the client's new session
            return;
        }
        BrokerConfig config = services.config();
        List<ReasonCode> codes = new ArrayList<>(subscribe.subscriptions().size());
        List<Subscription> retainedWanted = new ArrayList<>();
        for (Subscription s : subscribe.subscriptions()) {
            ReasonCode code = checkSubscription(s, from, config);
            if (code == null) {
                boolean isNew = services.router().tree().subscribe(this, s, subscribe.subscriptionIdentifier());
                subscriptions.put(s.topicFilter(), new StoredSubscription(s, subscribe.subscriptionIdentifier()));
                // $SYS subscriptions live as long as the connection and are never stored
                if (persistent && !SysTopics.isSys(s.topicFilter())) {
                    services.store().sessions().saveSubscription(clientId, s, subscribe.subscriptionIdentifier());
                }
                code = ReasonCode.grantedQos(s.qos());
                boolean shared = Topics.isShared(s.topicFilter());
                if (!shared && (s.retainHandling() == 0 || (s.retainHandling() == 1 && isNew))) {
                    retainedWanted.add(s);
                }
            }
            codes.add(code);
        }
        from.send(OutboundPackets.subAck(from.protocolVersion(), subscribe.packetId(), codes,
                subscribeFailures(subscribe, codes), from.problemInformation()));
        for (int i = 0; i < codes.size(); i++) {
            if (!codes.get(i).isError()) {
                Subscription s = subscribe.subscriptions().get(i);
                services.sysTopics().onSubscribed(this, s.topicFilter(), s.qos());
            }
        }
        long now = System.currentTimeMillis();
        for (Subscription s : retainedWanted) {
            for (ApplicationMessage m : services.router().retained().matching(s.topicFilter(), now)) {
                if (!receiveCheck.mayReceive(from.identity(), m.topic())) {
                    continue;
                }
                List<Integer> ids = subscribe.subscriptionIdentifier() == 0 ? List.of()
                        : List.of(subscribe.subscriptionIdentifier());
                deliver(new Delivery(services.router().nextMessageId(), m, Math.min(m.qos(), s.qos()), true, ids,
                        null));
            }
        }
    }

    /** A Reason String for a SUBACK: which filters failed and why, or null if none did. */
    private static String subscribeFailures(InboundPacket.Subscribe subscribe, List<ReasonCode> codes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i).isError()) {
                sb.append(sb.isEmpty() ? "" : "; ").append('\'')
                        .append(subscribe.subscriptions().get(i).topicFilter()).append("': ")
                        .append(codes.get(i).description());
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** Null if the subscription is accepted, else the SUBACK failure code. */
    private ReasonCode checkSubscription(Subscription s, ClientChannel from, BrokerConfig config) {
        String filter = s.topicFilter();
        String authorizedFilter = filter;
        if (Topics.isShared(filter)) {
            if (!config.sharedSubscriptions().enabled()) {
                if (from.protocolVersion().isV5()) {
                    // the CONNACK said Shared Subscription Available = 0: a Protocol Error, DISCONNECT 0x9E (3.2.2.3.15)
                    from.violation(new ProtocolViolation(ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED,
                            "shared subscription while shared subscriptions are unavailable"));
                }
                return ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED;
            }
            try {
                authorizedFilter = Topics.parseShared(filter, limits.maxTopicLevels()).filter();
            } catch (IllegalArgumentException e) {
                logs.invalidFilter().log("client {}: invalid shared subscription '{}': {}", clientId, filter,
                        e.getMessage());
                return ReasonCode.TOPIC_FILTER_INVALID;
            }
            if (s.noLocal()) {
                from.violation(ProtocolViolation.protocolError("No Local on a shared subscription [MQTT-3.8.3-4]"));
                return ReasonCode.PROTOCOL_ERROR;
            }
        } else {
            String why = Topics.checkTopicFilter(filter, limits.maxTopicLevels());
            if (why != null) {
                logs.invalidFilter().log("client {}: invalid topic filter '{}': {}", clientId, filter, why);
                return ReasonCode.TOPIC_FILTER_INVALID;
            }
        }
        if (!services.authorizer().canSubscribe(from.identity(), authorizedFilter)) {
            logs.subscribeDenied().log("client {} may not subscribe to {}", clientId, filter);
            return ReasonCode.NOT_AUTHORIZED;
        }
        return null;
    }

    public void onUnsubscribe(InboundPacket.Unsubscribe unsubscribe, ClientChannel from) {
        if (discarded) {
            return; // as in onSubscribe: the filters by this client id belong to its new session now
        }
        List<ReasonCode> codes = new ArrayList<>(unsubscribe.topicFilters().size());
        for (String filter : unsubscribe.topicFilters()) {
            boolean existed = subscriptions.remove(filter) != null;
            services.router().tree().unsubscribe(clientId, filter);
            if (existed && persistent) {
                services.store().sessions().deleteSubscription(clientId, filter);
            }
            codes.add(existed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
        }
        from.send(OutboundPackets.unsubAck(unsubscribe.packetId(), codes));
    }

    /** For tests and $SYS: messages waiting behind the window, and in flight. */
    int queuedCount() {
        return queue.size();
    }

    int inflightCount() {
        return inflight.size();
    }
}
