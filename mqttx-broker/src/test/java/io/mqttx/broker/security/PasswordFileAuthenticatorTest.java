package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PasswordFileAuthenticatorTest {
    private static final int COST = 1000;
    private static final PasswordFile FILE = PasswordFile.parse(List.of(
            "alice:" + PasswordHash.of("alice-pw".toCharArray(), new byte[16], COST).format(),
            "bob:" + PasswordHash.of("bob-pw".toCharArray(), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                    15, 16}, COST).format()), "test", COST);

    /** Runs nothing until told to, and counts what it was given: shows what is deferred, and how often. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Executor manual = tasks::add;
    private final AtomicLong now = new AtomicLong();
    private final ResultCache cache = new ResultCache(Duration.ofSeconds(30), 100, now::get, new SecureRandom());
    private final PasswordFileAuthenticator auth = new PasswordFileAuthenticator(FILE, manual, cache);
    private ThreadPoolExecutor pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private static Credentials credentials(String username, String password) {
        return new Credentials("client", username,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), ProtocolVersion.MQTT_5, null,
                null);
    }

    private ReasonCode check(String username, String password) {
        var stage = auth.authenticate(credentials(username, password)).toCompletableFuture();
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        return stage.join().reasonCode();
    }

    @Test
    void acceptsTheRightPasswordOnly() {
        assertThat(check("alice", "alice-pw")).isEqualTo(ReasonCode.SUCCESS);
        assertThat(check("alice", "bob-pw")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(check("carol", "alice-pw")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(check("alice", null)).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(check("alice", "")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(check(null, "alice-pw")).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void aPasswordThatIsNotUtf8NeverMatches() {
        Credentials c = new Credentials("client", "alice", new byte[] {(byte) 0xC3, 0x28}, ProtocolVersion.MQTT_5,
                null, null);
        var stage = auth.authenticate(c).toCompletableFuture();
        tasks.forEach(Runnable::run);
        assertThat(stage.join().reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void theHashRunsOnTheHashingExecutorNotTheCaller() {
        var stage = auth.authenticate(credentials("alice", "alice-pw")).toCompletableFuture();
        assertThat(stage).as("nothing derived on the calling (event loop) thread").isNotDone();
        assertThat(tasks).hasSize(1);
        tasks.poll().run();
        assertThat(stage.join().allowed()).isTrue();
    }

    @Test
    void anUnknownUserCostsAHashToo() {
        auth.authenticate(credentials("nobody", "pw"));
        assertThat(tasks).as("answered after a derivation, not at once").hasSize(1);
    }

    @Test
    void remembersSuccessesButNotFailures() {
        check("alice", "alice-pw");
        auth.authenticate(credentials("alice", "alice-pw"));
        assertThat(tasks).as("cached: no second derivation").isEmpty();
        check("alice", "wrong");
        auth.authenticate(credentials("alice", "wrong"));
        assertThat(tasks).as("a failure is derived again").hasSize(1);
        tasks.clear();
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        auth.authenticate(credentials("alice", "alice-pw"));
        assertThat(tasks).as("expired").hasSize(1);
    }

    @Test
    void aSaturatedExecutorRefusesWithServerBusy() {
        Executor full = r -> {
            throw new RejectedExecutionException("full");
        };
        var busy = new PasswordFileAuthenticator(FILE, full, cache);
        assertThat(busy.authenticate(credentials("alice", "alice-pw")).toCompletableFuture().join().reasonCode())
                .isEqualTo(ReasonCode.SERVER_BUSY);
        assertThat(cache.size()).as("not remembered").isZero();
    }

    @Test
    void theHashingPoolIsBounded() throws Exception {
        pool = PasswordFileAuthenticator.newHashExecutor(1, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.await();
        pool.execute(() -> { });
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        release.countDown();
        assertThat(pool.getThreadFactory().newThread(() -> { }).isDaemon()).isTrue();
    }

    @Test
    void theRealPoolAnswers() {
        try (var real = new PasswordFileAuthenticator(FILE, 1, 4, Duration.ZERO)) {
            assertThat(real.authenticate(credentials("bob", "bob-pw")).toCompletableFuture().join().allowed())
                    .isTrue();
            assertThat(real.users()).isEqualTo(2);
        }
    }
}
