package io.mqttx.broker.session;

import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.SessionStore;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All sessions of this node by client id, and the owner thread of each: {@code floorMod(hash(clientId), n)} over
 * the worker threads, so two connections with the same client id are handled one after the other on one thread.
 */
public final class SessionRegistry {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final EventExecutor[] owners;
    private final SessionServices services;
    private final ReceiveCheck receiveCheck;
    private final SessionLogs logs = SessionLogs.create();

    public SessionRegistry(List<EventExecutor> owners, SessionServices services) {
        this.owners = owners.toArray(new EventExecutor[0]);
        this.services = services;
        this.receiveCheck = new ReceiveCheck(services.authorizer());
    }

    public EventExecutor ownerOf(String clientId) {
        return owners[Math.floorMod(clientId.hashCode(), owners.length)];
    }

    /** What a CONNECT asks of its session. */
    public record SessionRequest(String clientId, ProtocolVersion version, boolean cleanStart,
                                 long expirySeconds) {
    }

    /** Called on the session's owner thread once the session is ready for the new connection. */
    public interface SessionReady {
        void ready(Session session, boolean sessionPresent);
    }

    /**
     * Finds or creates the session for a CONNECT, ending any connection that holds it now [MQTT-3.1.4-3], then calls
     * {@code ready} on the session's owner thread.
     */
    public void connect(SessionRequest request, ClientChannel channel, SessionReady ready) {
        EventExecutor owner = ownerOf(request.clientId());
        owner.execute(() -> {
            Session existing = sessions.get(request.clientId());
            if (existing != null && existing.isConnected()) {
                log.info("client {} connected again: taking the session over from the old connection",
                        request.clientId());
                existing.channel().takenOver();
            }
            Session session;
            boolean present;
            if (existing != null && !request.cleanStart()) {
                session = existing;
                present = true;
            } else {
                if (existing != null) {
                    existing.discard();
                    sessions.remove(request.clientId(), existing);
                }
                session = newSession(request.clientId(), owner);
                present = false;
            }
            session.configure(request.expirySeconds(), request.version());
            ready.ready(session, present);
        });
    }

    private Session newSession(String clientId, EventExecutor owner) {
        Session session = new Session(clientId, owner, services, receiveCheck, logs);
        session.onExpired(() -> remove(session));
        sessions.put(clientId, session);
        return session;
    }

    /**
     * The connection of a session closed: on the owner thread, detach it (a persistent session records when it went
     * offline), and discard a clean session. The future completes once that has run, so that the broker's close can
     * wait for it before stopping the owner threads and the store.
     */
    public CompletableFuture<Void> disconnected(Session session, ClientChannel channel, ProtocolVersion version) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.execute(() -> {
            try {
                if (session.detach(channel, version)) {
                    remove(session);
                }
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    /** An MQTT 5 DISCONNECT changed the session's expiry interval; call on the owner thread. */
    public void updateExpiry(Session session, long expirySeconds, ProtocolVersion version) {
        if (!session.isDiscarded()) {
            session.updateExpiry(expirySeconds, version);
        }
    }

    private void remove(Session session) {
        session.discard();
        sessions.remove(session.clientId(), session);
    }

    /** Loads the persistent sessions the store kept, before the listeners open. */
    public int recover() {
        SessionStore store = services.store().sessions();
        long now = System.currentTimeMillis();
        int restored = 0;
        for (SessionState state : store.loadSessions()) {
            String clientId = state.clientId();
            long offlineSeconds = state.disconnectedAtMillis() == 0 ? 0
                    : Math.max(0, (now - state.disconnectedAtMillis()) / 1000);
            long expiry = state.expiryIntervalSeconds();
            if (expiry < 0xFFFFFFFFL && offlineSeconds >= expiry) {
                store.deleteSession(clientId);
                continue;
            }
            Session session = newSession(clientId, ownerOf(clientId));
            session.restore(expiry, store.loadSubscriptions(clientId), services.store().queues().load(clientId),
                    services.store().queues().loadAwaitingRelease(clientId));
            // the broker was down for an unknown part of the offline time: count from now, never less
            session.scheduleExpiry(expiry < 0xFFFFFFFFL ? expiry - offlineSeconds : expiry);
            restored++;
        }
        return restored;
    }

    public int size() {
        return sessions.size();
    }

    public Session get(String clientId) {
        return sessions.get(clientId);
    }
}
