package io.mqttx.broker.connection;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttx.broker.conformance.ConformanceCases;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.ClientIdentity;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.ReceiveOnlyAuthorizer;
import io.mqttx.broker.testkit.TestBroker;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Faults of one peer or one collaborator end that connection's trouble there, and nobody else's. */
class ConnectionRobustnessTest {

    /** Denies nothing, but fails with an exception when asked about deliveries on {@code rb/boom}. */
    static final class ThrowingOnReceiveAuthorizer extends ReceiveOnlyAuthorizer {
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public boolean canReceive(ClientIdentity client, String topic) {
            if (topic.equals("rb/boom") && client.clientId().startsWith("fragile")) {
                failures.incrementAndGet();
                throw new IllegalStateException("authorization backend unavailable");
            }
            return true;
        }
    }

    private static Mqtt5BlockingClient client(TestBroker broker, String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        c.connect();
        return c;
    }

    private static String text(Mqtt5Publish p) {
        return p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void anAuthorizerThatThrowsAtDeliveryDeniesThatDeliveryOnly() throws Exception {
        ThrowingOnReceiveAuthorizer authorizer = new ThrowingOnReceiveAuthorizer();
        try (TestBroker broker = TestBroker.start(b -> b, new MemoryBrokerStore(), Authenticator.ALLOW_ALL,
                authorizer)) {
            Mqtt5BlockingClient fragile = client(broker, "fragile1");
            Mqtt5BlockingClient steady = client(broker, "steady1");
            Mqtt5BlockingClient pub = client(broker, "rb-pub");
            try (Mqtt5BlockingClient.Mqtt5Publishes fragileInbox = fragile.publishes(MqttGlobalPublishFilter.ALL);
                 Mqtt5BlockingClient.Mqtt5Publishes steadyInbox = steady.publishes(MqttGlobalPublishFilter.ALL)) {
                fragile.subscribeWith().topicFilter("rb/#").qos(MqttQos.AT_LEAST_ONCE).send();
                steady.subscribeWith().topicFilter("rb/#").qos(MqttQos.AT_LEAST_ONCE).send();
                for (int i = 0; i < 3; i++) {
                    pub.publishWith().topic("rb/boom").qos(MqttQos.AT_LEAST_ONCE).payload(("b" + i).getBytes())
                            .send();
                }
                pub.publishWith().topic("rb/ok").qos(MqttQos.AT_LEAST_ONCE).payload("fine".getBytes()).send();

                for (int i = 0; i < 3; i++) {
                    assertThat(text(steadyInbox.receive(5, TimeUnit.SECONDS).orElseThrow())).isEqualTo("rb/boom=b" + i);
                }
                assertThat(text(steadyInbox.receive(5, TimeUnit.SECONDS).orElseThrow())).isEqualTo("rb/ok=fine");
                // the failing checks denied the three deliveries; the session went on with the next message
                assertThat(text(fragileInbox.receive(5, TimeUnit.SECONDS).orElseThrow())).isEqualTo("rb/ok=fine");
                assertThat(authorizer.failures.get()).isEqualTo(3);
                assertThat(fragile.getState().isConnected()).isTrue();
            }
            fragile.disconnect();
            steady.disconnect();
            pub.disconnect();
        }
    }

    @Test
    void aPeerThatStoppedReadingIsClosedAfterItsFinalDisconnectCannotBeFlushed() throws Exception {
        try (TestBroker broker = TestBroker.start(b -> b.connectTimeout(Duration.ofSeconds(1)));
             Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", broker.port()));
            InputStream in = stalled.getInputStream();
            // MQTT 5, keepalive 1 s: the broker will want to send DISCONNECT 0x8D after 1.5 s of silence
            stalled.getOutputStream().write(Packets.bytes(Packets.connect5(Packets.CLEAN, 1, "",
                    Packets.str("stalled"))));
            stalled.getOutputStream().write(Packets.bytes(Packets.subscribe5(1, "", "flood/#", 0)));
            stalled.setSoTimeout(5000);
            assertThat(in.readNBytes(Packets.bytes(ConformanceCases.V5_CONNACK_OK).length)[0]).isEqualTo((byte) 0x20);
            assertThat(in.readNBytes(6)[0]).isEqualTo((byte) 0x90);
            // from now on the peer reads nothing: fill its socket, the broker's and the session queue until QoS 0 drops
            Mqtt5BlockingClient pub = client(broker, "flooder");
            byte[] payload = new byte[32 * 1024];
            for (int i = 0; i < 2000 && broker.broker().metrics().messagesDropped() == 0; i++) {
                pub.publishWith().topic("flood/x").payload(payload).send();
            }
            assertThat(broker.broker().metrics().messagesDropped()).as("the peer's buffers are full").isPositive();
            // keepalive expiry queues DISCONNECT behind data the peer will never read: closed anyway
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> broker.broker().metrics().activeConnections() == 1);
            assertThat(pub.getState().isConnected()).isTrue();
            pub.disconnect();
        }
    }
}
