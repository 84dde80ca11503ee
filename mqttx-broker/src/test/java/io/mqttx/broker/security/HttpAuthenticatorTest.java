package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.security.HookServer.Answer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpAuthenticatorTest {
    /** Generous: the first request of a fresh HTTP client on a busy machine is slow. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
    private HookServer hook;

    @BeforeEach
    void start() throws Exception {
        hook = new HookServer(body -> new Answer(200, ""));
    }

    @AfterEach
    void stop() {
        hook.close();
    }

    private static HttpAuthenticator authenticator(URI url, Duration cacheTtl) {
        return new HttpAuthenticator(url, TIMEOUT, cacheTtl);
    }

    private static Credentials credentials(String clientId, String username, String password) {
        return new Credentials(clientId, username, password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                ProtocolVersion.MQTT_3_1_1, null, null);
    }

    private static AuthenticationResult join(CompletableFuture<AuthenticationResult> f) {
        return f.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private AuthenticationResult ask(HttpAuthenticator a, String clientId, String username, String password) {
        return join(a.authenticate(credentials(clientId, username, password)).toCompletableFuture());
    }

    @Test
    void postsTheCredentialsAsJsonAndAcceptsOn200() {
        AuthenticationResult r = ask(authenticator(hook.uri("/auth"), Duration.ZERO), "c-1", "alice", "pa\"ss");
        assertThat(r.allowed()).isTrue();
        assertThat(r.authorizedPublish()).isNull();
        assertThat(r.authorizedSubscribe()).isNull();
        assertThat(hook.requests).containsExactly("{\"clientId\":\"c-1\",\"username\":\"alice\",\"password\":\"pa\\\"ss\"}");
        assertThat(hook.contentTypes.get(0)).startsWith("application/json");
    }

    @Test
    void theAnswersListsBecomeTheClientsGrants() {
        hook.answer(body -> new Answer(200,
                "{\"authorizedSub\":[\"down/#\",\"$SYS/broker/+\"],\"authorizedPub\":[\"up/c-1\"],\"other\":{\"x\":1}}"));
        AuthenticationResult r = ask(authenticator(hook.uri("/auth"), Duration.ZERO), "c-1", "alice", "pw");
        assertThat(r.allowed()).isTrue();
        assertThat(r.authorizedSubscribe()).containsExactly("down/#", "$SYS/broker/+");
        assertThat(r.authorizedPublish()).containsExactly("up/c-1");
    }

    @Test
    void anAnswerThatIsNotAnObjectSaysNothingAboutTopics() {
        hook.answer(body -> new Answer(200, "true"));
        AuthenticationResult r = ask(authenticator(hook.uri("/auth"), Duration.ZERO), "c", "u", "p");
        assertThat(r.allowed()).isTrue();
        assertThat(r.authorizedSubscribe()).isNull();
    }

    @ParameterizedTest(name = "status {0} refuses with bad username or password")
    @ValueSource(ints = {201, 204, 302, 400, 401, 403, 404})
    void anyOtherStatusRefuses(int status) {
        hook.answer(body -> new Answer(status, "{}"));
        AuthenticationResult r = ask(authenticator(hook.uri("/auth"), Duration.ZERO), "c", "u", "p");
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(hook.requests).as("a redirect is not followed").hasSize(1);
    }

    @ParameterizedTest(name = "status {0} refuses with server unavailable")
    @ValueSource(ints = {500, 502, 503})
    void serverErrorsFailClosed(int status) {
        hook.answer(body -> new Answer(status, ""));
        AuthenticationResult r = ask(authenticator(hook.uri("/auth"), Duration.ZERO), "c", "u", "p");
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
    }

    @ParameterizedTest(name = "200 with {0} refuses with server unavailable")
    @ValueSource(strings = {
            "{\"authorizedSub\":",
            "ok",
            "{\"authorizedSub\":\"a/#\"}",
            "{\"authorizedSub\":[1]}",
            "{\"authorizedPub\":[\"a/#/b\"]}",
            "{\"authorizedPub\":[\"\"]}",
    })
    void anUnusableAcceptanceFailsClosed(String body) {
        hook.answer(b -> new Answer(200, body));
        AuthenticationResult r = ask(authenticator(hook.uri("/auth"), Duration.ZERO), "c", "u", "p");
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
    }

    @Test
    void anOversizedAnswerFailsClosed() {
        String huge = "{\"authorizedSub\":[" + "\"a\",".repeat(HttpAuthenticator.MAX_BODY_BYTES / 4) + "\"a\"]}";
        hook.answer(b -> new Answer(200, huge));
        AuthenticationResult r = ask(authenticator(hook.uri("/auth"), Duration.ZERO), "c", "u", "p");
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
    }

    @Test
    void aTimeoutFailsClosedWithinTheTimeout() {
        long t0 = System.nanoTime();
        AuthenticationResult r = ask(new HttpAuthenticator(hook.uri("/stall"), SHORT_TIMEOUT, Duration.ZERO), "c", "u",
                "p");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
        assertThat(hook.requests).as("the request was sent and left unanswered").hasSize(1);
        assertThat(millis).isGreaterThanOrEqualTo(SHORT_TIMEOUT.toMillis() - 50).isLessThan(5_000);
    }

    @Test
    void anUnreachableServiceFailsClosed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AuthenticationResult r = ask(authenticator(URI.create("http://127.0.0.1:" + port + "/auth"), Duration.ZERO),
                "c", "u", "p");
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
    }

    @Test
    void tooManyOutstandingRequestsAreRefusedWithServerBusy() {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpAuthenticator a = new HttpAuthenticator(hook.uri("/stall"), Duration.ofSeconds(5), client,
                ResultCache.create(Duration.ZERO), 1);
        CompletableFuture<AuthenticationResult> first = a.authenticate(credentials("c1", "u", "p"))
                .toCompletableFuture();
        AuthenticationResult second = ask(a, "c2", "u", "p");
        assertThat(second.reasonCode()).isEqualTo(ReasonCode.SERVER_BUSY);
        assertThat(first).isNotDone();
    }

    @Test
    void successesAreCachedPerClientUserAndPassword() {
        HttpAuthenticator a = authenticator(hook.uri("/auth"), Duration.ofMinutes(1));
        ask(a, "c", "u", "p");
        ask(a, "c", "u", "p");
        assertThat(hook.requests).hasSize(1);
        ask(a, "c", "u", "other");
        ask(a, "c2", "u", "p");
        assertThat(hook.requests).hasSize(3);
    }

    @Test
    void refusalsAreNotCached() {
        hook.answer(body -> new Answer(401, ""));
        HttpAuthenticator a = authenticator(hook.uri("/auth"), Duration.ofMinutes(1));
        ask(a, "c", "u", "p");
        hook.answer(body -> new Answer(200, ""));
        assertThat(ask(a, "c", "u", "p").allowed()).as("the user was just created").isTrue();
        assertThat(hook.requests).hasSize(2);
    }

    @Test
    void aPasswordThatIsNotUtf8IsRefusedWithoutAsking() {
        HttpAuthenticator a = authenticator(hook.uri("/auth"), Duration.ZERO);
        Credentials c = new Credentials("c", "u", new byte[] {(byte) 0xFF}, ProtocolVersion.MQTT_5, null, null);
        assertThat(join(a.authenticate(c).toCompletableFuture()).reasonCode())
                .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(hook.requests).isEmpty();
    }

    @Test
    void absentCredentialsAreSentAsNull() {
        ask(authenticator(hook.uri("/auth"), Duration.ZERO), "c", null, null);
        assertThat(hook.requests).containsExactly("{\"clientId\":\"c\",\"username\":null,\"password\":null}");
    }

    @Test
    void acceptedBodiesAreParsedStrictly() {
        assertThat(HttpAuthenticator.accepted("  \n".getBytes(StandardCharsets.UTF_8)).allowed()).isTrue();
        assertThat(HttpAuthenticator.accepted("{\"authorizedSub\":null}".getBytes(StandardCharsets.UTF_8))
                .authorizedSubscribe()).isNull();
        assertThat(HttpAuthenticator.accepted("{\"authorizedSub\":[]}".getBytes(StandardCharsets.UTF_8))
                .authorizedSubscribe()).isEqualTo(List.of());
        assertThatThrownBy(() -> HttpAuthenticator.accepted(new byte[] {(byte) 0xC3}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cacheKeysDoNotDependOnTheJsonEncoding() {
        ResultCache cache = new ResultCache(Duration.ofSeconds(1), 10, System::nanoTime, new SecureRandom());
        assertThat(cache.key("c", "u", null)).isNotEqualTo(cache.key("c", "u", new byte[0]));
    }
}
