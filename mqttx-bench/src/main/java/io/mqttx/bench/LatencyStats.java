package io.mqttx.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency samples from every event loop thread into one histogram. HdrHistogram's {@link Recorder}
 * takes concurrent writers without locks, which matters when two event loops record a million
 * acknowledgements each.
 */
public final class LatencyStats {

    private final Recorder recorder = new Recorder(3);

    public void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /** Everything recorded so far; the recorder starts over afterwards. */
    public Histogram drain() {
        return recorder.getIntervalHistogram();
    }

    /** Adds p50/p90/p99/p999/max in microseconds, or NA for each when nothing was recorded. */
    public static void putPercentiles(ResultLine line, Histogram h) {
        boolean empty = h.getTotalCount() == 0;
        line.put("p50_us", empty ? ResultLine.NOT_AVAILABLE : micros(h.getValueAtPercentile(50)));
        line.put("p90_us", empty ? ResultLine.NOT_AVAILABLE : micros(h.getValueAtPercentile(90)));
        line.put("p99_us", empty ? ResultLine.NOT_AVAILABLE : micros(h.getValueAtPercentile(99)));
        line.put("p999_us", empty ? ResultLine.NOT_AVAILABLE : micros(h.getValueAtPercentile(99.9)));
        line.put("max_us", empty ? ResultLine.NOT_AVAILABLE : micros(h.getMaxValue()));
    }

    private static String micros(long nanos) {
        return Long.toString(Math.round(nanos / 1000.0));
    }
}
