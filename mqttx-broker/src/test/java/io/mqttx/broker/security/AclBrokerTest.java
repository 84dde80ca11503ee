package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Topic authorization in a running broker, with Paho (3.1.1) and HiveMQ (5) clients. Usernames are taken as the
 * clients present them (the authenticator lets everyone in), so that these tests are about the ACL alone.
 *
 * <p>"Not delivered" is shown without waiting for nothing: the refused message is sent first at QoS 1 (its PUBACK
 * means it was routed if it ever would be), then an allowed one; the subscriber's next message must be the allowed
 * one, since deliveries to one subscriber are queued in order.
 */
class AclBrokerTest {
    private static final String ACL = """
            user alice
            topic readwrite a/#
            topic deny a/secret/#
            topic read will/#
            topic write will/ok
            user bob
            topic readwrite b/#
            user reader
            topic read #
            user sys
            topic write $SYS/#
            topic write a/#
            topic write will/#
            pattern readwrite users/%u/#
            """;

    private TestBroker broker;

    private TestBroker start(String acl) {
        AclRules rules = AclRules.parse(TextFiles.lines(acl), "acl");
        broker = TestBroker.start(b -> b, new MemoryBrokerStore(), Authenticator.ALLOW_ALL,
                new AclAuthorizer(rules, true));
        return broker;
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private Client v3(String clientId, String username) throws Exception {
        return Clients.v3(broker, clientId, username, "x");
    }

    @Test
    void aSubscribeToADeniedFilterIsRefused() throws Exception {
        start(ACL);
        try (Client bob = v3("bob-3", "bob"); Clients.V5 bob5 = Clients.v5(broker, "bob-5", "bob", "x")) {
            assertThat(Clients.v3Subscribe(bob, "b/#", 1)).isEqualTo(1);
            assertThat(Clients.v3Subscribe(bob, "a/#", 1)).isEqualTo(0x80);
            assertThat(Clients.v3Subscribe(bob, "#", 1)).isEqualTo(0x80);
            assertThat(bob5.subscribe("b/x")).isEqualTo(1);
            assertThat(bob5.subscribe("a/#")).isEqualTo(0x87);
        }
    }

    @Test
    void aDeniedPublishIsAcknowledgedButNotDelivered() throws Exception {
        start(ACL);
        try (Client reader = v3("reader", "reader"); Client bob = v3("bob-3", "bob");
             Clients.V5 bob5 = Clients.v5(broker, "bob-5", "bob", "x")) {
            assertThat(Clients.v3Subscribe(reader, "#", 1)).isEqualTo(1);

            bob.publish("a/x", "denied", 1, false); // 3.1.1: a positive PUBACK, the message dropped
            bob.publish("b/ok", "allowed", 1, false);
            assertThat(reader.next().topic()).isEqualTo("b/ok");

            assertThat(bob5.publishQos1("a/x", "denied")).as("MQTT 5 PUBACK not authorized").isEqualTo(0x87);
            assertThat(bob5.publishQos1("b/ok2", "allowed")).isZero();
            assertThat(reader.next().topic()).isEqualTo("b/ok2");
        }
    }

    @Test
    void sharedSubscriptionsAreAuthorizedAgainstTheirTopicFilter() throws Exception {
        start(ACL);
        try (Client bob = v3("bob-3", "bob"); Clients.V5 bob5 = Clients.v5(broker, "bob-5", "bob", "x");
             Client pub = v3("bob-pub", "bob")) {
            assertThat(Clients.v3Subscribe(bob, "$share/g/b/#", 1)).isEqualTo(1);
            assertThat(Clients.v3Subscribe(bob, "$share/g/a/#", 1)).isEqualTo(0x80);
            assertThat(Clients.v3Subscribe(bob, "$share/b/a/#", 1)).as("the group name grants nothing")
                    .isEqualTo(0x80);
            assertThat(bob5.subscribe("$share/g/a/#")).isEqualTo(0x87);
            pub.publish("b/1", "to the group", 1, false);
            assertThat(bob.next().text()).isEqualTo("to the group");
        }
    }

    @Test
    void wildcardsNeverReachSysWithoutAnExplicitGrant() throws Exception {
        start(ACL);
        try (Client sys = v3("sys", "sys")) {
            sys.publish("$SYS/broker/version", "retained", 1, true);
            List<Client> readers = new ArrayList<>();
            try {
                for (String filter : List.of("#", "+/#", "$share/g/#")) {
                    Client r = v3("reader-" + readers.size(), "reader");
                    readers.add(r);
                    assertThat(Clients.v3Subscribe(r, filter, 1)).as(filter).isEqualTo(1);
                }
                Client explicit = v3("reader-sys", "reader");
                readers.add(explicit);
                assertThat(Clients.v3Subscribe(explicit, "$SYS/#", 1)).isEqualTo(0x80);
                try (Clients.V5 reader5 = Clients.v5(broker, "reader-5", "reader", "x")) {
                    assertThat(reader5.subscribe("$SYS/broker/+")).isEqualTo(0x87);
                    assertThat(reader5.subscribe("$share/g/$SYS/#")).isEqualTo(0x87);
                }

                sys.publish("$SYS/broker/uptime", "live", 1, false);
                sys.publish("a/ctl", "control", 1, false);
                for (Client r : readers.subList(0, 3)) {
                    assertThat(r.next().topic()).as("neither the retained nor the live $SYS message")
                            .isEqualTo("a/ctl");
                }
            } finally {
                for (Client r : readers) {
                    r.close();
                }
            }
        }
    }

    @Test
    void aWillToADeniedTopicIsNotPublished() throws Exception {
        start(ACL);
        try (Client watcher = v3("watcher", "alice"); Client sys = v3("sys", "sys")) {
            assertThat(Clients.v3Subscribe(watcher, "will/#", 1)).isEqualTo(1);
            int sessions = broker.broker().sessionCount();

            try (RawClient willer = new RawClient(broker.port())) {
                willer.send(Packets.connect311("willer", true, "alice", "will/denied", "last words"));
                assertThat(willer.readHex(4)).isEqualTo("20 02 00 00");
            } // closed without DISCONNECT: the will is due
            // the session is discarded on its owner thread after the will was routed (or dropped)
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().sessionCount() == sessions);
            sys.publish("will/denied", "control", 1, false);
            PahoClients.Received first = watcher.next();
            assertThat(first.text()).as("the will to a topic alice may not write was dropped").isEqualTo("control");

            try (RawClient willer = new RawClient(broker.port())) {
                willer.send(Packets.connect311("willer", true, "alice", "will/ok", "allowed will"));
                assertThat(willer.readHex(4)).isEqualTo("20 02 00 00");
            }
            assertThat(watcher.next().text()).as("a will alice may write is published").isEqualTo("allowed will");
        }
    }

    @ParameterizedTest(name = "username ''{0}'' gains nothing (CVE-2017-7650)")
    @ValueSource(strings = {"+", "#", "a/b", "+/+"})
    void patternInjectionGainsNothing(String username) throws Exception {
        start(ACL);
        try (Client alice = v3("alice", "alice"); Client attacker = v3("attacker", username)) {
            assertThat(Clients.v3Subscribe(alice, "users/alice/#", 1)).isEqualTo(1);
            assertThat(Clients.v3Subscribe(attacker, "users/alice/#", 1)).isEqualTo(0x80);
            assertThat(Clients.v3Subscribe(attacker, "users/+/#", 1)).isEqualTo(0x80);
            assertThat(Clients.v3Subscribe(attacker, "users/#", 1)).isEqualTo(0x80);
            assertThat(Clients.v3Subscribe(attacker, "#", 1)).isEqualTo(0x80);
            attacker.publish("users/alice/inbox", "forged", 1, false);
            alice.publish("users/alice/inbox", "own", 1, false);
            assertThat(alice.next().text()).isEqualTo("own");
        }
    }

    @Test
    void anEmptyAclDeniesEverything() throws Exception {
        start("# no rules\n");
        try (Client c = v3("c3", "anyone"); Clients.V5 c5 = Clients.v5(broker, "c5", "anyone", "x")) {
            assertThat(Clients.v3Subscribe(c, "#", 1)).isEqualTo(0x80);
            assertThat(Clients.v3Subscribe(c, "a", 0)).isEqualTo(0x80);
            assertThat(c5.subscribe("a")).isEqualTo(0x87);
            assertThat(c5.publishQos1("a", "x")).isEqualTo(0x87);
        }
    }

    @Test
    void theDeliveryCheckFiltersWhatABroadSubscriptionMatches() throws Exception {
        start(ACL);
        try (Client sys = v3("sys", "sys"); Client alice = v3("alice", "alice")) {
            sys.publish("a/secret/retained", "no", 1, true);
            sys.publish("a/open/retained", "yes", 1, true);
            assertThat(Clients.v3Subscribe(alice, "a/#", 1))
                    .as("a/# is granted although it overlaps the denied a/secret/#").isEqualTo(1);
            assertThat(Clients.v3Subscribe(alice, "a/secret/#", 1)).as("wholly denied").isEqualTo(0x80);
            sys.publish("a/secret/live", "no", 1, false);
            sys.publish("a/open/live", "yes", 1, false);

            List<String> topics = new ArrayList<>();
            while (!topics.contains("a/open/live")) {
                topics.add(alice.next().topic());
            }
            assertThat(topics).containsExactly("a/open/retained", "a/open/live");
        }
    }
}
