package io.mqttx.broker.sys;

import static io.mqttx.broker.testkit.Packets.CLEAN;
import static io.mqttx.broker.testkit.Packets.connect5;
import static io.mqttx.broker.testkit.Packets.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.conformance.ConformanceCases;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.ClientIdentity;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.PahoClients.Received;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.ReceiveOnlyAuthorizer;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code $SYS/broker/clients/{clientId}/connected} and {@code /disconnected}. */
class ClientEventsTest {
    private static final String TIMESTAMP = "\"timestamp\":\"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\"";

    private static TestBroker broker(int qos) {
        return TestBroker.start(b -> b.sysTopics(new BrokerConfig.SysTopics(true, Duration.ofHours(1), qos)));
    }

    @Test
    void connectAndDisconnectAreReportedWithTheClientIdAsOneEncodedLevel() throws Exception {
        try (TestBroker broker = broker(0); Client watcher = PahoClients.connect(broker.uri(), "watcher", true)) {
            watcher.paho.subscribe("$SYS/broker/clients/+/+", 0);
            try (RawClient raw = new RawClient(broker.port())) {
                // client id "dev/1+#%" would split the topic or make it a filter
                raw.send(connect5(CLEAN, 60, "", str("dev/1+#%")));
                raw.expect(ConformanceCases.V5_CONNACK_OK);
                Received connected = watcher.next();
                assertThat(connected.topic()).isEqualTo("$SYS/broker/clients/dev%2F1%2B%23%25/connected");
                assertThat(connected.text()).matches("\\{\"clientId\":\"dev/1\\+#%\",\"username\":null,"
                        + "\"ip\":\"127.0.0.1\",\"port\":\\d+,\"protocolVersion\":5," + TIMESTAMP + "}");
                assertThat(connected.message().isRetained()).isFalse();
                raw.send(Packets.DISCONNECT);
                raw.readUntilClosed(Duration.ofSeconds(5));
            }
            Received disconnected = watcher.next();
            assertThat(disconnected.topic()).isEqualTo("$SYS/broker/clients/dev%2F1%2B%23%25/disconnected");
            assertThat(disconnected.text()).contains("\"clientId\":\"dev/1+#%\"")
                    .contains("\"protocolVersion\":5").endsWith(",\"reason\":\"client DISCONNECT 0x0\"}");
        }
    }

    @Test
    void theReasonOfAServerSideCloseIsReported() throws Exception {
        try (TestBroker broker = broker(0); Client watcher = PahoClients.connect(broker.uri(), "watcher", true)) {
            watcher.paho.subscribe("$SYS/broker/clients/bad/disconnected", 0);
            try (RawClient raw = new RawClient(broker.port())) {
                raw.send(connect5("bad"));
                raw.expect(ConformanceCases.V5_CONNACK_OK);
                raw.send("c100"); // PINGREQ with reserved flags: malformed
                raw.readUntilClosed(Duration.ofSeconds(5));
            }
            assertThat(watcher.next().text()).matches(".*\"reason\":\"malformed packet: .*\\(0x81\\)\"}");
        }
    }

    @Test
    void leadingWildcardsDoNotSeeThem_MQTT_4_7_2_1() throws Exception {
        try (TestBroker broker = broker(0);
             Client all = PahoClients.connect(broker.uri(), "all", true);
             Client sys = PahoClients.connect(broker.uri(), "sys", true)) {
            all.paho.subscribe("#", 0);
            all.paho.subscribe("+/broker/clients/+/connected", 0);
            sys.paho.subscribe("$SYS/broker/clients/#", 0);
            PahoClients.connect(broker.uri(), "someone", true).close();
            assertThat(sys.next().topic()).isEqualTo("$SYS/broker/clients/someone/connected");
            assertThat(sys.next().topic()).isEqualTo("$SYS/broker/clients/someone/disconnected");
            assertThat(all.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void nothingIsPublishedWhileSysTopicsAreOff() throws Exception {
        try (TestBroker broker = TestBroker.start();
             Client sys = PahoClients.connect(broker.uri(), "sys", true)) {
            sys.paho.subscribe("$SYS/broker/clients/#", 0);
            PahoClients.connect(broker.uri(), "someone", true).close();
            assertThat(sys.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    /** Lets everyone receive everything except client events, which only {@code ops} may see. */
    static final class OpsOnlyClientEvents extends ReceiveOnlyAuthorizer {
        @Override
        public boolean canReceive(ClientIdentity client, String topic) {
            return !topic.startsWith("$SYS/broker/clients/") || client.clientId().equals("ops");
        }
    }

    @Test
    void theAuthorizerDecidesWhoReceivesThem() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.sysTopics(new BrokerConfig.SysTopics(true,
                Duration.ofHours(1), 0)), new MemoryBrokerStore(), Authenticator.ALLOW_ALL, new OpsOnlyClientEvents());
             Client ops = PahoClients.connect(broker.uri(), "ops", true);
             Client other = PahoClients.connect(broker.uri(), "other", true)) {
            ops.paho.subscribe("$SYS/broker/clients/#", 0);
            other.paho.subscribe("$SYS/broker/clients/#", 0);
            PahoClients.connect(broker.uri(), "someone", true).close();
            assertThat(ops.next().topic()).isEqualTo("$SYS/broker/clients/someone/connected");
            assertThat(other.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void theyAreNeverWrittenToTheStoreOfAPersistentSession() throws Exception {
        MemoryBrokerStore store = new MemoryBrokerStore();
        try (TestBroker broker = TestBroker.start(b -> b.sysTopics(new BrokerConfig.SysTopics(true,
                Duration.ofHours(1), 1)), store, Authenticator.ALLOW_ALL, Authorizer.ALLOW_ALL);
             RawClient raw = new RawClient(broker.port())) {
            // 3.1.1, clean session 0: a persistent session that subscribes at QoS 1 and never acknowledges
            raw.send(Packets.connect("MQTT", 4, 0, 60, str("keeper")));
            raw.expect(Packets.CONNACK_OK);
            raw.send(Packets.subscribe(1, "$SYS/broker/clients/+/connected", 1));
            raw.expect(Packets.suback(1, 1));
            PahoClients.connect(broker.uri(), "someone", true).close();
            byte[] header = raw.read(1, Duration.ofSeconds(5));
            assertThat(header[0]).isEqualTo((byte) 0x32); // the event, QoS 1, in flight
            // a stored delivery is appended before it is sent: had it been stored, it would be there by now
            assertThat(store.queues().load("keeper")).isEmpty();
            assertThat(store.sessions().loadSubscriptions("keeper")).isEmpty();
        }
    }

    @Test
    void topicLevelEncodingIsReversibleAndLeavesOrdinaryIdsAlone() {
        assertThat(SysTopics.topicLevel("sensor-42_A")).isEqualTo("sensor-42_A");
        assertThat(SysTopics.topicLevel("a/b+c#d%e")).isEqualTo("a%2Fb%2Bc%23d%25e");
        assertThat(SysTopics.topicLevel("tab\there\u0085x\uFFFFé")).isEqualTo("tab%09here%C2%85x%EF%BF%BFé");
        assertThat(SysTopics.topicLevel("%25")).isEqualTo("%2525"); // '%' itself is encoded: no ambiguity
    }
}
