package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import org.junit.jupiter.api.Test;

/**
 * The delivery-time read check also covers what a resumed session re-sends: a client id taken over by a user who may
 * not read the topic (or whose right was revoked, CVE-2021-34434) does not get the messages left in flight.
 */
class DeliveryCheckOnResumeTest {

    /** Everyone may publish and subscribe; bob may not receive anything. */
    private static final Authorizer BOB_RECEIVES_NOTHING = new Authorizer() {
        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
            return true;
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String topicFilter) {
            return true;
        }

        @Override
        public boolean canReceive(ClientIdentity client, String topic) {
            return !"bob".equals(client.username());
        }
    };

    @Test
    void inFlightMessagesAreNotResentToAClientThatMayNotReadThem() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b, new MemoryBrokerStore(), Authenticator.ALLOW_ALL,
                BOB_RECEIVES_NOTHING)) {
            try (RawClient alice = new RawClient(broker.port())) {
                alice.send(Packets.connect311("shared-id", false, "alice", null, null));
                assertThat(alice.readHex(4)).isEqualTo("20 02 00 00");
                alice.send(Packets.subscribe(1, "t", 1));
                assertThat(alice.readHex(5)).isEqualTo("90 03 00 01 01");
                try (PahoClients.Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
                    pub.publish("t", "one", 1, false);
                    pub.publish("t", "two", 1, false);
                }
                // two PUBLISH packets (32 08 00 01 74 <id> <3 bytes>), deliberately never acknowledged
                assertThat(alice.readHex(20)).startsWith("32 08 00 01 74");
            }
            try (RawClient bob = new RawClient(broker.port())) {
                bob.send(Packets.connect311("shared-id", false, "bob", null, null));
                assertThat(bob.readHex(4)).as("session present").isEqualTo("20 02 01 00");
                bob.send(Packets.PINGREQ);
                assertThat(bob.readHex(2)).as("PINGRESP, and no PUBLISH before it").isEqualTo("d0 00");
                bob.send(Packets.PINGREQ);
                assertThat(bob.readHex(2)).isEqualTo("d0 00");
            }
        }
    }

    @Test
    void theSessionStaysUsableAfterwards() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b, new MemoryBrokerStore(), Authenticator.ALLOW_ALL,
                BOB_RECEIVES_NOTHING)) {
            try (RawClient alice = new RawClient(broker.port())) {
                alice.send(Packets.connect311("id-2", false, "alice", null, null));
                alice.readHex(4);
                alice.send(Packets.subscribe(1, "t", 1));
                alice.readHex(5);
                try (PahoClients.Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
                    pub.publish("t", "one", 1, false);
                    pub.publish("t", "two", 1, false);
                }
                alice.readHex(20);
            }
            try (RawClient bob = new RawClient(broker.port())) {
                bob.send(Packets.connect311("id-2", false, "bob", null, null));
                bob.readHex(4);
                bob.send(Packets.PINGREQ);
                bob.readHex(2);
            }
            try (RawClient alice = new RawClient(broker.port())) {
                alice.send(Packets.connect311("id-2", false, "alice", null, null));
                assertThat(alice.readHex(4)).isEqualTo("20 02 01 00");
                alice.send(Packets.PINGREQ);
                assertThat(alice.readHex(2))
                        .as("the dropped messages are settled, not kept for the next owner of the id")
                        .isEqualTo("d0 00");
                alice.send(Packets.subscribe(2, "u", 0));
                assertThat(alice.readHex(5)).isEqualTo("90 03 00 02 00");
            }
        }
    }
}
