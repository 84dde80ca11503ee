package io.mqttx.broker.security;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Lets a warning through at most once per interval: an outage or a flood must not also flood the log. */
final class LogThrottle {
    private final long intervalNanos;
    private final AtomicLong last;

    LogThrottle(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
        this.last = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    boolean allow() {
        long now = System.nanoTime();
        long prev = last.get();
        return now - prev >= intervalNanos && last.compareAndSet(prev, now);
    }
}
