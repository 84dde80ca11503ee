package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.protocol.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResultCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final ResultCache cache = new ResultCache(Duration.ofSeconds(60), 3, now::get, new SecureRandom());
    private final AtomicInteger loads = new AtomicInteger();

    private CompletableFuture<AuthenticationResult> load(AuthenticationResult result) {
        loads.incrementAndGet();
        return CompletableFuture.completedFuture(result);
    }

    private AuthenticationResult get(String key, AuthenticationResult result) {
        return cache.get(key, () -> load(result)).toCompletableFuture().join();
    }

    @Test
    void remembersSuccessesUntilTheTtlEnds() {
        assertThat(get("k", AuthenticationResult.ALLOWED).allowed()).isTrue();
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(get("k", AuthenticationResult.ALLOWED).allowed()).isTrue();
        assertThat(loads).hasValue(1);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        get("k", AuthenticationResult.ALLOWED);
        assertThat(loads).hasValue(2);
    }

    @Test
    void neverRemembersRefusalsOrErrors() {
        AuthenticationResult bad = AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        get("k", bad);
        get("k", bad);
        assertThat(loads).hasValue(2);
        cache.get("e", () -> CompletableFuture.failedFuture(new RuntimeException("down")));
        assertThat(cache.size()).isZero();
        assertThat(get("e", AuthenticationResult.ALLOWED).allowed()).isTrue();
    }

    @Test
    void concurrentRequestsShareOnePendingComputation() {
        CompletableFuture<AuthenticationResult> pending = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        var first = cache.get("k", () -> {
            started.incrementAndGet();
            return pending;
        });
        var second = cache.get("k", () -> {
            started.incrementAndGet();
            return pending;
        });
        assertThat(started).hasValue(1);
        assertThat(second.toCompletableFuture().isDone()).isFalse();
        pending.complete(AuthenticationResult.ALLOWED);
        assertThat(first.toCompletableFuture().join().allowed()).isTrue();
        assertThat(second.toCompletableFuture().join().allowed()).isTrue();
    }

    @Test
    void holdsAtMostItsCapacity() {
        for (int i = 0; i < 10; i++) {
            get("k" + i, AuthenticationResult.ALLOWED);
        }
        assertThat(cache.size()).isEqualTo(3);
    }

    @Test
    void aZeroTtlDisablesIt() {
        ResultCache off = new ResultCache(Duration.ZERO, 3, now::get, new SecureRandom());
        off.get("k", () -> load(AuthenticationResult.ALLOWED));
        off.get("k", () -> load(AuthenticationResult.ALLOWED));
        assertThat(loads).hasValue(2);
        assertThat(off.enabled()).isFalse();
    }

    @Test
    void keysHoldNoPasswordAndSeparateTheirParts() {
        byte[] pw = "hunter2-password".getBytes(StandardCharsets.UTF_8);
        String k = cache.key("c", "u", pw);
        assertThat(k).doesNotContain("hunter2");
        assertThat(cache.key("c", "u", pw)).isEqualTo(k);
        assertThat(cache.key("c", "uh", "unter2-password".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(k);
        assertThat(cache.key(null, "u", pw)).isNotEqualTo(cache.key("", "u", pw));
        ResultCache other = new ResultCache(Duration.ofSeconds(1), 3, now::get, new SecureRandom());
        assertThat(other.key("c", "u", pw)).as("keyed per instance").isNotEqualTo(k);
    }
}
