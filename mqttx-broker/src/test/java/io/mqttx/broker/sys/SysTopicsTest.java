package io.mqttx.broker.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.PahoClients.Received;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The $SYS topics of the configuration contract (DESIGN section 5). */
class SysTopicsTest {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(b -> b.version("9.9.9")
                .sysTopics(new BrokerConfig.SysTopics(true, Duration.ofMillis(200), 0)));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void onSubscribeTopicAnswersOnceWithItsFieldAndTheCommonOnes() throws Exception {
        try (Client c = PahoClients.connect(broker.uri(), "sys1", true)) {
            c.paho.subscribe("$SYS/broker/activeConnectCount", 0);
            Received r = c.next();
            assertThat(r.topic()).isEqualTo("$SYS/broker/activeConnectCount");
            assertThat(r.text()).matches("\\{\"activeConnectCount\":1,\"timestamp\":\"\\d{4}-\\d\\d-\\d\\d "
                    + "\\d\\d:\\d\\d:\\d\\d\",\"version\":\"9.9.9\"}");
            assertThat(c.received.poll(500, TimeUnit.MILLISECONDS)).isNull(); // once, not periodic
        }
    }

    @Test
    void everyOnSubscribeTopicAnswersToAWildcard() throws Exception {
        try (Client c = PahoClients.connect(broker.uri(), "sys2", true)) {
            c.paho.subscribe("$SYS/broker/+", 0);
            java.util.Set<String> topics = new java.util.HashSet<>();
            for (int i = 0; i < 8; i++) {
                topics.add(c.next().topic());
            }
            assertThat(topics).containsExactlyInAnyOrder("$SYS/broker/activeConnectCount", "$SYS/broker/time",
                    "$SYS/broker/version", "$SYS/broker/receivedMsg", "$SYS/broker/sendMsg",
                    "$SYS/broker/uptime", "$SYS/broker/maxActiveConnectCount", "$SYS/broker/status");
        }
    }

    @Test
    void statusIsPublishedPeriodicallyWithEveryField() throws Exception {
        try (Client c = PahoClients.connect(broker.uri(), "sys3", true)) {
            c.paho.subscribe("$SYS/broker/status", 0);
            Received first = c.next();
            Received second = c.next(); // the periodic one, 200 ms later
            assertThat(second.topic()).isEqualTo("$SYS/broker/status");
            for (String field : new String[]{"activeConnectCount", "timestamp", "version", "time", "receivedMsg",
                    "sendMsg", "uptime", "maxActiveConnectCount"}) {
                assertThat(first.text()).contains("\"" + field + "\":");
            }
        }
    }

    @Test
    void leadingWildcardsNeverReachSys_MQTT_4_7_2_1() throws Exception {
        try (Client all = PahoClients.connect(broker.uri(), "all", true);
             Client status = PahoClients.connect(broker.uri(), "status", true)) {
            all.paho.subscribe(new String[]{"#", "+/broker/status"}, new int[]{0, 0});
            status.paho.subscribe("$SYS/broker/status", 0);
            status.next();
            status.next();
            assertThat(all.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void clientsCannotPublishToSys() throws Exception {
        try (Client watcher = PahoClients.connect(broker.uri(), "w", true);
             Client pub = PahoClients.connect(broker.uri(), "p", true)) {
            watcher.paho.subscribe(new String[]{"$SYS/fake", "ok"}, new int[]{1, 1});
            pub.publish("$SYS/fake", "spoof", 1, false);
            pub.publish("ok", "marker", 1, false);
            assertThat(watcher.next().topic()).isEqualTo("ok");
        }
    }

    @Test
    void sysSubscriptionsEndWithTheConnectionEvenInPersistentSessions() throws Exception {
        MqttConnectOptions persistent = new MqttConnectOptions();
        persistent.setCleanSession(false);
        try (Client c = PahoClients.connect(broker.uri(), "durable-sys", persistent)) {
            c.paho.subscribe(new String[]{"$SYS/broker/status", "normal"}, new int[]{0, 1});
            c.next();
        }
        try (Client c = PahoClients.connect(broker.uri(), "durable-sys", persistent);
             Client pub = PahoClients.connect(broker.uri(), "p", true)) {
            pub.publish("normal", "kept", 1, false);
            assertThat(c.next().text()).isEqualTo("kept"); // the ordinary subscription survived
            Received extra = c.received.poll(600, TimeUnit.MILLISECONDS);
            assertThat(extra).isNull(); // no periodic status: the $SYS one did not
        }
    }
}
