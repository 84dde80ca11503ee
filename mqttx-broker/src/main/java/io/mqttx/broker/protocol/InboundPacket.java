package io.mqttx.broker.protocol;

import java.util.List;

/** Packets a client sends to the broker, after decoding and validation by {@link InboundPacketAdapter}. */
public sealed interface InboundPacket {

    /**
     * @param will null when the Will Flag is 0
     * @param authenticationMethod MQTT 5 enhanced authentication method, or null
     */
    record Connect(
            ProtocolVersion version,
            String clientId,
            boolean cleanStart,
            int keepAliveSeconds,
            String username,
            byte[] password,
            Will will,
            long sessionExpiryInterval,
            int receiveMaximum,
            int maximumPacketSize,
            int topicAliasMaximum,
            boolean requestProblemInformation,
            boolean requestResponseInformation,
            List<UserProperty> userProperties,
            String authenticationMethod,
            byte[] authenticationData) implements InboundPacket {
    }

    /** MQTT 5 AUTH: reason CONTINUE_AUTHENTICATION or RE_AUTHENTICATE (SUCCESS only ever comes from a server). */
    record Auth(ReasonCode reasonCode, String method, byte[] data) implements InboundPacket {
    }

    /** @param delaySeconds the MQTT 5 Will Delay Interval */
    record Will(ApplicationMessage message, long delaySeconds) {
    }

    /** @param topicAlias 0 when absent */
    record Publish(ApplicationMessage message, int packetId, boolean dup, int topicAlias) implements InboundPacket {
    }

    /** @param subscriptionIdentifier 0 when absent */
    record Subscribe(int packetId, List<Subscription> subscriptions, int subscriptionIdentifier)
            implements InboundPacket {
    }

    record Unsubscribe(int packetId, List<String> topicFilters) implements InboundPacket {
    }

    record Ack(AckType type, int packetId, ReasonCode reasonCode) implements InboundPacket {
    }

    /** @param sessionExpiryInterval -1 when absent */
    record Disconnect(ReasonCode reasonCode, long sessionExpiryInterval) implements InboundPacket {
    }

    record PingReq() implements InboundPacket {
    }

    enum AckType { PUBACK, PUBREC, PUBREL, PUBCOMP }
}
