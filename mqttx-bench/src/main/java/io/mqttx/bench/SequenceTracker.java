package io.mqttx.bench;

import java.util.BitSet;

/**
 * What one subscriber saw of each publisher's numbered stream: duplicates, messages that arrived
 * after a later one from the same publisher, and (once the run is over) how many never came.
 *
 * <p>Confined to the subscriber's event loop; not thread-safe.
 */
public final class SequenceTracker {

    /** How one received message was classified. */
    public enum Outcome { IN_ORDER, OUT_OF_ORDER, DUPLICATE, UNEXPECTED }

    private final int runTag;
    private final long[] expected;
    private final BitSet[] seen;
    private final long[] highest;
    private final long expectedTotal;
    private long distinct;
    private long duplicates;
    private long outOfOrder;
    private long unexpected;

    /**
     * @param expected messages expected from each publisher id (index), 0 for a publisher this
     *                 subscriber should not hear from
     */
    public SequenceTracker(int runTag, long[] expected) {
        this.runTag = runTag;
        this.expected = expected.clone();
        this.seen = new BitSet[expected.length];
        this.highest = new long[expected.length];
        long total = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] < 0 || expected[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("expected count out of range: " + expected[i]);
            }
            highest[i] = -1;
            total += expected[i];
        }
        this.expectedTotal = total;
    }

    public Outcome record(int tag, int publisherId, long sequence) {
        if (tag != runTag || publisherId < 0 || publisherId >= expected.length
                || sequence < 0 || sequence >= expected[publisherId]) {
            unexpected++;
            return Outcome.UNEXPECTED;
        }
        BitSet bits = seen[publisherId];
        if (bits == null) {
            // Lazily sized: a subscriber of thousands of publishers should not pay for silent ones.
            bits = new BitSet((int) expected[publisherId]);
            seen[publisherId] = bits;
        }
        int seq = (int) sequence;
        if (bits.get(seq)) {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        bits.set(seq);
        distinct++;
        if (sequence < highest[publisherId]) {
            outOfOrder++;
            return Outcome.OUT_OF_ORDER;
        }
        highest[publisherId] = sequence;
        return Outcome.IN_ORDER;
    }

    public boolean complete() {
        return distinct == expectedTotal;
    }

    public long expectedTotal() {
        return expectedTotal;
    }

    public long distinct() {
        return distinct;
    }

    public long lost() {
        return expectedTotal - distinct;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    public long unexpected() {
        return unexpected;
    }
}
