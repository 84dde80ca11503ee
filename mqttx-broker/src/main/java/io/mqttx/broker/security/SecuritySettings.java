package io.mqttx.broker.security;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link SecurityFactory} builds authentication and authorization from: the {@code mqttx.auth.*},
 * {@code mqttx.acl.*} and {@code mqttx.enable-topic-sub-pub-secure} settings, as plain values. Null means "not set".
 *
 * @param anonymous          {@code mqttx.auth.anonymous}: let clients without a username in. Unset: off
 * @param mandatory          {@code mqttx.auth.is-mandatory}, MQTTX's spelling of the opposite (true = anonymous
 *                           off); setting both to contradicting values is refused
 * @param passwordFile       {@code mqttx.auth.password-file}
 * @param scramFile          {@code mqttx.auth.scram-file}: SCRAM-SHA-256 credentials for MQTT 5 enhanced
 *                           authentication
 * @param url                {@code mqttx.auth.url}: the HTTP authentication hook
 * @param timeout            {@code mqttx.auth.timeout}: the hook's whole-request deadline (5 s)
 * @param cacheTtl           {@code mqttx.auth.cache-ttl}: how long a successful check is remembered (30 s; 0 = never)
 * @param hashThreads        {@code mqttx.auth.hash-threads}: threads checking password hashes (half the cores, at
 *                           least 1)
 * @param hashQueue          {@code mqttx.auth.hash-queue}: checks waiting for a thread before clients are refused
 *                           with SERVER_BUSY (32; one check takes 100-200 ms of one thread)
 * @param topicAuthorization {@code mqttx.enable-topic-sub-pub-secure}: enforce topic rights (off)
 * @param aclFile            {@code mqttx.acl.file}
 */
public record SecuritySettings(Boolean anonymous, Boolean mandatory, Path passwordFile, Path scramFile, String url,
                               Duration timeout, Duration cacheTtl, int hashThreads, int hashQueue,
                               boolean topicAuthorization, Path aclFile) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);
    public static final int DEFAULT_HASH_QUEUE = 32;

    public static int defaultHashThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts from the defaults; unset fields keep them. */
    public static final class Builder {
        private Boolean anonymous;
        private Boolean mandatory;
        private Path passwordFile;
        private Path scramFile;
        private String url;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration cacheTtl = DEFAULT_CACHE_TTL;
        private int hashThreads = defaultHashThreads();
        private int hashQueue = DEFAULT_HASH_QUEUE;
        private boolean topicAuthorization;
        private Path aclFile;

        private Builder() {
        }

        public Builder anonymous(Boolean v) { anonymous = v; return this; }
        public Builder mandatory(Boolean v) { mandatory = v; return this; }
        public Builder passwordFile(Path v) { passwordFile = v; return this; }
        public Builder scramFile(Path v) { scramFile = v; return this; }
        public Builder url(String v) { url = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder cacheTtl(Duration v) { cacheTtl = v; return this; }
        public Builder hashThreads(int v) { hashThreads = v; return this; }
        public Builder hashQueue(int v) { hashQueue = v; return this; }
        public Builder topicAuthorization(boolean v) { topicAuthorization = v; return this; }
        public Builder aclFile(Path v) { aclFile = v; return this; }

        public SecuritySettings build() {
            return new SecuritySettings(anonymous, mandatory, passwordFile, scramFile, url, timeout, cacheTtl, hashThreads,
                    hashQueue, topicAuthorization, aclFile);
        }
    }
}
