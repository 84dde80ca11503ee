package io.mqttx.broker.store;

import java.util.List;

/**
 * Per-session outbound queues (queued and in-flight QoS 1/2 messages) and inbound QoS 2 packet ids awaiting
 * PUBREL. Payloads are stored once per {@link QueuedMessage#messageId()} and released when the last session that
 * references them removes its entry.
 */
public interface MessageQueueStore {

    void append(String clientId, QueuedMessage message);

    /** Records a new packet id or phase of an entry appended before (the message itself is not rewritten). */
    void updateFlight(String clientId, long sequence, int packetId, QueuedMessage.Phase phase);

    void remove(String clientId, long sequence);

    /** In sequence order. */
    List<QueuedMessage> load(String clientId);

    /** Recorded before PUBREC is sent, so a PUBLISH resent after a crash is not routed twice. */
    void addAwaitingRelease(String clientId, int packetId);

    void removeAwaitingRelease(String clientId, int packetId);

    List<Integer> loadAwaitingRelease(String clientId);

    /** The highest message id in use, so ids stay unique across restarts; 0 when empty. */
    long maxMessageId();
}
