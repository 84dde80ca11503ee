package io.mqttx.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Waits for a measured phase to finish, and makes sure it always does: it gives up on a broken
 * connection, after an overall timeout, or once progress has stopped for the stall timeout.
 */
final class PhaseWaiter {

    enum Outcome { DONE, FAILED, TIMED_OUT, STALLED }

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private PhaseWaiter() {
    }

    /**
     * @param progress a counter that grows while the phase is healthy (acks plus deliveries)
     * @param status   a one-line progress report printed every few seconds to {@code log}
     */
    static Outcome await(CountDownLatch done, AtomicReference<Throwable> failure, LongSupplier progress,
                         Duration timeout, Duration stallTimeout, PrintStream log, Supplier<String> status) {
        long start = System.nanoTime();
        long lastProgress = progress.getAsLong();
        long lastProgressAt = start;
        long lastReport = start;
        try {
            while (!done.await(POLL_NANOS, TimeUnit.NANOSECONDS)) {
                long now = System.nanoTime();
                if (failure.get() != null) {
                    return Outcome.FAILED;
                }
                long p = progress.getAsLong();
                if (p != lastProgress) {
                    lastProgress = p;
                    lastProgressAt = now;
                } else if (now - lastProgressAt > stallTimeout.toNanos()) {
                    return Outcome.STALLED;
                }
                if (now - start > timeout.toNanos()) {
                    return Outcome.TIMED_OUT;
                }
                if (log != null && now - lastReport >= PROGRESS_EVERY_NANOS) {
                    lastReport = now;
                    log.printf("  %.0fs %s%n", (now - start) / 1e9, status.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        }
        return failure.get() != null ? Outcome.FAILED : Outcome.DONE;
    }

    static String describe(Outcome outcome, Duration timeout, Duration stallTimeout) {
        return switch (outcome) {
            case DONE -> "done";
            case FAILED -> "a connection failed";
            case TIMED_OUT -> "timed out after " + timeout.toSeconds() + " s";
            case STALLED -> "no progress for " + stallTimeout.toSeconds() + " s";
        };
    }
}
