package io.mqttx.broker.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds MQTT packets as hex strings, byte for byte, so a test can say exactly what goes on the wire, including
 * what no client library would send (or not acknowledging what it would). Lengths are computed, so a test only
 * spells out the bytes it means to break. The one raw-packet builder of the tests; {@link RawClient} sends them.
 */
public final class Packets {
    private static final HexFormat HEX = HexFormat.of();

    public static final String CONNACK_OK = "20020000";
    public static final String PINGREQ = "c000";
    public static final String PINGRESP = "d000";
    public static final String DISCONNECT = "e000";
    /** CONNECT flags: clean session only. */
    public static final int CLEAN = 0x02;

    private Packets() {
    }

    /** Lower-case hex without spaces: the form cases are compared in. */
    public static String normalize(String hex) {
        return hex.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static byte[] bytes(String hex) {
        return HEX.parseHex(normalize(hex));
    }

    /** Concatenates hex parts. */
    public static String cat(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(normalize(p));
        }
        return sb.toString();
    }

    /** A packet: first byte, minimally encoded Remaining Length, body. */
    public static String packet(int firstByte, String... body) {
        String b = cat(body);
        return cat(byteHex(firstByte), vbi(b.length() / 2), b);
    }

    /** The same packet with its one-byte Remaining Length written in two bytes: not minimally encoded. */
    public static String withTwoByteLength(String packet) {
        String p = normalize(packet);
        int length = Integer.parseInt(p.substring(2, 4), 16);
        if (length >= 128) {
            throw new IllegalArgumentException("Remaining Length is not one byte: " + length);
        }
        return cat(p.substring(0, 2), byteHex(length | 0x80), "00", p.substring(4));
    }

    public static String byteHex(int b) {
        return HEX.toHexDigits((byte) b);
    }

    public static String u16(int v) {
        return HEX.toHexDigits((short) v);
    }

    public static String u32(long v) {
        return HEX.toHexDigits((int) v);
    }

    /** Variable Byte Integer, minimal encoding [MQTT-1.5.5-1]. */
    public static String vbi(int value) {
        StringBuilder sb = new StringBuilder();
        int v = value;
        do {
            int digit = v % 128;
            v /= 128;
            if (v > 0) {
                digit |= 0x80;
            }
            sb.append(byteHex(digit));
        } while (v > 0);
        return sb.toString();
    }

    /** A UTF-8 Encoded String: two-byte length, then the bytes. */
    public static String str(String s) {
        return raw(hex(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** A length-prefixed field whose bytes are given as hex (for ill-formed UTF-8 and binary data). */
    public static String raw(String hexBytes) {
        String h = normalize(hexBytes);
        return cat(u16(h.length() / 2), h);
    }

    /** A topic or filter of {@code n} levels, all empty: {@code n - 1} slashes. */
    public static String slashes(int count) {
        return "/".repeat(count);
    }

    // ---------------------------------------------------------------- CONNECT

    /** CONNECT with any protocol name, level, flags and payload (hex). */
    public static String connect(String protocolName, int level, int flags, int keepAlive, String payload) {
        return packet(0x10, str(protocolName), byteHex(level), byteHex(flags), u16(keepAlive), payload);
    }

    /** A well-formed MQTT 3.1.1 CONNECT with clean session and keepalive 60. */
    public static String connect311(String clientId) {
        return connect("MQTT", 4, CLEAN, 60, str(clientId));
    }

    /** A well-formed MQTT 3.1 (MQIsdp) CONNECT with clean session and keepalive 60. */
    public static String connect31(String clientId) {
        return connect("MQIsdp", 3, CLEAN, 60, str(clientId));
    }

    /** A 3.1.1 CONNECT with a will (QoS 0, not retained). */
    public static String connect311Will(String clientId, int keepAlive, String willTopic, String willPayload) {
        return connect("MQTT", 4, CLEAN | 0x04, keepAlive, cat(str(clientId), str(willTopic), str(willPayload)));
    }

    /**
     * A 3.1.1 CONNECT with keepalive 60 and a user name (no password); with a QoS 0 will when {@code willTopic} is
     * not null.
     */
    public static String connect311(String clientId, boolean cleanSession, String username, String willTopic,
                                    String willPayload) {
        int flags = (cleanSession ? CLEAN : 0) | 0x80 | (willTopic != null ? 0x04 : 0);
        String will = willTopic != null ? cat(str(willTopic), str(willPayload)) : "";
        return connect("MQTT", 4, flags, 60, cat(str(clientId), will, str(username)));
    }

    /** MQTT 5 CONNECT with any flags, properties (hex, without their length) and payload. */
    public static String connect5(int flags, int keepAlive, String properties, String payload) {
        String props = normalize(properties);
        return packet(0x10, str("MQTT"), "05", byteHex(flags), u16(keepAlive), vbi(props.length() / 2), props,
                payload);
    }

    /** A well-formed MQTT 5 CONNECT with clean start, keepalive 60 and no properties. */
    public static String connect5(String clientId) {
        return connect5(CLEAN, 60, "", str(clientId));
    }

    // ---------------------------------------------------------------- PUBLISH

    /** 3.1.1 PUBLISH; {@code packetId} is written only for QoS 1/2 (taken from the flags). */
    public static String publish(int flags, String topic, int packetId, String payloadHex) {
        int qos = (flags >> 1) & 3;
        return packet(0x30 | flags, str(topic), qos > 0 ? u16(packetId) : "", payloadHex);
    }

    public static String publish(String topic, String payloadText) {
        return publish(0, topic, 0, hex(payloadText.getBytes(StandardCharsets.UTF_8)));
    }

    /** MQTT 5 PUBLISH with properties (hex, without their length). */
    public static String publish5(int flags, String topic, int packetId, String properties, String payloadHex) {
        int qos = (flags >> 1) & 3;
        String props = normalize(properties);
        return packet(0x30 | flags, str(topic), qos > 0 ? u16(packetId) : "", vbi(props.length() / 2), props,
                payloadHex);
    }

    // ---------------------------------------------------------------- SUBSCRIBE / UNSUBSCRIBE

    /** 3.1.1 SUBSCRIBE; entries alternate filter (String) and options byte (Integer). */
    public static String subscribe(int packetId, Object... filtersAndOptions) {
        return packet(0x82, u16(packetId), subscriptions(filtersAndOptions));
    }

    /** MQTT 5 SUBSCRIBE with properties (hex, without their length). */
    public static String subscribe5(int packetId, String properties, Object... filtersAndOptions) {
        String props = normalize(properties);
        return packet(0x82, u16(packetId), vbi(props.length() / 2), props, subscriptions(filtersAndOptions));
    }

    private static String subscriptions(Object... filtersAndOptions) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < filtersAndOptions.length; i += 2) {
            sb.append(str((String) filtersAndOptions[i])).append(byteHex((Integer) filtersAndOptions[i + 1]));
        }
        return sb.toString();
    }

    public static String unsubscribe(int packetId, String... filters) {
        StringBuilder sb = new StringBuilder();
        for (String f : filters) {
            sb.append(str(f));
        }
        return packet(0xa2, u16(packetId), sb.toString());
    }

    /** SUBACK with return codes (3.1.1 form: no properties). */
    public static String suback(int packetId, int... codes) {
        StringBuilder sb = new StringBuilder();
        for (int c : codes) {
            sb.append(byteHex(c));
        }
        return packet(0x90, u16(packetId), sb.toString());
    }

    /** MQTT 5 SUBACK with empty properties. */
    public static String suback5(int packetId, int... codes) {
        StringBuilder sb = new StringBuilder();
        for (int c : codes) {
            sb.append(byteHex(c));
        }
        return packet(0x90, u16(packetId), "00", sb.toString());
    }

    // ---------------------------------------------------------------- acks

    /** PUBACK (0x40), PUBREC (0x50), PUBREL (0x62), PUBCOMP (0x70) with just a packet id. */
    public static String ack(int firstByte, int packetId) {
        return packet(firstByte, u16(packetId));
    }

    /** MQTT 5 CONNACK with a reason code and no properties. */
    public static String connack5(int reason) {
        return packet(0x20, "00", byteHex(reason), "00");
    }

    /** MQTT 5 DISCONNECT with a reason code and no properties. */
    public static String disconnect5(int reason) {
        return packet(0xe0, byteHex(reason), "00");
    }

    // ---------------------------------------------------------------- MQTT 5 properties

    public static String propByte(int id, int value) {
        return cat(vbi(id), byteHex(value));
    }

    public static String propU16(int id, int value) {
        return cat(vbi(id), u16(value));
    }

    public static String propU32(int id, long value) {
        return cat(vbi(id), u32(value));
    }

    public static String propVbi(int id, int value) {
        return cat(vbi(id), vbi(value));
    }

    public static String propString(int id, String value) {
        return cat(vbi(id), str(value));
    }

    public static String propBinary(int id, String hexBytes) {
        return cat(vbi(id), raw(hexBytes));
    }

    public static String userProperty(String key, String value) {
        return cat("26", str(key), str(value));
    }

    /** n bytes of hex 'x' (0x78), for payloads of a given size. */
    public static byte[] filler(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        for (int i = 0; i < n; i++) {
            out.write('x');
        }
        return out.toByteArray();
    }
}
