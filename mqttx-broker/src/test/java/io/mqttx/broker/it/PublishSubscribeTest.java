package io.mqttx.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PUBLISH/SUBSCRIBE at every QoS combination with Eclipse Paho (MQTT 3.1.1). */
class PublishSubscribeTest {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "publish QoS {0}, subscribe QoS {1} -> delivered at QoS {2}")
    @CsvSource({"0,0,0", "0,2,0", "1,0,0", "1,1,1", "1,2,1", "2,0,0", "2,1,1", "2,2,2"})
    void deliversAtTheLowerOfPublishedAndGrantedQos(int pubQos, int subQos, int expectedQos) throws Exception {
        try (Client sub = PahoClients.connect(broker.uri(), "sub", true);
             Client pub = PahoClients.connect(broker.uri(), "pub", true)) {
            sub.paho.subscribe("a/b", subQos);
            pub.publish("a/b", "hello", pubQos, false);
            PahoClients.Received r = sub.next();
            assertThat(r.topic()).isEqualTo("a/b");
            assertThat(r.text()).isEqualTo("hello");
            assertThat(r.message().getQos()).isEqualTo(expectedQos);
            assertThat(r.message().isRetained()).isFalse();
        }
    }
}
