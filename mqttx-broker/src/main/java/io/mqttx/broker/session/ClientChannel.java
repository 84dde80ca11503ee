package io.mqttx.broker.session;

import io.mqttx.broker.protocol.OutboundTopicAliases;
import io.mqttx.broker.protocol.ProblemInformation;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.ProtocolViolation;
import io.mqttx.broker.security.ClientIdentity;
import io.netty.handler.codec.mqtt.MqttMessage;

/** The network connection a session is attached to, as the session sees it. */
public interface ClientChannel {

    ProtocolVersion protocolVersion();

    ClientIdentity identity();

    /** Writes a packet; safe from any thread. */
    void send(MqttMessage message);

    /**
     * False while the socket's write buffer is above its high-water mark: QoS 0 messages then wait in the session's
     * queue until the connection calls {@link Session#writable} again.
     */
    boolean isWritable();

    /** MQTT 5 Receive Maximum of the client: how many QoS 1/2 messages it takes unacknowledged. */
    int receiveMaximum();

    /** MQTT 5 Maximum Packet Size of the client, or {@link Integer#MAX_VALUE}. */
    int maximumPacketSize();

    /** When a Reason String may go to this client (MQTT 5), {@link ProblemInformation#NONE} for 3.1.1. */
    ProblemInformation problemInformation();

    /**
     * The topic aliases of this connection towards the client; used only on the owner thread of the session it is
     * attached to, which sends all its PUBLISHes in order. {@link OutboundTopicAliases#NONE} if there are none.
     */
    OutboundTopicAliases topicAliases();

    /** Ends the connection because another one took its client id (MQTT 5: DISCONNECT 0x8E first). */
    void takenOver();

    /** Ends the connection for a protocol violation found while processing a packet. */
    void violation(ProtocolViolation violation);

    /** Ends the connection without a reason to give (a store failure): the client will retry. */
    void abort(String why);
}
