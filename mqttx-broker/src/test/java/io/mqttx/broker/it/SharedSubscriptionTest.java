package io.mqttx.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.BrokerConfig.ShareStrategy;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

/** Shared subscriptions $share/{group}/{filter} (MQTT 5 section 4.8.2), for 3.1.1 clients too. */
class SharedSubscriptionTest {

    private static TestBroker broker(ShareStrategy strategy) {
        return TestBroker.start(b -> b.sharedSubscriptions(new BrokerConfig.SharedSubscriptions(true, strategy)));
    }

    private static Map<String, List<String>> receiveAll(List<Client> members, int expected) throws Exception {
        Map<String, List<String>> got = new HashMap<>();
        int total = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (total < expected && System.nanoTime() < deadline) {
            for (Client m : members) {
                PahoClients.Received r = m.received.poll(10, TimeUnit.MILLISECONDS);
                if (r != null) {
                    got.computeIfAbsent(m.paho.getClientId(), k -> new ArrayList<>()).add(r.text());
                    total++;
                }
            }
        }
        return got;
    }

    @Test
    void roundRobinSpreadsEvenly() throws Exception {
        try (TestBroker broker = broker(ShareStrategy.ROUND);
             Client a = PahoClients.connect(broker.uri(), "a", true);
             Client b = PahoClients.connect(broker.uri(), "b", true);
             Client c = PahoClients.connect(broker.uri(), "c", true);
             Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            for (Client m : List.of(a, b, c)) {
                m.paho.subscribe("$share/g/work/+", 1);
            }
            for (int i = 0; i < 30; i++) {
                pub.publish("work/" + i, "" + i, 1, false);
            }
            Map<String, List<String>> got = receiveAll(List.of(a, b, c), 30);
            assertThat(got.values()).allSatisfy(list -> assertThat(list).hasSize(10));
            assertThat(got.values().stream().flatMap(List::stream).distinct().count()).isEqualTo(30);
        }
    }

    @Test
    void randomReachesEveryMemberWithoutLossOrDuplicates() throws Exception {
        try (TestBroker broker = broker(ShareStrategy.RANDOM);
             Client a = PahoClients.connect(broker.uri(), "a", true);
             Client b = PahoClients.connect(broker.uri(), "b", true);
             Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            a.paho.subscribe("$share/g/r", 1);
            b.paho.subscribe("$share/g/r", 1);
            for (int i = 0; i < 200; i++) {
                pub.publish("r", "" + i, 1, false);
            }
            Map<String, List<String>> got = receiveAll(List.of(a, b), 200);
            assertThat(got).containsOnlyKeys("a", "b"); // with 200 messages both are chosen (p of not: 2^-199)
            Set<String> all = new HashSet<>();
            got.values().forEach(all::addAll);
            assertThat(all).hasSize(200);
            assertThat(got.get("a").size() + got.get("b").size()).isEqualTo(200);
        }
    }

    @Test
    void hashKeepsOnePublisherAtOneMember() throws Exception {
        try (TestBroker broker = broker(ShareStrategy.HASH);
             Client a = PahoClients.connect(broker.uri(), "a", true);
             Client b = PahoClients.connect(broker.uri(), "b", true);
             Client pub = PahoClients.connect(broker.uri(), "the-publisher", true)) {
            a.paho.subscribe("$share/g/h", 1);
            b.paho.subscribe("$share/g/h", 1);
            for (int i = 0; i < 20; i++) {
                pub.publish("h", "" + i, 1, false);
            }
            Map<String, List<String>> got = receiveAll(List.of(a, b), 20);
            assertThat(got).hasSize(1);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add("" + i);
            }
            assertThat(got.values().iterator().next()).isEqualTo(expected); // and in order
        }
    }

    @Test
    void sharedAndOrdinarySubscriptionsOfOneClientEachGetACopy() throws Exception {
        try (TestBroker broker = broker(ShareStrategy.ROUND);
             Client a = PahoClients.connect(broker.uri(), "a", true);
             Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            a.paho.subscribe(new String[]{"$share/g/both", "both"}, new int[]{1, 1});
            pub.publish("both", "x", 1, false);
            a.next();
            a.next();
            assertThat(a.received.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void unacknowledgedMessagesOfALeavingMemberGoToAnotherMember() throws Exception {
        try (TestBroker broker = broker(ShareStrategy.ROUND);
             Client steady = PahoClients.connect(broker.uri(), "steady", true);
             Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            steady.paho.subscribe("$share/g/job", 1);
            int n = 20;
            try (RawClient flaky = new RawClient(broker.port())) {
                flaky.send("10 11 00 04 4d 51 54 54 04 02 00 3c 00 05 66 6c 61 6b 79"); // "flaky", clean
                assertThat(flaky.readHex(4)).isEqualTo("20 02 00 00");
                // SUBSCRIBE $share/g/job QoS 1
                flaky.send("82 11 00 01 00 0c 24 73 68 61 72 65 2f 67 2f 6a 6f 62 01");
                assertThat(flaky.readHex(5)).isEqualTo("90 03 00 01 01");
                for (int i = 0; i < n; i++) {
                    pub.publish("job", "" + i, 1, false);
                }
                // flaky receives its share but never acknowledges, then drops off
                flaky.read(1, Duration.ofSeconds(5));
            }
            Set<String> got = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.size() < n && System.nanoTime() < deadline) {
                PahoClients.Received r = steady.received.poll(100, TimeUnit.MILLISECONDS);
                if (r != null) {
                    assertThat(got.add(r.text())).as("duplicate " + r.text()).isTrue();
                }
            }
            assertThat(got).hasSize(n); // nothing lost: what flaky held came to steady
        }
    }

    @Test
    void aGroupWithNoOnlineMemberQueuesForItsPersistentMembers() throws Exception {
        try (TestBroker broker = broker(ShareStrategy.ROUND)) {
            MqttConnectOptions persistent = new MqttConnectOptions();
            persistent.setCleanSession(false);
            Client member = PahoClients.connect(broker.uri(), "sleeper", persistent);
            member.paho.subscribe("$share/g/q", 1);
            member.close();
            try (Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
                for (int i = 0; i < 3; i++) {
                    pub.publish("q", "" + i, 1, false);
                }
            }
            try (Client back = PahoClients.connect(broker.uri(), "sleeper", persistent)) {
                assertThat(List.of(back.next().text(), back.next().text(), back.next().text()))
                        .containsExactly("0", "1", "2");
            }
        }
    }

    @Test
    void invalidShareNamesAndDisabledSharingAreRefusedInTheSuback() throws Exception {
        try (TestBroker broker = broker(ShareStrategy.ROUND);
             Client c = PahoClients.connect(broker.uri(), "c", true)) {
            int[] granted = c.paho.subscribeWithResponse(new String[]{"$share/g", "$share//x",
                    "$share/ok/x"}, new int[]{1, 1, 1}).getGrantedQos();
            assertThat(granted).containsExactly(0x80, 0x80, 1);
            try (RawClient raw = new RawClient(broker.port())) { // Paho itself refuses to send "g+"
                raw.send("10 0e 00 04 4d 51 54 54 04 02 00 3c 00 02 72 77");
                assertThat(raw.readHex(4)).isEqualTo("20 02 00 00");
                // SUBSCRIBE "$share/g+/x" QoS 1 -> SUBACK 0x80 [MQTT-4.8.2-2]
                raw.send("82 10 00 02 00 0b 24 73 68 61 72 65 2f 67 2b 2f 78 01");
                assertThat(raw.readHex(5)).isEqualTo("90 03 00 02 80");
            }
        }
        try (TestBroker broker = TestBroker.start(b -> b.sharedSubscriptions(
                new BrokerConfig.SharedSubscriptions(false, ShareStrategy.ROUND)));
             Client c = PahoClients.connect(broker.uri(), "c", true)) {
            assertThat(c.paho.subscribeWithResponse(new String[]{"$share/g/x"}, new int[]{1}).getGrantedQos())
                    .containsExactly(0x80);
        }
    }
}
