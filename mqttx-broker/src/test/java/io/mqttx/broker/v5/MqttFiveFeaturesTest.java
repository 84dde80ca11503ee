package io.mqttx.broker.v5;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 features, driven with the HiveMQ MQTT Client. */
class MqttFiveFeaturesTest {
    private TestBroker broker;

    @BeforeEach
    void start() {
        broker = TestBroker.start(b -> b.limits(new BrokerConfig.Limits(64 * 1024, 256, 128, 32, 1000, 100, 600,
                20, 10)));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Mqtt5BlockingClient client(String id) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
                .buildBlocking();
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static void letTimePass(Duration d) {
        Awaitility.await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
    }

    @Test
    void connackAdvertisesWhatTheBrokerSupports() {
        Mqtt5BlockingClient c = client("caps");
        Mqtt5ConnAck ack = c.connectWith().keepAlive(1000).send();
        assertThat(ack.getRestrictions().getReceiveMaximum()).isEqualTo(20);
        assertThat(ack.getRestrictions().getMaximumPacketSize()).isEqualTo(64 * 1024);
        assertThat(ack.getRestrictions().getTopicAliasMaximum()).isEqualTo(10);
        assertThat(ack.getRestrictions().getMaximumQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        assertThat(ack.getRestrictions().isRetainAvailable()).isTrue();
        assertThat(ack.getRestrictions().isWildcardSubscriptionAvailable()).isTrue();
        assertThat(ack.getRestrictions().isSharedSubscriptionAvailable()).isTrue();
        assertThat(ack.getRestrictions().areSubscriptionIdentifiersAvailable()).isTrue();
        assertThat(ack.getServerKeepAlive()).hasValue(600); // asked 1000, the maximum is 600
        c.disconnect();
    }

    @Test
    void emptyClientIdGetsAnAssignedIdentifier_MQTT_3_2_2_16() {
        Mqtt5BlockingClient c = Mqtt5Client.builder().serverHost("127.0.0.1").serverPort(broker.port())
                .buildBlocking();
        Mqtt5ConnAck ack = c.connect();
        assertThat(ack.getAssignedClientIdentifier()).isPresent();
        assertThat(ack.getAssignedClientIdentifier().get().toString()).startsWith("mqttx-");
        c.disconnect();
    }

    @Test
    void responseInformationOnlyOnRequest() {
        Mqtt5BlockingClient c = client("asker");
        Mqtt5ConnAck ack = c.connectWith().restrictions().requestResponseInformation(true).applyRestrictions()
                .send();
        assertThat(ack.getResponseInformation().map(Object::toString)).hasValue("mqttx/response/asker");
        c.disconnect();
        Mqtt5BlockingClient d = client("quiet");
        assertThat(d.connect().getResponseInformation()).isEmpty();
        d.disconnect();
    }

    @Test
    void propertiesAreForwardedUnchanged_MQTT_3_3_2() throws Exception {
        Mqtt5BlockingClient sub = client("psub");
        Mqtt5BlockingClient pub = client("ppub");
        sub.connect();
        pub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("props").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("props").qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes())
                    .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                    .contentType("application/json")
                    .responseTopic("reply/here")
                    .correlationData("corr-1".getBytes())
                    .userProperties().add("k1", "v1").add("k1", "v2").add("k2", "v3").applyUserProperties()
                    .send();
            Mqtt5Publish got = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.getPayloadFormatIndicator()).hasValue(Mqtt5PayloadFormatIndicator.UTF_8);
            assertThat(got.getContentType().map(Object::toString)).hasValue("application/json");
            assertThat(got.getResponseTopic().map(Object::toString)).hasValue("reply/here");
            assertThat(got.getCorrelationData().map(b -> StandardCharsets.UTF_8.decode(b).toString()))
                    .hasValue("corr-1");
            assertThat(got.getUserProperties().asList()).extracting(p -> p.getName() + "=" + p.getValue())
                    .containsExactly("k1=v1", "k1=v2", "k2=v3"); // order kept [MQTT-3.3.2-18]
        }
        sub.disconnect();
        pub.disconnect();
    }

    @Test
    void pubackSaysNoMatchingSubscribersAndUnsubackNoSubscriptionExisted() {
        Mqtt5BlockingClient c = client("codes");
        c.connect();
        Mqtt5PublishResult r = c.publishWith().topic("nobody/listens").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
        assertThat(c.unsubscribeWith().topicFilter("never/subscribed").send().getReasonCodes())
                .containsExactly(Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED);
        assertThat(c.subscribeWith().topicFilter("ok/#").qos(MqttQos.EXACTLY_ONCE).send().getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
        c.disconnect();
    }

    @Test
    void sessionExpiresAfterItsInterval() {
        Mqtt5BlockingClient c = client("expiring");
        assertThat(c.connectWith().cleanStart(true).sessionExpiryInterval(1).send().isSessionPresent()).isFalse();
        c.subscribeWith().topicFilter("x").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
        Mqtt5BlockingClient again = client("expiring");
        assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(1).send().isSessionPresent())
                .isTrue();
        again.disconnect();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().sessionCount() == 0);
        Mqtt5BlockingClient late = client("expiring");
        assertThat(late.connectWith().cleanStart(false).send().isSessionPresent()).isFalse();
        late.disconnect();
    }

    @Test
    void sessionExpiryZeroEndsTheSessionWithTheConnection() {
        Mqtt5BlockingClient c = client("zero");
        c.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
        c.disconnect();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().sessionCount() == 0);
    }

    @Test
    void expiredMessagesAreNotDeliveredAndTheRestCarryWhatIsLeft_MQTT_3_3_2_5() throws Exception {
        Mqtt5BlockingClient sub = client("late-sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        sub.subscribeWith().topicFilter("exp/+").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        Mqtt5BlockingClient pub = client("exp-pub");
        pub.connect();
        pub.publishWith().topic("exp/short").qos(MqttQos.AT_LEAST_ONCE).payload("short".getBytes())
                .messageExpiryInterval(1).send();
        pub.publishWith().topic("exp/long").qos(MqttQos.AT_LEAST_ONCE).payload("long".getBytes())
                .messageExpiryInterval(100).send();
        pub.disconnect();
        letTimePass(Duration.ofMillis(2100));
        Mqtt5BlockingClient back = client("late-sub");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = back.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(back.connectWith().cleanStart(false).sessionExpiryInterval(60).send().isSessionPresent())
                    .isTrue();
            Mqtt5Publish got = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(text(got)).isEqualTo("long");
            assertThat(got.getMessageExpiryInterval().getAsLong()).isBetween(90L, 99L);
            assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
        }
        back.disconnect();
    }

    @Test
    void noLocalRetainAsPublishedAndRetainHandling_MQTT_3_8_3_1() throws Exception {
        Mqtt5BlockingClient c = client("opts");
        Mqtt5BlockingClient other = client("opts-other");
        c.connect();
        other.connect();
        other.publishWith().topic("ret/a").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload("r".getBytes()).send();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
            // Retain Handling 2: no retained message at subscribe
            c.subscribeWith().topicFilter("ret/a").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
            // Retain Handling 1: only for a new subscription (this one exists already)
            c.subscribeWith().topicFilter("ret/a").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            assertThat(publishes.receive(300, TimeUnit.MILLISECONDS)).isEmpty();
            c.subscribeWith().topicFilter("ret/+").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            Optional<Mqtt5Publish> retained = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(retained).isPresent();
            assertThat(retained.get().isRetain()).isTrue();
            c.unsubscribeWith().topicFilter("ret/+").send();
            c.unsubscribeWith().topicFilter("ret/a").send();

            // No Local: the client's own message does not come back; Retain As Published keeps RETAIN=1 live
            c.subscribeWith().topicFilter("nl/t").qos(MqttQos.AT_LEAST_ONCE).noLocal(true)
                    .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            c.subscribeWith().topicFilter("rap/t").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true)
                    .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            c.publishWith().topic("nl/t").qos(MqttQos.AT_LEAST_ONCE).payload("mine".getBytes()).send();
            other.publishWith().topic("nl/t").qos(MqttQos.AT_LEAST_ONCE).payload("theirs".getBytes()).send();
            Mqtt5Publish got = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(text(got)).isEqualTo("theirs");
            other.publishWith().topic("rap/t").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload("kept".getBytes())
                    .send();
            Mqtt5Publish rap = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(text(rap)).isEqualTo("kept");
            assertThat(rap.isRetain()).isTrue();
        }
        c.disconnect();
        other.disconnect();
    }

    @Test
    void willDelayHoldsTheWillUntilTheDelayEnds_MQTT_3_1_3_9() throws Exception {
        Mqtt5BlockingClient watcher = client("watch");
        watcher.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("wd/#").qos(MqttQos.AT_LEAST_ONCE).send();
            try (io.mqttx.broker.testkit.RawClient raw = new io.mqttx.broker.testkit.RawClient(broker.port())) {
                // CONNECT v5, id "wd", clean start, session expiry 60 s; will (delay 1 s) "wd/x" = "bye"
                raw.send("10 25 00 04 4d 51 54 54 05 06 00 3c 05 11 00 00 00 3c 00 02 77 64"
                        + " 05 18 00 00 00 01 00 04 77 64 2f 78 00 03 62 79 65");
                assertThat(raw.read(2, Duration.ofSeconds(5))[0]).isEqualTo((byte) 0x20);
            } // dropped without DISCONNECT
            assertThat(publishes.receive(500, TimeUnit.MILLISECONDS)).isEmpty(); // held back
            Mqtt5Publish will = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(will.getTopic().toString()).isEqualTo("wd/x");
            assertThat(text(will)).isEqualTo("bye");
        }
        watcher.disconnect();
    }

    @Test
    void sessionTakeoverSendsDisconnect0x8E() {
        java.util.concurrent.atomic.AtomicReference<Throwable> cause = new java.util.concurrent.atomic.AtomicReference<>();
        Mqtt5BlockingClient firstBlocking = Mqtt5Client.builder().identifier("dup").serverHost("127.0.0.1")
                .serverPort(broker.port())
                .addDisconnectedListener(ctx -> cause.compareAndSet(null, ctx.getCause()))
                .buildBlocking();
        firstBlocking.connect();
        Mqtt5BlockingClient second = client("dup");
        second.connect();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cause.get() != null);
        assertThat(cause.get()).isInstanceOf(com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException.class);
        assertThat(((com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException) cause.get()).getMqttMessage()
                .getReasonCode().getCode()).isEqualTo(0x8E);
        assertThat(firstBlocking.getState().isConnected()).isFalse();
        second.disconnect();
    }

    @Test
    void oversizedMessagesAreNotSentToAClientWithASmallerMaximumPacketSize_MQTT_3_1_2_24() throws Exception {
        Mqtt5BlockingClient small = client("small");
        small.connectWith().restrictions().maximumPacketSize(100).applyRestrictions().send();
        Mqtt5BlockingClient pub = client("big-pub");
        pub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = small.publishes(MqttGlobalPublishFilter.ALL)) {
            small.subscribeWith().topicFilter("size").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.publishWith().topic("size").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[500]).send();
            pub.publishWith().topic("size").qos(MqttQos.AT_LEAST_ONCE).payload("fits".getBytes()).send();
            Mqtt5Publish got = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(text(got)).isEqualTo("fits");
        }
        small.disconnect();
        pub.disconnect();
    }

    @Test
    void subscriptionIdentifiersAreSentWithMatchingMessages_MQTT_3_3_4_3() throws Exception {
        org.eclipse.paho.mqttv5.client.MqttAsyncClient paho = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(
                broker.uri(), "subid", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        java.util.concurrent.BlockingQueue<org.eclipse.paho.mqttv5.common.MqttMessage> got =
                new java.util.concurrent.LinkedBlockingQueue<>();
        paho.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) { }
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                got.add(m);
            }
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) { }
            public void connectComplete(boolean reconnect, String uri) { }
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
        });
        paho.connect().waitForCompletion(5000);
        for (int[] sub : new int[][]{{7}, {9}}) {
            org.eclipse.paho.mqttv5.common.packet.MqttProperties props =
                    new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            props.setSubscriptionIdentifier(sub[0]);
            String filter = sub[0] == 7 ? "sid/+" : "sid/#";
            paho.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[]{
                    new org.eclipse.paho.mqttv5.common.MqttSubscription(filter, 1)}, null, null, props)
                    .waitForCompletion(5000);
        }
        paho.publish("sid/x", "m".getBytes(), 1, false).waitForCompletion(5000);
        org.eclipse.paho.mqttv5.common.MqttMessage m = got.poll(5, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.getProperties().getSubscriptionIdentifiers()).containsExactlyInAnyOrder(7, 9);
        assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull(); // one copy for both subscriptions
        paho.disconnect().waitForCompletion(5000);
        paho.close();
    }
}
