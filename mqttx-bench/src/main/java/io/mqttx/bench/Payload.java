package io.mqttx.bench;

import io.netty.buffer.ByteBuf;

/**
 * The header every measured message carries at the start of its payload, so a subscriber can
 * tell who sent it, in which order, and when, without any side channel to the publisher.
 *
 * <p>Layout, big-endian: run tag (int), publisher id (int), sequence number (long), send time
 * (long, {@link System#nanoTime()} of this process). The run tag lets a subscriber on a wildcard
 * ignore messages from another benchmark run that shares the broker.
 */
public final class Payload {

    public static final int HEADER_BYTES = 4 + 4 + 8 + 8;

    private Payload() {
    }

    /** Writes a payload of exactly {@code size} bytes; sizes below the header carry no header. */
    public static void write(ByteBuf out, int size, int runTag, int publisherId, long sequence, long sentNanos) {
        if (size >= HEADER_BYTES) {
            out.writeInt(runTag);
            out.writeInt(publisherId);
            out.writeLong(sequence);
            out.writeLong(sentNanos);
            out.writeZero(size - HEADER_BYTES);
        } else {
            out.writeZero(size);
        }
    }

    /** Reads the header without moving the reader index; null when the payload is too short to hold one. */
    public static Header read(ByteBuf in) {
        if (in.readableBytes() < HEADER_BYTES) {
            return null;
        }
        int base = in.readerIndex();
        return new Header(in.getInt(base), in.getInt(base + 4), in.getLong(base + 8), in.getLong(base + 16));
    }

    public record Header(int runTag, int publisherId, long sequence, long sentNanos) {
    }
}
