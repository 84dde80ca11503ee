package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker secured by a password file, as {@link SecurityFactory} builds it, seen by real clients. */
class PasswordAuthenticationBrokerTest {
    @TempDir
    Path dir;
    private Security security;
    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, PasswordFixtures.ALICE + "\n" + PasswordFixtures.BOB + "\n");
        security = SecurityFactory.build(SecuritySettings.builder().passwordFile(passwd).build());
        broker = TestBroker.start(b -> b, new MemoryBrokerStore(), security.authenticator(), security.authorizer());
    }

    @AfterEach
    void stop() {
        broker.close();
        security.close();
    }

    @Test
    void mqtt311() throws Exception {
        assertThat(Clients.v3ConnectCode(broker, "c1", "alice", "wrong"))
                .as("bad user name or password").isEqualTo(0x04);
        assertThat(Clients.v3ConnectCode(broker, "c2", "nobody", PasswordFixtures.ALICE_PASSWORD)).isEqualTo(0x04);
        assertThat(Clients.v3ConnectCode(broker, "c3", null, null)).as("anonymous: not authorized").isEqualTo(0x05);
        try (PahoClients.Client alice = Clients.v3(broker, "c4", "alice", PasswordFixtures.ALICE_PASSWORD)) {
            assertThat(alice.paho.isConnected()).isTrue();
            alice.paho.subscribe("t", 1);
            alice.publish("t", "hello", 1, false);
            assertThat(alice.next().text()).isEqualTo("hello");
        }
    }

    @Test
    void mqtt5() throws Exception {
        assertThat(Clients.v5ConnectCode(broker, "c1", "bob", "wrong")).isEqualTo(0x86);
        assertThat(Clients.v5ConnectCode(broker, "c2", null, null)).isEqualTo(0x87);
        assertThat(Clients.v5ConnectCode(broker, "c3", null, PasswordFixtures.BOB_PASSWORD))
                .as("a password without a username is still anonymous").isEqualTo(0x87);
        assertThat(Clients.v5ConnectCode(broker, "c4", "bob", PasswordFixtures.BOB_PASSWORD)).isZero();
    }

    @Test
    void refusedClientsAreCounted() {
        Clients.v3ConnectCode(broker, "c1", null, null);
        assertThat(broker.broker().metrics().connectionsRefused()).isEqualTo(1);
        assertThat(broker.broker().sessionCount()).as("no session for a refused client").isZero();
    }
}
