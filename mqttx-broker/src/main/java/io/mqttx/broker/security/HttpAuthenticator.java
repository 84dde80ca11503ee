package io.mqttx.broker.security;

import io.mqttx.broker.limits.TokenBucket;
import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.routing.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTTX's HTTP authentication hook: POSTs {@code {"clientId":..,"username":..,"password":..}} (JSON, the password as
 * UTF-8 text) to a URL. Status 200 lets the client in; its body may be a JSON object whose {@code authorizedPub} and
 * {@code authorizedSub} arrays of topic filters become the client's publish and subscribe grants. Any other 2xx, 3xx
 * or 4xx refuses with BAD_USER_NAME_OR_PASSWORD (3.1.1: 0x04); redirects are not followed, so credentials go nowhere
 * but the configured URL.
 *
 * <p>Fails closed: a timeout, a connection error, a 5xx, or a 200 whose body is not usable JSON (or larger than
 * {@value #MAX_BODY_BYTES} bytes) refuses with SERVER_UNAVAILABLE (0x03), which tells clients to retry later. At most
 * {@code maxInFlight} requests are outstanding; beyond that clients get SERVER_BUSY rather than an unbounded queue of
 * requests to a service that is already slow. Successful answers are cached ({@link ResultCache}) per client id,
 * username and password.
 */
public final class HttpAuthenticator implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(HttpAuthenticator.class);
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    private static final int MAX_FILTER_LEVELS = 1024;

    private final URI url;
    /** The URL as logged: without its query, which may hold an access token. */
    private final String shownUrl;
    private final Duration timeout;
    private final HttpClient client;
    private final ResultCache cache;
    private final Semaphore inFlight;
    private final TokenBucket failureLog = TokenBucket.oncePer(10, TimeUnit.SECONDS);

    public HttpAuthenticator(URI url, Duration timeout, Duration cacheTtl) {
        this(url, timeout, HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build(), ResultCache.create(cacheTtl), DEFAULT_MAX_IN_FLIGHT);
    }

    HttpAuthenticator(URI url, Duration timeout, HttpClient client, ResultCache cache, int maxInFlight) {
        this.url = url;
        this.shownUrl = shown(url);
        this.timeout = timeout;
        this.client = client;
        this.cache = cache;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** scheme://host[:port]/path, leaving out user info, query and fragment. */
    static String shown(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(Credentials credentials) {
        String password = null;
        if (credentials.password() != null) {
            password = utf8(credentials.password());
            if (password == null) {
                // MQTTX sends the password as text: a binary one could only be mangled on the way
                return CompletableFuture.completedFuture(
                        AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD));
            }
        }
        String body = AuthJson.request(credentials.clientId(), credentials.username(), password);
        String key = cache.key(credentials.clientId(), credentials.username(), credentials.password());
        return cache.get(key, () -> call(credentials.clientId(), body));
    }

    private CompletionStage<AuthenticationResult> call(String clientId, String body) {
        if (!inFlight.tryAcquire()) {
            warn("authentication hook {}: too many requests outstanding, refusing with SERVER_BUSY", shownUrl);
            return CompletableFuture.completedFuture(AuthenticationResult.refused(ReasonCode.SERVER_BUSY));
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = client.sendAsync(request, HttpAuthenticator::bodyOf200);
        } catch (RuntimeException e) {
            inFlight.release();
            return CompletableFuture.completedFuture(unavailable(clientId, e));
        }
        // HttpRequest.timeout ends at the response headers; this bounds the whole exchange, body included
        CompletableFuture<HttpResponse<byte[]>> bounded = new CompletableFuture<>();
        sent.whenComplete((r, e) -> {
            if (e != null) {
                bounded.completeExceptionally(e);
            } else {
                bounded.complete(r);
            }
        });
        bounded.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return bounded.handle((response, error) -> {
            inFlight.release();
            if (error != null) {
                sent.cancel(true);
                return unavailable(clientId, error);
            }
            return interpret(clientId, response);
        });
    }

    private AuthenticationResult interpret(String clientId, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 200) {
            try {
                return accepted(response.body());
            } catch (IllegalArgumentException e) {
                warn("authentication hook {} accepted client {} with an unusable body ({}); refusing",
                        shownUrl, clientId, e.getMessage());
                return AuthenticationResult.refused(ReasonCode.SERVER_UNAVAILABLE);
            }
        }
        if (status >= 500) {
            warn("authentication hook {} answered {}; refusing clients until it recovers", shownUrl, status);
            return AuthenticationResult.refused(ReasonCode.SERVER_UNAVAILABLE);
        }
        log.debug("authentication hook {} answered {} for client {}", shownUrl, status, clientId);
        return AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    /** The body of a 200, at most {@value #MAX_BODY_BYTES} bytes; other answers are decided by status alone. */
    private static HttpResponse.BodySubscriber<byte[]> bodyOf200(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return HttpResponse.BodySubscribers.replacing(new byte[0]);
        }
        return new LimitedBody(MAX_BODY_BYTES);
    }

    /** Lets the client in, with the topic lists of the body if it is a JSON object that has them. */
    static AuthenticationResult accepted(byte[] body) {
        String text = utf8(body);
        if (text == null) {
            throw new IllegalArgumentException("body is not UTF-8");
        }
        if (text.isBlank()) {
            return AuthenticationResult.ALLOWED;
        }
        Object json = AuthJson.parse(text);
        if (!(json instanceof Map<?, ?> object)) {
            return AuthenticationResult.ALLOWED;
        }
        return new AuthenticationResult(ReasonCode.SUCCESS, filters(object, "authorizedPub"),
                filters(object, "authorizedSub"));
    }

    private static List<String> filters(Map<?, ?> object, String name) {
        Object value = object.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(name + " is not an array");
        }
        List<String> filters = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String filter)) {
                throw new IllegalArgumentException(name + " holds a non-string");
            }
            String why = Topics.checkTopicFilter(filter, MAX_FILTER_LEVELS);
            if (why != null) {
                throw new IllegalArgumentException(name + " holds '" + filter + "': " + why);
            }
            filters.add(filter);
        }
        return List.copyOf(filters);
    }

    private AuthenticationResult unavailable(String clientId, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        warn("authentication hook {} failed for client {} ({}); refusing with SERVER_UNAVAILABLE", shownUrl, clientId,
                cause.toString());
        return AuthenticationResult.refused(ReasonCode.SERVER_UNAVAILABLE);
    }

    private void warn(String format, Object... args) {
        if (failureLog.tryTake()) {
            log.warn(format, args);
        } else {
            log.debug(format, args);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Collects a body up to a limit, and fails (cancelling the download) beyond it. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (buffer.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new IOException("response body larger than " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buffer.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
