package io.mqttx.bench;

/**
 * Packet ids of one publisher's unacknowledged QoS 1/2 messages, with their send times.
 *
 * <p>Ids are slots 1..capacity handed out from a free list, so the bookkeeping is a few arrays of
 * window size instead of a map over all 65535 ids; thousands of clients each hold one. Confined to
 * the client's event loop.
 */
public final class InflightWindow {

    private static final byte FREE = 0;
    private static final byte AWAITING_ACK = 1;
    private static final byte AWAITING_COMP = 2;

    private final long[] sentNanos;
    private final byte[] state;
    private final int[] free;
    private int freeCount;

    public InflightWindow(int capacity) {
        if (capacity < 1 || capacity > 65535) {
            throw new IllegalArgumentException("window must be 1..65535, was " + capacity);
        }
        sentNanos = new long[capacity];
        state = new byte[capacity];
        free = new int[capacity];
        // Reverse order so the first ids handed out are 1, 2, 3...: easier to read in a packet capture.
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - i;
        }
        freeCount = capacity;
    }

    public int capacity() {
        return state.length;
    }

    public int inFlight() {
        return state.length - freeCount;
    }

    public boolean hasFree() {
        return freeCount > 0;
    }

    /** Takes a free packet id; the caller must have checked {@link #hasFree()}. */
    public int acquire(long nowNanos) {
        if (freeCount == 0) {
            throw new IllegalStateException("window full");
        }
        int id = free[--freeCount];
        sentNanos[id - 1] = nowNanos;
        state[id - 1] = AWAITING_ACK;
        return id;
    }

    /** QoS 2: PUBREC arrived. False for an id that is not awaiting one (a stray or repeated PUBREC). */
    public boolean received(int packetId) {
        if (!valid(packetId) || state[packetId - 1] != AWAITING_ACK) {
            return false;
        }
        state[packetId - 1] = AWAITING_COMP;
        return true;
    }

    /**
     * Final acknowledgement (PUBACK, or PUBCOMP for QoS 2): frees the id.
     *
     * @return the send time, or -1 for an id that was not in flight
     */
    public long complete(int packetId, boolean exactlyOnce) {
        if (!valid(packetId)) {
            return -1;
        }
        byte expectedState = exactlyOnce ? AWAITING_COMP : AWAITING_ACK;
        if (state[packetId - 1] != expectedState) {
            return -1;
        }
        state[packetId - 1] = FREE;
        free[freeCount++] = packetId;
        return sentNanos[packetId - 1];
    }

    private boolean valid(int packetId) {
        return packetId >= 1 && packetId <= state.length;
    }
}
