package io.mqttx.broker.security;

import io.mqttx.broker.limits.TokenBucket;
import io.mqttx.broker.protocol.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks usernames and passwords against a {@link PasswordFile}.
 *
 * <p>A check derives PBKDF2 at 210,000+ iterations: 100-200 ms of CPU, which must never run on a Netty event loop.
 * It runs on a small pool of its own with a bounded queue; when the queue is full the client is refused with
 * SERVER_BUSY (3.1.1: 0x03) at once, rather than queued behind a flood it cannot see the end of. Successful checks
 * are remembered briefly ({@link ResultCache}).
 *
 * <p>An unknown user costs the same derivation as a known one, so response times do not tell which users exist.
 */
public final class PasswordFileAuthenticator implements Authenticator, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PasswordFileAuthenticator.class);

    private final PasswordFile file;
    private final Executor hasher;
    private final ExecutorService ownedHasher;
    private final ResultCache cache;
    private final PasswordHash unknownUser;
    private final TokenBucket busyLog = TokenBucket.oncePer(10, TimeUnit.SECONDS);

    /**
     * @param threads  threads deriving hashes; each check occupies one for 100-200 ms
     * @param queue    checks waiting for a thread; beyond it clients are refused with SERVER_BUSY
     * @param cacheTtl how long a successful check is remembered; zero disables the cache
     */
    public PasswordFileAuthenticator(PasswordFile file, int threads, int queue, Duration cacheTtl) {
        this(file, newHashExecutor(threads, queue), ResultCache.create(cacheTtl), true);
    }

    PasswordFileAuthenticator(PasswordFile file, Executor hasher, ResultCache cache) {
        this(file, hasher, cache, false);
    }

    private PasswordFileAuthenticator(PasswordFile file, Executor hasher, ResultCache cache, boolean owned) {
        this.file = file;
        this.hasher = hasher;
        this.ownedHasher = owned ? (ExecutorService) hasher : null;
        this.cache = cache;
        byte[] salt = new byte[PasswordHash.SALT_BYTES];
        byte[] hash = new byte[PasswordHash.HASH_BYTES];
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        random.nextBytes(hash);
        this.unknownUser = new PasswordHash(file.typicalIterations(), salt, hash);
    }

    static ThreadPoolExecutor newHashExecutor(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "mqttx-password-check-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(Credentials credentials) {
        String username = credentials.username();
        if (username == null) {
            return CompletableFuture.completedFuture(AuthenticationResult.refused(ReasonCode.NOT_AUTHORIZED));
        }
        byte[] password = credentials.password();
        if (password == null || password.length == 0) {
            return CompletableFuture.completedFuture(AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD));
        }
        return cache.get(cache.key(null, username, password), () -> check(username, password));
    }

    private CompletionStage<AuthenticationResult> check(String username, byte[] password) {
        CompletableFuture<AuthenticationResult> result = new CompletableFuture<>();
        try {
            hasher.execute(() -> {
                try {
                    result.complete(verify(username, password));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            if (busyLog.tryTake()) {
                log.warn("password checks saturated (every thread busy, queue full): refusing connections with"
                        + " SERVER_BUSY; consider mqttx.auth.hash-threads / mqttx.auth.hash-queue");
            }
            result.complete(AuthenticationResult.refused(ReasonCode.SERVER_BUSY));
        }
        return result;
    }

    private AuthenticationResult verify(String username, byte[] password) {
        char[] chars = utf8(password);
        if (chars == null) {
            return AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        try {
            PasswordHash stored = file.lookup(username).orElse(null);
            if (stored == null) {
                unknownUser.matches(chars); // spend the same time as for a known user
                return AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
            }
            return stored.matches(chars) ? AuthenticationResult.ALLOWED
                    : AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** The password as the passwd tool hashed it (UTF-8 text), or null if it is not valid UTF-8 (never matches). */
    private static char[] utf8(byte[] password) {
        try {
            CharBuffer decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(password));
            char[] chars = new char[decoded.remaining()];
            decoded.get(chars);
            Arrays.fill(decoded.array(), '\0');
            return chars;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    public int users() {
        return file.size();
    }

    @Override
    public void close() {
        if (ownedHasher != null) {
            ownedHasher.shutdownNow();
        }
    }
}
