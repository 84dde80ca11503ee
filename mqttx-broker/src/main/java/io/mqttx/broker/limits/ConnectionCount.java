package io.mqttx.broker.limits;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections against a maximum (0: no maximum, counted all the same). Connections are admitted on the
 * listeners' accept loop and released on whichever event loop closes them, so the count is one atomic integer that
 * is only ever raised while below the maximum: it never overshoots, however many loops release at once.
 */
public final class ConnectionCount {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionCount(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maximum connections " + max + " is negative (0: no maximum)");
        }
        this.max = max;
    }

    /** Counts one more connection unless that would exceed the maximum. */
    public boolean tryAcquire() {
        while (true) {
            int now = open.get();
            if (max > 0 && now >= max) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** One connection admitted by {@link #tryAcquire()} has closed. */
    public void release() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }

    public int max() {
        return max;
    }
}
