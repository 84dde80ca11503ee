package io.mqttx.broker.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static int take(TokenBucket b, int attempts) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (b.tryTake()) {
                taken++;
            }
        }
        return taken;
    }

    @Test
    void aFullBucketLetsTheBurstThroughThenTheRate() {
        TokenBucket b = new TokenBucket(10, 10, now::get);
        assertThat(take(b, 100)).isEqualTo(10);
        assertThat(b.nanosUntilToken()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(take(b, 100)).isEqualTo(2);
        assertThat(b.nanosUntilToken()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        // idle for a minute: never more than the burst
        now.addAndGet(TimeUnit.MINUTES.toNanos(1));
        assertThat(b.nanosUntilToken()).isZero();
        assertThat(take(b, 100)).isEqualTo(10);
    }

    @Test
    void oncePerIntervalLetsOneThroughPerInterval() {
        TokenBucket b = new TokenBucket(0.1, 1, now::get);
        assertThat(take(b, 5)).isEqualTo(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(9));
        assertThat(b.tryTake()).isFalse();
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(take(b, 5)).isEqualTo(1);
    }
}
