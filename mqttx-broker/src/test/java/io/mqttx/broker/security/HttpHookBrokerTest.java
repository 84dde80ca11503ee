package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.security.HookServer.Answer;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.TestBroker;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTTX's HTTP authentication hook behind a real broker: accept, refuse, fail closed, and the topic lists. */
class HttpHookBrokerTest {
    private HookServer hook;
    private Security security;
    private TestBroker broker;

    @BeforeEach
    void startHook() throws Exception {
        hook = new HookServer(body -> body.contains("\"password\":\"good\"") ? new Answer(200, "")
                : new Answer(401, ""));
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        if (security != null) {
            security.close();
        }
        hook.close();
    }

    /** Generous: the first request of a fresh HTTP client on a busy machine is slow. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private void startBroker(String url, boolean topicAuthorization) {
        startBroker(url, topicAuthorization, TIMEOUT);
    }

    private void startBroker(String url, boolean topicAuthorization, Duration timeout) {
        security = SecurityFactory.build(SecuritySettings.builder().url(url).timeout(timeout)
                .cacheTtl(Duration.ZERO).topicAuthorization(topicAuthorization).build());
        broker = TestBroker.start(b -> b, new MemoryBrokerStore(), security.authenticator(), security.authorizer());
    }

    @Test
    void acceptsAndRefusesAsTheHookSays() throws Exception {
        startBroker(hook.uri("/auth").toString(), false);
        assertThat(Clients.v3ConnectCode(broker, "c1", "u", "good")).isZero();
        assertThat(Clients.v3ConnectCode(broker, "c2", "u", "bad")).isEqualTo(0x04);
        assertThat(Clients.v5ConnectCode(broker, "c3", "u", "good")).isZero();
        assertThat(Clients.v5ConnectCode(broker, "c4", "u", "bad")).isEqualTo(0x86);
        assertThat(Clients.v5ConnectCode(broker, "c5", null, null)).as("anonymous, not asked").isEqualTo(0x87);
        assertThat(hook.requests).hasSize(4);
        assertThat(hook.requests.get(0)).isEqualTo("{\"clientId\":\"c1\",\"username\":\"u\",\"password\":\"good\"}");
    }

    @Test
    void aHookThatDoesNotAnswerRefusesClientsAsServerUnavailable() throws Exception {
        startBroker(hook.uri("/stall").toString(), false, Duration.ofMillis(500));
        long t0 = System.nanoTime();
        assertThat(Clients.v3ConnectCode(broker, "c1", "u", "good")).as("server unavailable").isEqualTo(0x03);
        assertThat(Clients.v5ConnectCode(broker, "c2", "u", "good")).isEqualTo(0x88);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(8);
    }

    @Test
    void anUnreachableHookRefusesClientsAsServerUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startBroker("http://127.0.0.1:" + port + "/auth", false);
        assertThat(Clients.v3ConnectCode(broker, "c1", "u", "good")).isEqualTo(0x03);
        assertThat(Clients.v5ConnectCode(broker, "c2", "u", "good")).isEqualTo(0x88);
    }

    @Test
    void theHooksTopicListsAreEnforced() throws Exception {
        hook.answer(body -> body.contains("\"clientId\":\"dev-1\"")
                ? new Answer(200, "{\"authorizedSub\":[\"cmd/dev-1/#\"],\"authorizedPub\":[\"data/dev-1\"]}")
                : new Answer(200, "{\"authorizedSub\":[\"data/#\"],\"authorizedPub\":[\"cmd/#\"]}"));
        startBroker(hook.uri("/auth").toString(), true);
        try (PahoClients.Client backend = Clients.v3(broker, "backend", "svc", "pw");
             Clients.V5 device = Clients.v5(broker, "dev-1", "dev", "pw")) {
            assertThat(Clients.v3Subscribe(backend, "data/#", 1)).isEqualTo(1);
            assertThat(Clients.v3Subscribe(backend, "cmd/#", 1)).as("not in authorizedSub").isEqualTo(0x80);
            assertThat(device.subscribe("cmd/dev-1/#")).isEqualTo(1);
            assertThat(device.subscribe("cmd/#")).as("wider than authorizedSub").isEqualTo(0x87);

            assertThat(device.publishQos1("data/dev-2", "spoofed")).as("not in authorizedPub").isEqualTo(0x87);
            assertThat(device.publishQos1("data/dev-1", "reading")).isZero();
            PahoClients.Received r = backend.next();
            assertThat(r.topic()).as("the spoofed message was not routed").isEqualTo("data/dev-1");

            backend.publish("cmd/dev-2/reboot", "not for dev-1", 1, false);
            backend.publish("cmd/dev-1/reboot", "now", 1, false);
            assertThat(Clients.text(device.next())).isEqualTo("now");
        }
    }
}
