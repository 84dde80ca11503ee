package io.mqttx.broker.protocol;

import io.netty.handler.codec.mqtt.MqttProperties;

/**
 * When a Reason String may go to one MQTT 5 client: only if the broker sends them at all ({@code reasonStrings}),
 * on packets other than CONNACK and DISCONNECT only if the client's Request Problem Information is 1
 * [MQTT-3.1.2-29], and never when it would make the packet larger than the client's Maximum Packet Size
 * [MQTT-3.2.2-19], [MQTT-3.4.2-2], [MQTT-3.9.2-1], [MQTT-3.14.2-3]. The broker sends no User Properties of its own on
 * these packets, so nothing else needs dropping.
 *
 * @param enabled           the broker's {@code reasonStrings} setting, and false for a 3.1.1 connection
 * @param requested         the client's Request Problem Information (default 1)
 * @param maximumPacketSize the client's Maximum Packet Size, or {@link Integer#MAX_VALUE}
 */
public record ProblemInformation(boolean enabled, boolean requested, int maximumPacketSize) {
    public static final ProblemInformation NONE = new ProblemInformation(false, false, Integer.MAX_VALUE);
    /** Long enough for every message the broker writes; a longer one (quoting client input) is cut. */
    private static final int MAX_CHARS = 256;
    private static final int REASON_STRING = 0x1F;

    /** For a packet that is neither CONNACK nor DISCONNECT. */
    public MqttProperties forAck(String reason, int bytesBeforeProperties) {
        return requested ? properties(reason, bytesBeforeProperties) : MqttProperties.NO_PROPERTIES;
    }

    /** For a CONNACK or DISCONNECT, which may carry a Reason String whatever the client requested. */
    public MqttProperties forConnackOrDisconnect(String reason, int bytesBeforeProperties) {
        return properties(reason, bytesBeforeProperties);
    }

    /**
     * @param bytesBeforeProperties the Remaining Length of the packet without its property block (and, for SUBACK and
     *                              UNSUBACK, with their reason codes)
     */
    private MqttProperties properties(String reason, int bytesBeforeProperties) {
        if (!enabled || reason == null || reason.isEmpty()) {
            return MqttProperties.NO_PROPERTIES;
        }
        String text = clean(reason);
        long propertyLength = 3L + Utf8.length(text);
        long remaining = bytesBeforeProperties + Utf8.varIntSize(propertyLength) + propertyLength;
        if (1 + Utf8.varIntSize(remaining) + remaining > maximumPacketSize) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.StringProperty(REASON_STRING, text));
        return p;
    }

    /**
     * A Reason String is a UTF-8 string like any other: no U+0000, and none of the control characters a client may
     * treat as malformed (1.5.4); messages that quote client input may contain them.
     */
    static String clean(String reason) {
        StringBuilder sb = new StringBuilder(Math.min(reason.length(), MAX_CHARS));
        for (int i = 0; i < reason.length() && sb.length() < MAX_CHARS; i++) {
            char c = reason.charAt(i);
            sb.append(Utf8.isDisallowed(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return sb.toString();
    }
}
