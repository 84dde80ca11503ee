package io.mqttx.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.List;
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
 * The MQTT 3.1.1 table of {@link ConformanceCases}, each case on a fresh raw socket against one broker, while a
 * well-behaved client stays connected throughout; afterwards that client and a new one are still served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Mqtt311ConformanceTest {
    private TestBroker broker;
    private Client bystander;

    @BeforeAll
    void start() throws Exception {
        // the default 10 s connect timeout is far above CaseRunner.CLOSE_WITHIN: no case passes by being waited out
        broker = TestBroker.start(b -> b.connectTimeout(Duration.ofSeconds(10)));
        bystander = PahoClients.connect(broker.uri(), "bystander", true);
        bystander.paho.subscribe("health/#", 1);
    }

    @AfterAll
    void stop() throws Exception {
        bystander.close();
        broker.close();
    }

    List<ConformanceCase> cases() {
        return ConformanceCases.mqtt311();
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
        try (Client healthy = PahoClients.connect(broker.uri(), "healthy", true)) {
            healthy.paho.subscribe("health/check", 1);
            healthy.publish("health/check", "still alive", 1, false);
            assertThat(healthy.next().text()).isEqualTo("still alive");
        }
        assertThat(bystander.lost).as("a client connected during all the bad input").isFalse();
        assertThat(bystander.next().text()).isEqualTo("still alive");
    }
}
