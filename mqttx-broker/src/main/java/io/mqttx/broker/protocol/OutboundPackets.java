package io.mqttx.broker.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import java.util.List;

/**
 * Builds the Netty messages the broker sends. Netty's encoder writes them in the connection's protocol version
 * (it drops reason codes and properties for 3.1.1), so callers pass MQTT 5 values throughout.
 */
public final class OutboundPackets {
    public static final MqttMessage PINGRESP = new MqttMessage(fixed(MqttMessageType.PINGRESP, MqttQoS.AT_MOST_ONCE));

    private OutboundPackets() {
    }

    public static MqttConnAckMessage connAck(ProtocolVersion version, ReasonCode reason, boolean sessionPresent,
                                             MqttProperties properties) {
        byte code = version.isV5() ? reason.byteValue() : (byte) reason.v3ConnackCode();
        return new MqttConnAckMessage(fixed(MqttMessageType.CONNACK, MqttQoS.AT_MOST_ONCE),
                new MqttConnAckVariableHeader(MqttConnectReturnCode.valueOf(code), sessionPresent,
                        version.isV5() ? properties : MqttProperties.NO_PROPERTIES));
    }

    public static MqttPublishMessage publish(ApplicationMessage message, int qos, boolean retain, boolean dup,
                                             int packetId, MqttProperties properties) {
        return publish(message, message.topic(), qos, retain, dup, packetId, properties);
    }

    /** As above with the topic as written on the wire: empty when a Topic Alias in {@code properties} stands for it. */
    public static MqttPublishMessage publish(ApplicationMessage message, String wireTopic, int qos, boolean retain,
                                             boolean dup, int packetId, MqttProperties properties) {
        return new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0),
                new MqttPublishVariableHeader(wireTopic, qos == 0 ? -1 : packetId, properties),
                Unpooled.wrappedBuffer(message.payload()));
    }

    public static MqttMessage ack(InboundPacket.AckType type, int packetId, ReasonCode reason) {
        MqttMessageType messageType = switch (type) {
            case PUBACK -> MqttMessageType.PUBACK;
            case PUBREC -> MqttMessageType.PUBREC;
            case PUBREL -> MqttMessageType.PUBREL;
            case PUBCOMP -> MqttMessageType.PUBCOMP;
        };
        MqttQoS qos = type == InboundPacket.AckType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(fixed(messageType, qos),
                new MqttPubReplyMessageVariableHeader(packetId, reason.byteValue(), MqttProperties.NO_PROPERTIES));
    }

    /** An acknowledgement that, if its reason code is a failure, says why in a Reason String where allowed. */
    public static MqttMessage ack(InboundPacket.AckType type, int packetId, ReasonCode reason, String why,
                                  ProblemInformation problems) {
        MqttMessage plain = ack(type, packetId, reason);
        if (!reason.isError()) {
            return plain;
        }
        MqttProperties properties = problems.forAck(why, 3);
        return new MqttMessage(plain.fixedHeader(),
                new MqttPubReplyMessageVariableHeader(packetId, reason.byteValue(), properties));
    }

    public static MqttSubAckMessage subAck(ProtocolVersion version, int packetId, List<ReasonCode> codes) {
        return subAck(version, packetId, codes, null, ProblemInformation.NONE);
    }

    /** A SUBACK that, if any code is a failure, says why in a Reason String where allowed. */
    public static MqttSubAckMessage subAck(ProtocolVersion version, int packetId, List<ReasonCode> codes, String why,
                                           ProblemInformation problems) {
        int[] values = new int[codes.size()];
        for (int i = 0; i < values.length; i++) {
            ReasonCode code = codes.get(i);
            // 3.1.1 knows only the granted QoS and 0x80 failure [MQTT-3.9.3-2]
            values[i] = version.isV5() || !code.isError() ? code.value() : 0x80;
        }
        boolean failed = codes.stream().anyMatch(ReasonCode::isError);
        MqttProperties properties = failed ? problems.forAck(why, 2 + values.length) : MqttProperties.NO_PROPERTIES;
        return new MqttSubAckMessage(fixed(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, properties),
                new MqttSubAckPayload(values));
    }

    public static MqttUnsubAckMessage unsubAck(int packetId, List<ReasonCode> codes) {
        short[] values = new short[codes.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) codes.get(i).value();
        }
        return new MqttUnsubAckMessage(fixed(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttUnsubAckPayload(values));
    }

    public static MqttMessage auth(ReasonCode reason, String method, byte[] data) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.StringProperty(0x15, method));
        if (data != null) {
            properties.add(new MqttProperties.BinaryProperty(0x16, data));
        }
        return new MqttMessage(fixed(MqttMessageType.AUTH, MqttQoS.AT_MOST_ONCE),
                new MqttReasonCodeAndPropertiesVariableHeader(reason.byteValue(), properties));
    }

    public static MqttMessage disconnect(ReasonCode reason, MqttProperties properties) {
        return new MqttMessage(fixed(MqttMessageType.DISCONNECT, MqttQoS.AT_MOST_ONCE),
                new MqttReasonCodeAndPropertiesVariableHeader(reason.byteValue(), properties));
    }

    /**
     * The MQTT 5 properties of a PUBLISH to a subscriber: the publisher's properties unchanged, except the Message
     * Expiry Interval, which becomes what is left of it [MQTT-3.3.2-6], and the subscription identifiers.
     */
    public static MqttProperties publishProperties(ApplicationMessage message, List<Integer> subscriptionIds,
                                                   long nowMillis) {
        MessageProperties p = message.properties();
        if (p.isEmpty() && subscriptionIds.isEmpty()) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties out = new MqttProperties();
        if (p.payloadFormatIndicator() != null) {
            out.add(new MqttProperties.IntegerProperty(0x01, p.payloadFormatIndicator()));
        }
        if (message.expiresAtMillis() != 0) {
            long left = Math.max(0, (message.expiresAtMillis() - nowMillis + 999) / 1000);
            out.add(new MqttProperties.IntegerProperty(0x02, (int) left));
        }
        if (p.contentType() != null) {
            out.add(new MqttProperties.StringProperty(0x03, p.contentType()));
        }
        if (p.responseTopic() != null) {
            out.add(new MqttProperties.StringProperty(0x08, p.responseTopic()));
        }
        if (p.correlationData() != null) {
            out.add(new MqttProperties.BinaryProperty(0x09, p.correlationData()));
        }
        for (Integer id : subscriptionIds) {
            out.add(new MqttProperties.IntegerProperty(0x0B, id));
        }
        if (!p.userProperties().isEmpty()) {
            MqttProperties.UserProperties user = new MqttProperties.UserProperties();
            for (UserProperty u : p.userProperties()) {
                user.add(u.name(), u.value());
            }
            out.add(user);
        }
        return out;
    }

    /**
     * The size in bytes of the PUBLISH {@link #publish} would encode, to honour a client's Maximum Packet Size
     * [MQTT-3.1.2-24] without encoding it first.
     */
    public static long publishSize(ApplicationMessage message, int qos, boolean v5, List<Integer> subscriptionIds) {
        return publishSize(message, qos, v5, subscriptionIds, Utf8.length(message.topic()), false);
    }

    /**
     * As above, for a PUBLISH whose topic on the wire takes {@code topicBytes} (0 when a known Topic Alias stands
     * for it) and that carries a Topic Alias property or not.
     */
    public static long publishSize(ApplicationMessage message, int qos, boolean v5, List<Integer> subscriptionIds,
                                   int topicBytes, boolean topicAlias) {
        long remaining = 2L + topicBytes + (qos > 0 ? 2 : 0) + message.payload().length;
        if (v5) {
            long props = topicAlias ? 3 : 0;
            MessageProperties p = message.properties();
            if (p.payloadFormatIndicator() != null) {
                props += 2;
            }
            if (message.expiresAtMillis() != 0) {
                props += 5;
            }
            if (p.contentType() != null) {
                props += 3 + Utf8.length(p.contentType());
            }
            if (p.responseTopic() != null) {
                props += 3 + Utf8.length(p.responseTopic());
            }
            if (p.correlationData() != null) {
                props += 3 + p.correlationData().length;
            }
            for (Integer id : subscriptionIds) {
                props += 1 + Utf8.varIntSize(id);
            }
            for (UserProperty u : p.userProperties()) {
                props += 5 + Utf8.length(u.name()) + Utf8.length(u.value());
            }
            remaining += Utf8.varIntSize(props) + props;
        }
        return 1 + Utf8.varIntSize(remaining) + remaining;
    }

    private static MqttFixedHeader fixed(MqttMessageType type, MqttQoS qos) {
        return new MqttFixedHeader(type, false, qos, false, 0);
    }
}
