package io.mqttx.broker.transport;

import io.mqttx.broker.protocol.PacketStructure;
import io.mqttx.broker.protocol.ProtocolViolation;
import io.mqttx.broker.protocol.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import java.util.List;

/**
 * Cuts the byte stream into whole packets by their Remaining Length and hands only whole, structurally sound
 * packets to Netty's decoder:
 * <ul>
 * <li>a packet larger than the maximum packet size is refused from its fixed header, before any of its body is
 *     buffered (MQTT 5 [MQTT-3.2.2-15]; a 3.1.1 implementation limit; CVE-2017-7651 / CVE-2023-0809 class);</li>
 * <li>a Remaining Length of more than 4 bytes, or (MQTT 5) not minimally encoded, is malformed (2.2.3,
 *     [MQTT-1.5.5-1]);</li>
 * <li>{@link PacketStructure} checks each packet's fields against its length, so the decoder, which does not bound
 *     its reads by the Remaining Length, never waits for bytes that are not part of the packet.</li>
 * </ul>
 * A refused packet reaches the connection as an invalid message carrying the {@link ProtocolViolation}, in order
 * after the packets before it; everything after it is discarded.
 */
final class PacketFramer extends ByteToMessageDecoder {
    /** Netty's codec keeps the connection's version here; its encoder answers in that version. */
    private static final AttributeKey<MqttVersion> CODEC_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final int maxPacketSize;
    private int level;
    private boolean failed;

    PacketFramer(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int start = in.readerIndex();
        int pos = start;
        int limit = in.writerIndex();
        try {
            while (pos + 2 <= limit) {
                int remaining = 0;
                int lengthBytes = 0;
                boolean complete = false;
                while (pos + 1 + lengthBytes < limit) {
                    int digit = in.getUnsignedByte(pos + 1 + lengthBytes);
                    remaining |= (digit & 0x7F) << (7 * lengthBytes);
                    lengthBytes++;
                    if ((digit & 0x80) == 0) {
                        complete = true;
                        if (lengthBytes > 1 && digit == 0 && level == 5) {
                            throw ProtocolViolation.malformed("Remaining Length not minimally encoded "
                                    + "[MQTT-1.5.5-1]");
                        }
                        break;
                    }
                    if (lengthBytes == 4) {
                        throw ProtocolViolation.malformed("Remaining Length longer than 4 bytes [2.2.3]");
                    }
                }
                if (!complete) {
                    break;
                }
                long size = 1L + lengthBytes + remaining;
                if (size > maxPacketSize) {
                    throw new ProtocolViolation(ReasonCode.PACKET_TOO_LARGE, "packet of " + size
                            + " bytes claimed, the maximum is " + maxPacketSize + " [MQTT-3.2.2-15]");
                }
                if (limit - pos < size) {
                    break; // wait for the rest of a packet whose size is allowed
                }
                int bodyStart = pos + 1 + lengthBytes;
                int end = (int) (pos + size);
                boolean first = level == 0;
                if (first && in.getUnsignedByte(pos) >> 4 == 1) {
                    level = PacketStructure.connectLevel(in, bodyStart, end);
                    // as Netty's decoder would, so that a refusal of this CONNECT is answered in its version
                    ctx.channel().attr(CODEC_VERSION).set(version(level));
                    if (level == 5 && lengthBytes > 1 && in.getUnsignedByte(bodyStart - 1) == 0) {
                        throw ProtocolViolation.malformed("Remaining Length not minimally encoded [MQTT-1.5.5-1]");
                    }
                }
                PacketStructure.check(in, pos, bodyStart, end, level, first);
                pos = end;
            }
        } catch (ProtocolViolation v) {
            failed = true;
            if (pos > start) {
                out.add(in.retainedSlice(start, pos - start));
            }
            in.skipBytes(in.readableBytes());
            out.add(MqttMessageFactory.newInvalidMessage(v));
            return;
        }
        if (pos > start) {
            out.add(in.retainedSlice(start, pos - start));
            in.readerIndex(pos);
        }
    }

    private static MqttVersion version(int level) {
        return switch (level) {
            case 3 -> MqttVersion.MQTT_3_1;
            case 4 -> MqttVersion.MQTT_3_1_1;
            default -> MqttVersion.MQTT_5;
        };
    }
}
