package io.mqttx.broker.store;

import io.mqttx.broker.protocol.ApplicationMessage;
import java.util.List;

/**
 * A QoS 1/2 message owed to a persistent session: queued behind the in-flight window, or in flight.
 *
 * @param sequence   position in the session's queue; increases monotonically per session
 * @param messageId  broker-wide id of the message: the payload is stored once per id and shared by every session
 *                   that references it
 * @param packetId   0 while queued; the packet identifier once sent
 * @param phase      where the outbound flow stands
 */
public record QueuedMessage(long sequence, long messageId, ApplicationMessage message, int qos, boolean retain,
                            List<Integer> subscriptionIds, int packetId, Phase phase) {

    public QueuedMessage {
        subscriptionIds = List.copyOf(subscriptionIds);
    }

    public enum Phase {
        /** not sent yet, or sent on a connection that ended before it was acknowledged */
        QUEUED,
        /** PUBLISH sent, waiting for PUBACK (QoS 1) or PUBREC (QoS 2) */
        PUBLISHED,
        /** PUBREC received and PUBREL sent, waiting for PUBCOMP (QoS 2): only the packet id matters now */
        RELEASED
    }

    public QueuedMessage inFlight(int newPacketId, Phase newPhase) {
        return new QueuedMessage(sequence, messageId, message, qos, retain, subscriptionIds, newPacketId, newPhase);
    }
}
