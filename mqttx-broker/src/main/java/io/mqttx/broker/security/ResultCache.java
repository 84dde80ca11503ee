package io.mqttx.broker.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers successful authentications for a short time, so that a reconnecting client costs neither another
 * PBKDF2 derivation nor another HTTP call. Refusals and errors are not remembered: a user just added, or an auth
 * service that recovered, takes effect at once. Concurrent requests for the same key share one computation, which
 * also keeps a reconnect storm with the same credentials from filling the hashing queue.
 *
 * <p>Keys are HMAC-SHA256 digests of the credentials under a random key held only by this instance: the cache holds
 * no password, and its keys cannot be checked against guesses without that key.
 */
final class ResultCache {
    private static final String MAC = "HmacSHA256";

    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final SecretKeySpec macKey;
    private final Map<String, Entry> entries;

    private static final class Entry {
        final CompletableFuture<AuthenticationResult> result = new CompletableFuture<>();
        /** Long.MAX_VALUE while the result is pending: later requests join it. */
        volatile long expiresAt = Long.MAX_VALUE;
    }

    ResultCache(Duration ttl, int maxEntries, LongSupplier nanoClock, SecureRandom random) {
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.macKey = new SecretKeySpec(key, MAC);
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    static ResultCache create(Duration ttl) {
        return new ResultCache(ttl, 10_000, System::nanoTime, new SecureRandom());
    }

    boolean enabled() {
        return ttlNanos > 0;
    }

    /** The cache key of these credentials; a null part and an empty one differ, and so do shifted boundaries. */
    String key(String clientId, String username, byte[] password) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(macKey);
            part(mac, clientId == null ? null : clientId.getBytes(StandardCharsets.UTF_8));
            part(mac, username == null ? null : username.getBytes(StandardCharsets.UTF_8));
            part(mac, password);
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " unavailable", e);
        }
    }

    private static void part(Mac mac, byte[] bytes) {
        mac.update(ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
        if (bytes != null) {
            mac.update(bytes);
        }
    }

    /** The remembered or pending result for the key, else what {@code loader} produces (remembered if allowed). */
    CompletionStage<AuthenticationResult> get(String key, Supplier<CompletionStage<AuthenticationResult>> loader) {
        if (!enabled()) {
            return loader.get();
        }
        Entry entry;
        synchronized (entries) {
            Entry existing = entries.get(key);
            if (existing != null && existing.expiresAt - nanoClock.getAsLong() > 0) {
                return existing.result.minimalCompletionStage();
            }
            entry = new Entry();
            entries.put(key, entry);
        }
        CompletionStage<AuthenticationResult> loading;
        try {
            loading = loader.get();
        } catch (RuntimeException e) {
            loading = CompletableFuture.failedFuture(e);
        }
        loading.whenComplete((result, error) -> {
            if (error == null && result != null && result.allowed()) {
                entry.expiresAt = nanoClock.getAsLong() + ttlNanos;
            } else {
                synchronized (entries) {
                    entries.remove(key, entry);
                }
            }
            if (error != null) {
                entry.result.completeExceptionally(error);
            } else {
                entry.result.complete(result);
            }
        });
        return entry.result.minimalCompletionStage();
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
