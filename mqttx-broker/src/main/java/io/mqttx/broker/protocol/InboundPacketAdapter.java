package io.mqttx.broker.protocol;

import io.mqttx.broker.config.BrokerConfig.Limits;
import io.mqttx.broker.routing.Topics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Netty's decoded MQTT messages into the broker's records, checking what the decoder leaves to the server
 * (spec section numbers in the messages). Nothing past this class sees a ByteBuf. Throws {@link ProtocolViolation}
 * with the reason code the spec asks for.
 */
public final class InboundPacketAdapter {
    private static final int PROP_PAYLOAD_FORMAT = 0x01;
    private static final int PROP_MESSAGE_EXPIRY = 0x02;
    private static final int PROP_CONTENT_TYPE = 0x03;
    private static final int PROP_RESPONSE_TOPIC = 0x08;
    private static final int PROP_CORRELATION_DATA = 0x09;
    private static final int PROP_SUBSCRIPTION_ID = 0x0B;
    private static final int PROP_SESSION_EXPIRY = 0x11;
    private static final int PROP_AUTH_METHOD = 0x15;
    private static final int PROP_AUTH_DATA = 0x16;
    private static final int PROP_REQUEST_PROBLEM_INFO = 0x17;
    private static final int PROP_WILL_DELAY = 0x18;
    private static final int PROP_REQUEST_RESPONSE_INFO = 0x19;
    private static final int PROP_RECEIVE_MAXIMUM = 0x21;
    private static final int PROP_TOPIC_ALIAS_MAXIMUM = 0x22;
    private static final int PROP_TOPIC_ALIAS = 0x23;
    private static final int PROP_MAXIMUM_PACKET_SIZE = 0x27;
    private static final int PROP_USER_PROPERTY = 0x26;

    private final Limits limits;

    public InboundPacketAdapter(Limits limits) {
        this.limits = limits;
    }

    /** The reason code for a message Netty's decoder could not decode. */
    public static ProtocolViolation decodeFailure(DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof ProtocolViolation violation) {
            return violation; // found before the decoder, by the transport's packet framer
        }
        if (cause instanceof TooLongFrameException) {
            return new ProtocolViolation(ReasonCode.PACKET_TOO_LARGE, "packet too large: " + cause.getMessage());
        }
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            return new ProtocolViolation(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                    "unsupported protocol name or level [MQTT-3.1.2-2]");
        }
        if (cause instanceof MqttIdentifierRejectedException) {
            return new ProtocolViolation(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client identifier rejected");
        }
        String message = String.valueOf(cause.getMessage());
        if (message.startsWith("invalid messageId")) {
            return ProtocolViolation.protocolError("packet identifier 0 [MQTT-2.2.1-3]");
        }
        return ProtocolViolation.malformed("malformed packet: " + message);
    }

    public InboundPacket.Connect connect(MqttConnectMessage message) {
        MqttConnectVariableHeader header = message.variableHeader();
        MqttConnectPayload payload = message.payload();
        ProtocolVersion version = switch (MqttVersion.fromProtocolNameAndLevel(header.name(),
                (byte) header.version())) {
            case MQTT_3_1 -> ProtocolVersion.MQTT_3_1;
            case MQTT_3_1_1 -> ProtocolVersion.MQTT_3_1_1;
            case MQTT_5 -> ProtocolVersion.MQTT_5;
        };
        if (!header.isWillFlag() && (header.willQos() != 0 || header.isWillRetain())) {
            throw ProtocolViolation.malformed("will QoS or retain set without the will flag [MQTT-3.1.2-11]");
        }
        if (header.willQos() == 3) {
            throw ProtocolViolation.malformed("will QoS 3 [MQTT-3.1.2-12]");
        }
        if (version != ProtocolVersion.MQTT_5 && header.hasPassword() && !header.hasUserName()) {
            throw ProtocolViolation.malformed("password without user name [MQTT-3.1.2-22]");
        }
        String clientId = payload.clientIdentifier();
        refuseDisallowedCodePoints(clientId, "client identifier");
        if (header.hasUserName() && payload.userName() != null) {
            refuseDisallowedCodePoints(payload.userName(), "user name");
        }
        if (clientId.length() > limits.maxClientIdLength()) {
            throw new ProtocolViolation(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "client identifier longer than " + limits.maxClientIdLength());
        }
        if (clientId.isEmpty() && version != ProtocolVersion.MQTT_5 && !header.isCleanSession()) {
            throw new ProtocolViolation(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "empty client identifier without clean session [MQTT-3.1.3-8]");
        }
        MqttProperties props = header.properties();
        long sessionExpiry = intProperty(props, PROP_SESSION_EXPIRY, 0) & 0xFFFFFFFFL;
        int receiveMaximum = intProperty(props, PROP_RECEIVE_MAXIMUM, 65535);
        int maxPacketSize = intProperty(props, PROP_MAXIMUM_PACKET_SIZE, Integer.MAX_VALUE);
        int topicAliasMaximum = intProperty(props, PROP_TOPIC_ALIAS_MAXIMUM, 0);
        int requestProblem = intProperty(props, PROP_REQUEST_PROBLEM_INFO, 1);
        int requestResponse = intProperty(props, PROP_REQUEST_RESPONSE_INFO, 0);
        if (version == ProtocolVersion.MQTT_5) {
            if (receiveMaximum == 0) {
                throw ProtocolViolation.protocolError("receive maximum 0 [MQTT-3.1.2.11.3]");
            }
            if (props.getProperty(PROP_MAXIMUM_PACKET_SIZE) != null && maxPacketSize == 0) {
                throw ProtocolViolation.protocolError("maximum packet size 0 [MQTT-3.1.2.11.4]");
            }
            if (requestProblem > 1 || requestResponse > 1) {
                throw ProtocolViolation.protocolError("request problem/response information not 0 or 1");
            }
            if (props.getProperty(PROP_AUTH_DATA) != null && props.getProperty(PROP_AUTH_METHOD) == null) {
                throw ProtocolViolation.protocolError("authentication data without a method [MQTT-3.1.2.11.10]");
            }
        }
        InboundPacket.Will will = null;
        if (header.isWillFlag()) {
            String willTopic = payload.willTopic();
            refuseDisallowedCodePoints(willTopic, "will topic");
            String why = Topics.checkTopicName(willTopic, limits.maxTopicLevels());
            if (why != null) {
                throw new ProtocolViolation(ReasonCode.TOPIC_NAME_INVALID, "will topic: " + why);
            }
            MqttProperties willProps = payload.willProperties();
            MessageProperties messageProperties = messageProperties(willProps);
            long willDelay = intProperty(willProps, PROP_WILL_DELAY, 0) & 0xFFFFFFFFL;
            ApplicationMessage willMessage = new ApplicationMessage(willTopic, payload.willMessageInBytes(),
                    header.willQos(), header.isWillRetain(), messageProperties, clientId, 0);
            will = new InboundPacket.Will(willMessage, willDelay);
        }
        return new InboundPacket.Connect(version, clientId, header.isCleanSession(), header.keepAliveTimeSeconds(),
                header.hasUserName() ? payload.userName() : null,
                header.hasPassword() ? payload.passwordInBytes() : null,
                will, sessionExpiry, receiveMaximum, maxPacketSize, topicAliasMaximum, requestProblem == 1,
                requestResponse == 1, userProperties(props), stringProperty(props, PROP_AUTH_METHOD),
                binaryProperty(props, PROP_AUTH_DATA));
    }

    /** Adapts any packet after CONNECT. The caller releases the message. */
    public InboundPacket adapt(MqttMessage message, ProtocolVersion version) {
        return switch (message.fixedHeader().messageType()) {
            case PUBLISH -> publish((MqttPublishMessage) message, version);
            case PUBACK -> ack(InboundPacket.AckType.PUBACK, message);
            case PUBREC -> ack(InboundPacket.AckType.PUBREC, message);
            case PUBREL -> ack(InboundPacket.AckType.PUBREL, message);
            case PUBCOMP -> ack(InboundPacket.AckType.PUBCOMP, message);
            case SUBSCRIBE -> subscribe((MqttSubscribeMessage) message, version);
            case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage) message);
            case PINGREQ -> new InboundPacket.PingReq();
            case DISCONNECT -> disconnect(message);
            case CONNECT -> throw ProtocolViolation.protocolError("second CONNECT [MQTT-3.1.0-2]");
            case AUTH -> auth(message);
            default -> throw ProtocolViolation.protocolError(
                    "server-only packet " + message.fixedHeader().messageType() + " from a client");
        };
    }

    private InboundPacket.Publish publish(MqttPublishMessage message, ProtocolVersion version) {
        int qos = message.fixedHeader().qosLevel().value();
        if (qos == 0 && message.fixedHeader().isDup()) {
            throw ProtocolViolation.malformed("DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2]");
        }
        String topic = message.variableHeader().topicName();
        MqttProperties props = message.variableHeader().properties();
        int topicAlias = 0;
        if (version == ProtocolVersion.MQTT_5) {
            topicAlias = intProperty(props, PROP_TOPIC_ALIAS, 0);
            if (props.getProperty(PROP_TOPIC_ALIAS) != null
                    && (topicAlias == 0 || topicAlias > limits.topicAliasMaximum())) {
                throw new ProtocolViolation(ReasonCode.TOPIC_ALIAS_INVALID,
                        "topic alias " + topicAlias + " outside 1.." + limits.topicAliasMaximum() + " [MQTT-3.3.2-8]");
            }
            if (props.getProperty(PROP_SUBSCRIPTION_ID) != null) {
                throw ProtocolViolation.protocolError("subscription identifier in a client PUBLISH [MQTT-3.3.4-6]");
            }
            Object responseTopic = stringProperty(props, PROP_RESPONSE_TOPIC);
            if (responseTopic != null && Topics.checkTopicName((String) responseTopic, Integer.MAX_VALUE) != null) {
                throw ProtocolViolation.protocolError("response topic with wildcards [MQTT-3.3.2-14]");
            }
        }
        if (topic.isEmpty() && topicAlias == 0) {
            throw ProtocolViolation.protocolError("empty topic name [MQTT-4.7.3-1]");
        }
        if (!topic.isEmpty()) {
            refuseDisallowedCodePoints(topic, "topic name");
            String why = Topics.checkTopicName(topic, limits.maxTopicLevels());
            if (why != null) {
                throw new ProtocolViolation(ReasonCode.TOPIC_NAME_INVALID, why);
            }
        }
        ByteBuf content = message.content();
        byte[] payload = ByteBufUtil.getBytes(content);
        MessageProperties properties = version == ProtocolVersion.MQTT_5 ? messageProperties(props)
                : MessageProperties.NONE;
        long expiresAt = properties.messageExpiryInterval() == null ? 0
                : System.currentTimeMillis() + properties.messageExpiryInterval() * 1000;
        ApplicationMessage app = new ApplicationMessage(topic, payload, qos, message.fixedHeader().isRetain(),
                properties, null, expiresAt);
        return new InboundPacket.Publish(app, message.variableHeader().packetId(), message.fixedHeader().isDup(),
                topicAlias);
    }

    /**
     * Checklist row 11, spec 1.5.4: the control characters U+0001..U+001F and U+007F..U+009F and the non-characters
     * SHOULD NOT be sent, and a receiver MAY treat a packet with them as malformed. mqttx does so for the strings
     * that identify clients and route messages (client identifier, user name, topic names including the will
     * topic, topic filters), where an invisible or non-printing character lets two names look alike, ends up in
     * logs and other clients' topic trees, and is refused by other brokers (Mosquitto) a message may be bridged
     * to. Strings the broker only forwards (user properties, content type, response topic) pass unchanged.
     */
    private static void refuseDisallowedCodePoints(String s, String field) {
        int cp = Utf8.firstDisallowed(s);
        if (cp >= 0) {
            throw ProtocolViolation.malformed(String.format("%s contains U+%04X, a code point this server refuses "
                    + "[1.5.4]", field, cp));
        }
    }

    private static InboundPacket.Ack ack(InboundPacket.AckType type, MqttMessage message) {
        Object header = message.variableHeader();
        int packetId;
        int reason = 0;
        if (header instanceof MqttPubReplyMessageVariableHeader reply) {
            packetId = reply.messageId();
            reason = reply.reasonCode() & 0xFF;
        } else {
            packetId = ((MqttMessageIdVariableHeader) header).messageId();
        }
        ReasonCode reasonCode = ReasonCode.of(reason);
        if (reasonCode == null) {
            throw ProtocolViolation.protocolError("unknown reason code 0x" + Integer.toHexString(reason)
                    + " in " + type);
        }
        return new InboundPacket.Ack(type, packetId, reasonCode);
    }

    private InboundPacket.Subscribe subscribe(MqttSubscribeMessage message, ProtocolVersion version) {
        MqttMessageIdAndPropertiesVariableHeader header = message.idAndPropertiesVariableHeader();
        List<MqttTopicSubscription> topics = message.payload().topicSubscriptions();
        if (topics.isEmpty()) {
            throw ProtocolViolation.protocolError("SUBSCRIBE without a topic filter [MQTT-3.8.3-3]");
        }
        List<Subscription> subscriptions = new ArrayList<>(topics.size());
        for (MqttTopicSubscription t : topics) {
            refuseDisallowedCodePoints(t.topicFilter(), "topic filter");
            var option = t.option();
            int retainHandling = option.retainHandling().value();
            if (version != ProtocolVersion.MQTT_5
                    && (option.isNoLocal() || option.isRetainAsPublished() || retainHandling != 0)) {
                throw ProtocolViolation.malformed("reserved subscription option bits set [MQTT-3.8.3-4]");
            }
            subscriptions.add(new Subscription(t.topicFilter(), option.qos().value(), option.isNoLocal(),
                    option.isRetainAsPublished(), retainHandling));
        }
        int subscriptionId = 0;
        if (version == ProtocolVersion.MQTT_5) {
            List<? extends MqttProperties.MqttProperty> ids = header.properties().getProperties(PROP_SUBSCRIPTION_ID);
            if (ids.size() > 1) {
                throw ProtocolViolation.protocolError("subscription identifier given twice");
            }
            if (ids.size() == 1) {
                subscriptionId = (Integer) ids.get(0).value();
                if (subscriptionId == 0) {
                    throw ProtocolViolation.protocolError("subscription identifier 0 [MQTT-3.8.2.1.2]");
                }
            }
        }
        return new InboundPacket.Subscribe(header.messageId(), subscriptions, subscriptionId);
    }

    private static InboundPacket.Unsubscribe unsubscribe(MqttUnsubscribeMessage message) {
        List<String> topics = message.payload().topics();
        if (topics.isEmpty()) {
            throw ProtocolViolation.protocolError("UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]");
        }
        for (String filter : topics) {
            refuseDisallowedCodePoints(filter, "topic filter");
        }
        return new InboundPacket.Unsubscribe(message.idAndPropertiesVariableHeader().messageId(), List.copyOf(topics));
    }

    private static InboundPacket.Auth auth(MqttMessage message) {
        MqttReasonCodeAndPropertiesVariableHeader header =
                (MqttReasonCodeAndPropertiesVariableHeader) message.variableHeader();
        int code = header == null ? 0 : header.reasonCode() & 0xFF;
        ReasonCode reason = switch (code) {
            case 0x00 -> ReasonCode.SUCCESS;
            case 0x18 -> ReasonCode.CONTINUE_AUTHENTICATION;
            case 0x19 -> ReasonCode.RE_AUTHENTICATE;
            default -> throw ProtocolViolation.protocolError("AUTH with reason code 0x" + Integer.toHexString(code));
        };
        MqttProperties props = header == null ? MqttProperties.NO_PROPERTIES : header.properties();
        String method = stringProperty(props, PROP_AUTH_METHOD);
        if (method == null) {
            throw ProtocolViolation.protocolError("AUTH without an authentication method [MQTT-3.15.2-1]");
        }
        return new InboundPacket.Auth(reason, method, binaryProperty(props, PROP_AUTH_DATA));
    }

    private static InboundPacket.Disconnect disconnect(MqttMessage message) {
        if (message.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            int code = header.reasonCode() & 0xFF;
            ReasonCode known = ReasonCode.of(code);
            ReasonCode reason = known == null ? ReasonCode.SUCCESS : known;
            long expiry = header.properties().getProperty(PROP_SESSION_EXPIRY) == null ? -1
                    : intProperty(header.properties(), PROP_SESSION_EXPIRY, 0) & 0xFFFFFFFFL;
            return new InboundPacket.Disconnect(reason, expiry);
        }
        return new InboundPacket.Disconnect(ReasonCode.SUCCESS, -1);
    }

    private static MessageProperties messageProperties(MqttProperties props) {
        if (props == null || props.isEmpty()) {
            return MessageProperties.NONE;
        }
        Integer format = props.getProperty(PROP_PAYLOAD_FORMAT) == null ? null
                : intProperty(props, PROP_PAYLOAD_FORMAT, 0);
        Long expiry = props.getProperty(PROP_MESSAGE_EXPIRY) == null ? null
                : intProperty(props, PROP_MESSAGE_EXPIRY, 0) & 0xFFFFFFFFL;
        MqttProperties.MqttProperty correlation = props.getProperty(PROP_CORRELATION_DATA);
        return new MessageProperties(format, expiry, stringProperty(props, PROP_CONTENT_TYPE),
                stringProperty(props, PROP_RESPONSE_TOPIC),
                correlation == null ? null : (byte[]) correlation.value(), userProperties(props));
    }

    private static List<UserProperty> userProperties(MqttProperties props) {
        if (props == null) {
            return List.of();
        }
        MqttProperties.MqttProperty p = props.getProperty(PROP_USER_PROPERTY);
        if (!(p instanceof MqttProperties.UserProperties user)) {
            return List.of();
        }
        List<UserProperty> out = new ArrayList<>(user.value().size());
        for (MqttProperties.StringPair pair : user.value()) {
            out.add(new UserProperty(pair.key, pair.value));
        }
        return out;
    }

    private static int intProperty(MqttProperties props, int id, int absent) {
        if (props == null) {
            return absent;
        }
        MqttProperties.MqttProperty p = props.getProperty(id);
        return p == null ? absent : (Integer) p.value();
    }

    private static byte[] binaryProperty(MqttProperties props, int id) {
        MqttProperties.MqttProperty p = props == null ? null : props.getProperty(id);
        return p == null ? null : (byte[]) p.value();
    }

    private static String stringProperty(MqttProperties props, int id) {
        MqttProperties.MqttProperty p = props == null ? null : props.getProperty(id);
        return p == null ? null : (String) p.value();
    }
}
