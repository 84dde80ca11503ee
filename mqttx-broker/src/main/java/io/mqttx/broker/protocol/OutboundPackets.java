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
        return new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0),
                new MqttPublishVariableHeader(message.topic(), qos == 0 ? -1 : packetId, properties),
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

    public static MqttSubAckMessage subAck(ProtocolVersion version, int packetId, List<ReasonCode> codes) {
        int[] values = new int[codes.size()];
        for (int i = 0; i < values.length; i++) {
            ReasonCode code = codes.get(i);
            // 3.1.1 knows only the granted QoS and 0x80 failure [MQTT-3.9.3-2]
            values[i] = version.isV5() || !code.isError() ? code.value() : 0x80;
        }
        return new MqttSubAckMessage(fixed(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
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
        long remaining = 2L + utf8Length(message.topic()) + (qos > 0 ? 2 : 0) + message.payload().length;
        if (v5) {
            long props = 0;
            MessageProperties p = message.properties();
            if (p.payloadFormatIndicator() != null) {
                props += 2;
            }
            if (message.expiresAtMillis() != 0) {
                props += 5;
            }
            if (p.contentType() != null) {
                props += 3 + utf8Length(p.contentType());
            }
            if (p.responseTopic() != null) {
                props += 3 + utf8Length(p.responseTopic());
            }
            if (p.correlationData() != null) {
                props += 3 + p.correlationData().length;
            }
            for (Integer id : subscriptionIds) {
                props += 1 + varIntSize(id);
            }
            for (UserProperty u : p.userProperties()) {
                props += 5 + utf8Length(u.name()) + utf8Length(u.value());
            }
            remaining += varIntSize(props) + props;
        }
        return 1 + varIntSize(remaining) + remaining;
    }

    private static int varIntSize(long value) {
        int n = 1;
        while (value >= 128) {
            value >>= 7;
            n++;
        }
        return n;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static MqttFixedHeader fixed(MqttMessageType type, MqttQoS qos) {
        return new MqttFixedHeader(type, false, qos, false, 0);
    }
}
