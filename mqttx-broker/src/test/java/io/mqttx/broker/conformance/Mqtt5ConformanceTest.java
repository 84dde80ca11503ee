package io.mqttx.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MQTT 5 table of {@link ConformanceCases}, each case on a fresh raw socket against one broker with default
 * limits, while an MQTT 5 client stays connected throughout; afterwards that client and a new one are still served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Mqtt5ConformanceTest {
    private TestBroker broker;
    private Mqtt5BlockingClient bystander;
    private Mqtt5BlockingClient.Mqtt5Publishes bystanderInbox;

    @BeforeAll
    void start() {
        // the table compares exact bytes and is meant for any broker: Reason Strings are free text, so they are off
        // here (ReasonStringTest covers them)
        broker = TestBroker.start(b -> b.connectTimeout(Duration.ofSeconds(10)).reasonStrings(false));
        bystander = client("bystander5");
        bystander.connect();
        bystanderInbox = bystander.publishes(MqttGlobalPublishFilter.ALL);
        bystander.subscribeWith().topicFilter("health5/#").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @AfterAll
    void stop() {
        bystanderInbox.close();
        bystander.disconnect();
        broker.close();
    }

    private Mqtt5BlockingClient client(String id) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
                .buildBlocking();
    }

    List<ConformanceCase> cases() {
        return ConformanceCases.mqtt5();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsTheSpecSays(ConformanceCase c) throws Exception {
        CaseRunner.run(c, broker.port());
    }

    @Order(2)
    @Test
    void aHealthyClientIsStillServedAfterTheWholeTable() throws Exception {
        Mqtt5BlockingClient healthy = client("healthy5");
        healthy.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = healthy.publishes(MqttGlobalPublishFilter.ALL)) {
            healthy.subscribeWith().topicFilter("health5/check").qos(MqttQos.AT_LEAST_ONCE).send();
            healthy.publishWith().topic("health5/check").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("still alive".getBytes(StandardCharsets.UTF_8)).send();
            Mqtt5Publish got = inbox.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("still alive");
        } finally {
            healthy.disconnect();
        }
        assertThat(bystander.getState().isConnected()).as("a client connected during all the bad input").isTrue();
        Mqtt5Publish got = bystanderInbox.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertThat(new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("still alive");
    }
}
