package io.mqttx.broker.limits;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket: {@code perSecond} tokens are added each second up to {@code burst}, and each event takes one, so
 * events keep to the rate on average and up to {@code burst} of them may come at once. Refilled lazily from the
 * clock when asked, so an idle bucket costs nothing. Thread-safe; the buckets of one connection or one listener are
 * only ever used from one event loop, where the lock is uncontended.
 */
public final class TokenBucket {
    private final double tokensPerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long refilledAt;

    /** Starts full. */
    public TokenBucket(double perSecond, double burst) {
        this(perSecond, burst, System::nanoTime);
    }

    TokenBucket(double perSecond, double burst, LongSupplier nanoClock) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a token bucket needs a positive rate and a burst of at least 1");
        }
        this.tokensPerNano = perSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    /** A bucket that lets one event through per {@code interval}: for warnings that a flood must not repeat. */
    public static TokenBucket oncePer(long interval, TimeUnit unit) {
        return new TokenBucket((double) TimeUnit.SECONDS.toNanos(1) / unit.toNanos(interval), 1);
    }

    /** Takes a token if there is one. */
    public synchronized boolean tryTake() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until a token is there, 0 if one is there now. */
    public synchronized long nanosUntilToken() {
        refill();
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / tokensPerNano);
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
    }
}
