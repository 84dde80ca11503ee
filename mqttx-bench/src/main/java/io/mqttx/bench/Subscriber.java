package io.mqttx.bench;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.LongAdder;

/**
 * Checks every message one subscriber receives against the publishers' numbering and records its
 * end-to-end latency. Confined to the client's event loop, except the shared counters.
 */
final class Subscriber {

    /** Shared by all subscribers of a run. */
    record Counters(LongAdder delivered, LatencyStats latency) {
        Counters() {
            this(new LongAdder(), new LatencyStats());
        }
    }

    private final SequenceTracker tracker;
    private final Counters counters;
    private final Runnable complete;
    private final long warmupCount;
    private long lastDeliveryNanos;
    private boolean reportedComplete;

    /**
     * @param warmupCount messages of each publisher, from sequence 0, left out of the latency figures
     * @param complete run once, on the event loop, when every expected message has arrived */
    Subscriber(SequenceTracker tracker, Counters counters, long warmupCount, Runnable complete) {
        this.tracker = tracker;
        this.warmupCount = warmupCount;
        this.counters = counters;
        this.complete = complete;
    }

    /** Checks the expected count before any message arrives, so a subscriber expecting none is done at once. */
    void start() {
        checkComplete();
    }

    void onMessage(ByteBuf payload, long nowNanos) {
        Payload.Header h = Payload.read(payload);
        SequenceTracker.Outcome outcome = h == null
                ? tracker.record(0, -1, -1)
                : tracker.record(h.runTag(), h.publisherId(), h.sequence());
        counters.delivered().increment();
        lastDeliveryNanos = nowNanos;
        if (outcome == SequenceTracker.Outcome.IN_ORDER || outcome == SequenceTracker.Outcome.OUT_OF_ORDER) {
            if (h.sequence() >= warmupCount) {
                counters.latency().recordNanos(nowNanos - h.sentNanos());
            }
            checkComplete();
        }
    }

    private void checkComplete() {
        if (!reportedComplete && tracker.complete()) {
            reportedComplete = true;
            complete.run();
        }
    }

    /** A copy of the counts, taken on the event loop so the caller sees a consistent view. */
    Snapshot snapshot() {
        return new Snapshot(tracker.expectedTotal(), tracker.distinct(), tracker.lost(), tracker.duplicates(),
                tracker.outOfOrder(), tracker.unexpected(), lastDeliveryNanos);
    }

    record Snapshot(long expected, long distinct, long lost, long duplicates, long outOfOrder, long unexpected,
                    long lastDeliveryNanos) {
    }
}
