package io.mqttx.broker.protocol;

/**
 * MQTT 5 reason codes (spec section 2.4). 3.1.1 connections see them mapped to CONNACK return codes by
 * {@link #v3ConnackCode()}; for other packets a 3.1.1 connection only learns of an error by being closed.
 */
public enum ReasonCode {
    SUCCESS(0x00),
    GRANTED_QOS_1(0x01),
    GRANTED_QOS_2(0x02),
    DISCONNECT_WITH_WILL(0x04),
    NO_MATCHING_SUBSCRIBERS(0x10),
    NO_SUBSCRIPTION_EXISTED(0x11),
    CONTINUE_AUTHENTICATION(0x18),
    RE_AUTHENTICATE(0x19),
    UNSPECIFIED_ERROR(0x80),
    MALFORMED_PACKET(0x81),
    PROTOCOL_ERROR(0x82),
    IMPLEMENTATION_SPECIFIC_ERROR(0x83),
    UNSUPPORTED_PROTOCOL_VERSION(0x84),
    CLIENT_IDENTIFIER_NOT_VALID(0x85),
    BAD_USER_NAME_OR_PASSWORD(0x86),
    NOT_AUTHORIZED(0x87),
    SERVER_UNAVAILABLE(0x88),
    SERVER_BUSY(0x89),
    BANNED(0x8A),
    SERVER_SHUTTING_DOWN(0x8B),
    BAD_AUTHENTICATION_METHOD(0x8C),
    KEEP_ALIVE_TIMEOUT(0x8D),
    SESSION_TAKEN_OVER(0x8E),
    TOPIC_FILTER_INVALID(0x8F),
    TOPIC_NAME_INVALID(0x90),
    PACKET_IDENTIFIER_IN_USE(0x91),
    PACKET_IDENTIFIER_NOT_FOUND(0x92),
    RECEIVE_MAXIMUM_EXCEEDED(0x93),
    TOPIC_ALIAS_INVALID(0x94),
    PACKET_TOO_LARGE(0x95),
    MESSAGE_RATE_TOO_HIGH(0x96),
    QUOTA_EXCEEDED(0x97),
    ADMINISTRATIVE_ACTION(0x98),
    PAYLOAD_FORMAT_INVALID(0x99),
    RETAIN_NOT_SUPPORTED(0x9A),
    QOS_NOT_SUPPORTED(0x9B),
    USE_ANOTHER_SERVER(0x9C),
    SERVER_MOVED(0x9D),
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E),
    CONNECTION_RATE_EXCEEDED(0x9F),
    MAXIMUM_CONNECT_TIME(0xA0),
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1),
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2);

    private static final ReasonCode[] BY_VALUE = new ReasonCode[256];

    static {
        for (ReasonCode rc : values()) {
            BY_VALUE[rc.value] = rc;
        }
    }

    private final int value;

    ReasonCode(int value) {
        this.value = value;
    }

    /** The reason code with this byte value, or null for a value MQTT 5 does not define. */
    public static ReasonCode of(int value) {
        return value >= 0 && value < 256 ? BY_VALUE[value] : null;
    }

    public int value() {
        return value;
    }

    public byte byteValue() {
        return (byte) value;
    }

    public boolean isError() {
        return value >= 0x80;
    }

    /**
     * The 3.1.1 CONNACK return code for a refused CONNECT, or -1 where 3.1.1 has none and the connection is just
     * closed (MQTT-3.2.2-5 allows only codes 1 to 5).
     */
    public int v3ConnackCode() {
        return switch (this) {
            case SUCCESS -> 0x00;
            case UNSUPPORTED_PROTOCOL_VERSION -> 0x01;
            case CLIENT_IDENTIFIER_NOT_VALID -> 0x02;
            case SERVER_UNAVAILABLE, SERVER_BUSY, SERVER_SHUTTING_DOWN, USE_ANOTHER_SERVER, SERVER_MOVED,
                    CONNECTION_RATE_EXCEEDED, QUOTA_EXCEEDED -> 0x03;
            case BAD_USER_NAME_OR_PASSWORD -> 0x04;
            case NOT_AUTHORIZED, BANNED, BAD_AUTHENTICATION_METHOD -> 0x05;
            default -> -1;
        };
    }

    public static ReasonCode grantedQos(int qos) {
        return switch (qos) {
            case 0 -> SUCCESS;
            case 1 -> GRANTED_QOS_1;
            case 2 -> GRANTED_QOS_2;
            default -> throw new IllegalArgumentException("qos " + qos);
        };
    }

    /** The code's name in words, e.g. "topic filter invalid", for Reason Strings and logs. */
    public String description() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
