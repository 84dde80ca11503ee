package io.mqttx.broker.session;

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

    /** False while the socket's write buffer is above its high-water mark: QoS 0 messages are then dropped. */
    boolean isWritable();

    /** MQTT 5 Receive Maximum of the client: how many QoS 1/2 messages it takes unacknowledged. */
    int receiveMaximum();

    /** MQTT 5 Maximum Packet Size of the client, or {@link Integer#MAX_VALUE}. */
    int maximumPacketSize();

    /** Ends the connection because another one took its client id (MQTT 5: DISCONNECT 0x8E first). */
    void takenOver();

    /** Ends the connection for a protocol violation found while processing a packet. */
    void violation(ProtocolViolation violation);

    /** Ends the connection without a reason to give (a store failure): the client will retry. */
    void abort(String why);
}
