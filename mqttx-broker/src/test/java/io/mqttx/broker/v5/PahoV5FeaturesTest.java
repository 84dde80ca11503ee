package io.mqttx.broker.v5;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MQTT 5 features again, through the Eclipse Paho MQTT 5 client (the HiveMQ client covers them elsewhere). */
class PahoV5FeaturesTest {
    private static final long WAIT = 5000;
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /** A Paho MQTT 5 client whose received messages and disconnect land in queues. */
    private static final class Paho implements MqttCallback, AutoCloseable {
        final MqttAsyncClient client;
        final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
        final AtomicReference<MqttDisconnectResponse> disconnected = new AtomicReference<>();

        Paho(String uri, String id) throws MqttException {
            client = new MqttAsyncClient(uri, id, new MemoryPersistence());
            client.setCallback(this);
        }

        IMqttToken connect(MqttConnectionOptions options) throws MqttException {
            IMqttToken t = client.connect(options);
            t.waitForCompletion(WAIT);
            return t;
        }

        /** Topic and message of the next delivery. */
        Object[] next() throws InterruptedException {
            Object[] r = received.poll(5, TimeUnit.SECONDS);
            assertThat(r).as("a message within 5 s").isNotNull();
            return r;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            disconnected.set(response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new Object[] {topic, message});
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(WAIT);
            }
            client.close();
        }
    }

    private static String text(Object[] r) {
        return r[0] + "=" + new String(((MqttMessage) r[1]).getPayload(), StandardCharsets.UTF_8);
    }

    @Test
    void connackCarriesCapabilitiesAssignedIdAndResponseInformation() throws Exception {
        try (Paho p = new Paho(broker.uri(), "")) {
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setRequestResponseInfo(true);
            MqttProperties ack = p.connect(o).getResponseProperties();
            assertThat(ack.getReceiveMaximum()).isEqualTo(100);
            assertThat(ack.getMaximumPacketSize()).isEqualTo(1024L * 1024);
            assertThat(ack.getTopicAliasMaximum()).isEqualTo(10);
            assertThat(ack.getAssignedClientIdentifier()).startsWith("mqttx-");
            assertThat(ack.getResponseInfo()).isEqualTo("mqttx/response/" + ack.getAssignedClientIdentifier());
        }
    }

    @Test
    void propertiesAreForwardedAndPubackSaysNoMatchingSubscribers() throws Exception {
        try (Paho sub = new Paho(broker.uri(), "pv5-sub"); Paho pub = new Paho(broker.uri(), "pv5-pub")) {
            sub.connect(new MqttConnectionOptions());
            pub.connect(new MqttConnectionOptions());
            IMqttToken nobody = pub.client.publish("pv5/nobody", "x".getBytes(), 1, false);
            nobody.waitForCompletion(WAIT);
            assertThat(nobody.getReasonCodes()).containsExactly(0x10);

            sub.client.subscribe(new MqttSubscription("pv5/props", 1)).waitForCompletion(WAIT);
            MqttMessage m = new MqttMessage("{}".getBytes(), 1, false, null);
            MqttProperties props = new MqttProperties();
            props.setContentType("application/json");
            props.setResponseTopic("pv5/reply");
            props.setCorrelationData("c-1".getBytes());
            props.setMessageExpiryInterval(100L);
            props.setUserProperties(List.of(new UserProperty("k", "v1"), new UserProperty("k", "v2")));
            m.setProperties(props);
            pub.client.publish("pv5/props", m).waitForCompletion(WAIT);
            MqttProperties got = ((MqttMessage) sub.next()[1]).getProperties();
            assertThat(got.getContentType()).isEqualTo("application/json");
            assertThat(got.getResponseTopic()).isEqualTo("pv5/reply");
            assertThat(new String(got.getCorrelationData(), StandardCharsets.UTF_8)).isEqualTo("c-1");
            assertThat(got.getMessageExpiryInterval()).isBetween(95L, 100L);
            assertThat(got.getUserProperties()).extracting(u -> u.getKey() + "=" + u.getValue())
                    .containsExactly("k=v1", "k=v2");
        }
    }

    /**
     * Aliases both ways: the broker aliases towards the subscriber, and the Paho publisher, seeing Topic Alias Maximum
     * 10 in its CONNACK, aliases its second PUBLISH of each topic towards the broker by itself.
     */
    @Test
    void serverTopicAliasesAreResolvedByPaho() throws Exception {
        try (Paho sub = new Paho(broker.uri(), "pv5-alias"); Paho pub = new Paho(broker.uri(), "pv5-alias-pub")) {
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setTopicAliasMaximum(2);
            sub.connect(o);
            pub.connect(new MqttConnectionOptions());
            sub.client.subscribe(new MqttSubscription("pv5/alias/#", 1)).waitForCompletion(WAIT);
            String[] topics = {"pv5/alias/first", "pv5/alias/second", "pv5/alias/third"};
            for (int round = 0; round < 2; round++) {
                for (String t : topics) {
                    pub.client.publish(t, (t + round).getBytes(), 1, false).waitForCompletion(WAIT);
                }
            }
            for (int round = 0; round < 2; round++) {
                for (String t : topics) {
                    assertThat(text(sub.next())).isEqualTo(t + "=" + t + round);
                }
            }
        }
    }

    @Test
    void sessionTakeoverDisconnectCarriesReasonCodeAndString() throws Exception {
        try (Paho first = new Paho(broker.uri(), "pv5-dup"); Paho second = new Paho(broker.uri(), "pv5-dup")) {
            first.connect(new MqttConnectionOptions());
            second.connect(new MqttConnectionOptions());
            Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> first.disconnected.get() != null);
            assertThat(first.disconnected.get().getReturnCode()).isEqualTo(0x8E);
            assertThat(first.disconnected.get().getReasonString())
                    .isEqualTo("another connection took over the session");
        }
    }

    @Test
    void sessionExpiryKeepsSubscriptionsAndMessagesAcrossConnections() throws Exception {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(60L);
        try (Paho sub = new Paho(broker.uri(), "pv5-persist")) {
            sub.connect(o);
            sub.client.subscribe(new MqttSubscription("pv5/persist", 1)).waitForCompletion(WAIT);
        }
        try (Paho pub = new Paho(broker.uri(), "pv5-persist-pub")) {
            pub.connect(new MqttConnectionOptions());
            pub.client.publish("pv5/persist", "kept".getBytes(), 1, false).waitForCompletion(WAIT);
        }
        try (Paho back = new Paho(broker.uri(), "pv5-persist")) {
            assertThat(back.connect(o).getSessionPresent()).isTrue();
            assertThat(text(back.next())).isEqualTo("pv5/persist=kept");
        }
    }

    @Test
    void noLocalKeepsTheClientsOwnMessagesAway() throws Exception {
        try (Paho c = new Paho(broker.uri(), "pv5-nl"); Paho other = new Paho(broker.uri(), "pv5-nl-other")) {
            c.connect(new MqttConnectionOptions());
            other.connect(new MqttConnectionOptions());
            MqttSubscription s = new MqttSubscription("pv5/nl", 1);
            s.setNoLocal(true);
            c.client.subscribe(s).waitForCompletion(WAIT);
            c.client.publish("pv5/nl", "mine".getBytes(), 1, false).waitForCompletion(WAIT);
            other.client.publish("pv5/nl", "theirs".getBytes(), 1, false).waitForCompletion(WAIT);
            assertThat(text(c.next())).isEqualTo("pv5/nl=theirs");
        }
    }

    @Test
    void pahoV3AndPahoV5ClientsExchangeMessagesBothWays() throws Exception {
        try (Paho v5 = new Paho(broker.uri(), "pv5-mixed");
             PahoClients.Client v3 = PahoClients.connect(broker.uri(), "pv3-mixed", true)) {
            v5.connect(new MqttConnectionOptions());
            v5.client.subscribe(new MqttSubscription("mixed/to5", 2)).waitForCompletion(WAIT);
            v3.paho.subscribe("mixed/to3", 2);
            v3.publish("mixed/to5", "from 3", 2, false);
            Object[] got = v5.next();
            assertThat(text(got)).isEqualTo("mixed/to5=from 3");
            assertThat(((MqttMessage) got[1]).getQos()).isEqualTo(2);
            MqttMessage m = new MqttMessage("from 5".getBytes(), 2, false, null);
            MqttProperties props = new MqttProperties();
            props.setUserProperties(List.of(new UserProperty("dropped", "for 3.1.1")));
            m.setProperties(props);
            v5.client.publish("mixed/to3", m).waitForCompletion(WAIT);
            PahoClients.Received r = v3.next();
            assertThat(r.topic()).isEqualTo("mixed/to3");
            assertThat(r.text()).isEqualTo("from 5");
            assertThat(r.message().getQos()).isEqualTo(2);
        }
    }
}
