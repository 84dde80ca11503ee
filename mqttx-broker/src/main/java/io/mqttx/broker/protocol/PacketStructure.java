package io.mqttx.broker.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Checks the layout of one whole packet, byte by byte, before Netty's decoder sees it. Netty's decoder reads fields
 * without bounding them by the Remaining Length: a field that runs past it makes the decoder wait for bytes that
 * belong to the next packet, or that never come, instead of refusing a malformed packet (2.2.3). And it drops or
 * accepts what the spec refuses: reserved subscription option bits, MQTT 5 properties that are duplicated or not
 * allowed in the packet, Remaining Lengths that are not minimally encoded, reason codes on 3.1.1 acknowledgements.
 * Only the layout is checked here; string contents (UTF-8) and values are left to the decoder and the adapter.
 */
public final class PacketStructure {
    // the properties a client may send, by packet (MQTT 5 section 2.2.2.2)
    private static final long CONNECT_PROPS = bits(0x11, 0x21, 0x27, 0x22, 0x19, 0x17, 0x26, 0x15, 0x16);
    private static final long WILL_PROPS = bits(0x18, 0x01, 0x02, 0x03, 0x08, 0x09, 0x26);
    // a client's Subscription Identifier is let through so the adapter can answer it as the Protocol Error it is
    private static final long PUBLISH_PROPS = bits(0x01, 0x02, 0x23, 0x08, 0x09, 0x26, 0x0B, 0x03);
    private static final long ACK_PROPS = bits(0x1F, 0x26);
    private static final long SUBSCRIBE_PROPS = bits(0x0B, 0x26);
    private static final long UNSUBSCRIBE_PROPS = bits(0x26);
    private static final long DISCONNECT_PROPS = bits(0x11, 0x1F, 0x26, 0x1C);
    private static final long AUTH_PROPS = bits(0x15, 0x16, 0x1F, 0x26);
    private static final int USER_PROPERTY = 0x26;

    private PacketStructure() {
    }

    /**
     * The protocol level a CONNECT asks for, from its protocol name and level, or why it is refused: a name that is
     * not MQTT gets no MQTT answer [MQTT-3.1.2-1], a level this server does not speak gets CONNACK 0x01 / 0x84
     * [MQTT-3.1.2-2].
     *
     * @param bodyStart index of the first byte after the Remaining Length
     * @param end       index after the last byte of the packet
     */
    public static int connectLevel(ByteBuf buf, int bodyStart, int end) {
        Cursor c = new Cursor(buf, bodyStart, end, false);
        String name = c.stringValue();
        int level = c.u8();
        if (!"MQTT".equals(name) && !"MQIsdp".equals(name)) {
            throw ProtocolViolation.protocolError("protocol name '" + name + "' is not MQTT [MQTT-3.1.2-1]");
        }
        if ("MQTT".equals(name) ? level != 4 && level != 5 : level != 3) {
            throw new ProtocolViolation(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
                    "protocol " + name + " level " + level + " is not supported [MQTT-3.1.2-2]");
        }
        return level;
    }

    /**
     * Checks the packet in {@code buf} from {@code start} (its first byte) to {@code end} (after its last byte);
     * its body starts at {@code bodyStart}.
     *
     * @param level the protocol level of the connection (3, 4 or 5), from {@link #connectLevel}
     * @param first whether this is the connection's first packet, which must be a CONNECT [MQTT-3.1.0-1]
     * @throws ProtocolViolation if the packet must be refused
     */
    public static void check(ByteBuf buf, int start, int bodyStart, int end, int level, boolean first) {
        int first4 = buf.getUnsignedByte(start);
        int type = first4 >> 4;
        if (first != (type == 1)) {
            if (first) {
                throw ProtocolViolation.protocolError("first packet is not a CONNECT [MQTT-3.1.0-1]");
            }
            return; // a second CONNECT: the connection refuses it as such [MQTT-3.1.0-2]
        }
        Cursor c = new Cursor(buf, bodyStart, end, level == 5);
        switch (type) {
            case 1 -> connect(c);
            case 3 -> publish(c, (first4 >> 1) & 3);
            case 4, 5, 6, 7 -> ack(c, level);
            case 8 -> subscribe(c, level);
            case 10 -> unsubscribe(c);
            case 12 -> c.end();
            case 14 -> reasonAndProperties(c, level, DISCONNECT_PROPS, "DISCONNECT");
            case 15 -> {
                if (level != 5) {
                    throw ProtocolViolation.malformed("AUTH before MQTT 5 [2.1.2]");
                }
                reasonAndProperties(c, level, AUTH_PROPS, "AUTH");
            }
            case 2, 9, 11, 13 -> throw ProtocolViolation.protocolError(
                    "server-only packet type " + type + " from a client [MQTT-4.8.0-1]");
            default -> throw ProtocolViolation.malformed("reserved packet type 0 [2.1.2]");
        }
    }

    /** Checks a CONNECT whose name and level {@link #connectLevel} accepted. */
    private static void connect(Cursor c) {
        c.string();
        c.skip(1);
        int flags = c.u8();
        c.skip(2); // keepalive
        if (c.v5) {
            c.properties(CONNECT_PROPS, "CONNECT");
        }
        c.string(); // client identifier
        if ((flags & 0x04) != 0) {
            if (c.v5) {
                c.properties(WILL_PROPS, "will");
            }
            c.string(); // will topic
            c.string(); // will payload (binary data: the same two-byte length)
        }
        if ((flags & 0x80) != 0) {
            c.string();
        }
        if ((flags & 0x40) != 0) {
            c.string();
        }
        c.end();
    }

    private static void publish(Cursor c, int qos) {
        c.string(); // topic name
        if (qos != 0) {
            c.skip(2);
        }
        if (c.v5) {
            c.properties(PUBLISH_PROPS, "PUBLISH");
        }
        // the rest is payload
    }

    private static void ack(Cursor c, int level) {
        c.skip(2);
        if (level != 5) {
            c.end(); // 3.1.1 acknowledgements are a packet identifier and nothing else
            return;
        }
        if (c.remaining() > 0) {
            c.skip(1); // reason code
        }
        if (c.remaining() > 0) {
            c.properties(ACK_PROPS, "acknowledgement");
        }
        c.end();
    }

    private static void subscribe(Cursor c, int level) {
        c.skip(2);
        if (c.v5) {
            c.properties(SUBSCRIBE_PROPS, "SUBSCRIBE");
        }
        while (c.remaining() > 0) {
            c.string();
            int options = c.u8();
            if (level != 5) {
                if ((options & 0xFC) != 0 || (options & 3) == 3) {
                    throw ProtocolViolation.malformed("reserved bits or QoS 3 in subscription options 0x"
                            + Integer.toHexString(options) + " [MQTT-3-8.3-4]");
                }
                continue;
            }
            if ((options & 0xC0) != 0) {
                throw ProtocolViolation.malformed("reserved bits 6-7 in subscription options 0x"
                        + Integer.toHexString(options) + " [MQTT-3.8.3-5]");
            }
            if ((options & 3) == 3) {
                throw ProtocolViolation.protocolError("maximum QoS 3 in subscription options [3.8.3.1]");
            }
            if ((options & 0x30) == 0x30) {
                throw ProtocolViolation.protocolError("retain handling 3 in subscription options [3.8.3.1]");
            }
        }
    }

    private static void unsubscribe(Cursor c) {
        c.skip(2);
        if (c.v5) {
            c.properties(UNSUBSCRIBE_PROPS, "UNSUBSCRIBE");
        }
        while (c.remaining() > 0) {
            c.string();
        }
    }

    /** DISCONNECT and AUTH: in MQTT 5 an optional reason code, then optional properties; before 5, nothing. */
    private static void reasonAndProperties(Cursor c, int level, long allowed, String packet) {
        if (level == 5) {
            if (c.remaining() > 0) {
                c.skip(1);
            }
            if (c.remaining() > 0) {
                c.properties(allowed, packet);
            }
        }
        c.end();
    }

    private static long bits(int... ids) {
        long b = 0;
        for (int id : ids) {
            b |= 1L << id;
        }
        return b;
    }

    /** Reads a packet body, refusing every read past its end. */
    private static final class Cursor {
        private final ByteBuf buf;
        private final int end;
        private int pos;
        private final boolean v5;

        Cursor(ByteBuf buf, int pos, int end, boolean v5) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
            this.v5 = v5;
        }

        int remaining() {
            return end - pos;
        }

        void need(int n, String what) {
            if (n > end - pos) {
                throw ProtocolViolation.malformed(what + " runs past the end of the packet [2.2.3]");
            }
        }

        /** As {@link #need(int, String)} for a field of a stated size; the message is built only on failure. */
        void needSized(int n, String field) {
            if (n > end - pos) {
                need(n, field + " of " + n + " bytes");
            }
        }

        void skip(int n) {
            need(n, "a field");
            pos += n;
        }

        int u8() {
            need(1, "a byte field");
            return buf.getUnsignedByte(pos++);
        }

        int u16() {
            need(2, "a two-byte field");
            int v = buf.getUnsignedShort(pos);
            pos += 2;
            return v;
        }

        /** A length-prefixed field (UTF-8 string or binary data): only its bounds are checked. */
        void string() {
            int n = u16();
            needSized(n, "a string or binary field");
            pos += n;
        }

        String stringValue() {
            int n = u16();
            needSized(n, "a string");
            String s = buf.toString(pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        int vbi() {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int digit = u8();
                value |= (digit & 0x7F) << (7 * i);
                if ((digit & 0x80) == 0) {
                    if (i > 0 && digit == 0 && v5) {
                        throw ProtocolViolation.malformed("variable byte integer not minimally encoded "
                                + "[MQTT-1.5.5-1]");
                    }
                    return value;
                }
            }
            throw ProtocolViolation.malformed("variable byte integer longer than 4 bytes [1.5.5]");
        }

        void end() {
            if (pos != end) {
                throw ProtocolViolation.malformed((end - pos) + " bytes after the last field of the packet [2.2.3]");
            }
        }

        /** An MQTT 5 property block: each property allowed in the packet, known in type, and at most once. */
        void properties(long allowed, String packet) {
            int length = vbi();
            needSized(length, "the property block");
            int stop = pos + length;
            long seen = 0;
            while (pos < stop) {
                int id = vbi();
                if (id >= 64 || (allowed & (1L << id)) == 0) {
                    throw ProtocolViolation.malformed("property 0x" + Integer.toHexString(id) + " is not allowed in "
                            + packet + " [2.2.2.2]");
                }
                if (id != USER_PROPERTY && (seen & (1L << id)) != 0) {
                    throw ProtocolViolation.protocolError("property 0x" + Integer.toHexString(id) + " twice in "
                            + packet + " [2.2.2.2]");
                }
                seen |= 1L << id;
                switch (id) {
                    case 0x01, 0x17, 0x19 -> skip(1);
                    case 0x21, 0x22, 0x23 -> skip(2);
                    case 0x02, 0x11, 0x18, 0x27 -> skip(4);
                    case 0x0B -> vbi();
                    case 0x26 -> {
                        string();
                        string();
                    }
                    default -> string(); // 0x03, 0x08, 0x09, 0x15, 0x16, 0x1C, 0x1F: string or binary data
                }
                if (pos > stop) {
                    throw ProtocolViolation.malformed("a property runs past the property length [2.2.2.1]");
                }
            }
        }
    }
}
