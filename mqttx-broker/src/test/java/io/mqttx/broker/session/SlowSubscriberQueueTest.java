package io.mqttx.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A QoS 0 subscriber that stops reading while its socket and the broker's write buffer (1 MiB high-water mark) fill:
 * its messages wait in its session's queue, bounded by max-queued-messages with the oldest dropped, and go out in
 * order once it reads again. Everyone else is served meanwhile.
 */
class SlowSubscriberQueueTest {
    private static final String TOPIC = "slow/data";
    private static final int PAYLOAD = 4 * 1024;

    private static TestBroker start(int maxQueuedMessages) {
        BrokerConfig.Limits d = BrokerConfig.Limits.defaults();
        BrokerConfig.Limits limits = new BrokerConfig.Limits(d.maxPacketSize(), d.maxClientIdLength(),
                d.maxTopicLevels(), d.maxInflight(), maxQueuedMessages, d.maxAwaitingRel(), d.maxKeepAlive(),
                d.receiveMaximum(), d.topicAliasMaximum());
        return TestBroker.start(b -> b.limits(limits));
    }

    private static Mqtt5BlockingClient client(TestBroker broker, String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        c.connect();
        return c;
    }

    /** A 3.1.1 subscriber to {@code slow/#} at QoS 0 with a small receive buffer, that reads only when asked. */
    private static Socket stalledSubscriber(TestBroker broker) throws IOException {
        return stalledSubscriber(broker, Packets.connect311("stalled"), Packets.subscribe(1, "slow/#", 0),
                Packets.suback(1, 0));
    }

    private static Socket stalledSubscriber(TestBroker broker, String connect, String subscribe, String suback)
            throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connect: no window autotuning, the socket fills soon
        s.connect(new InetSocketAddress("127.0.0.1", broker.port()));
        s.setSoTimeout(10_000);
        s.getOutputStream().write(Packets.bytes(connect));
        s.getOutputStream().write(Packets.bytes(subscribe));
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertThat(Packets.hex(in.readNBytes(4))).isEqualTo(Packets.normalize("20 02 00 00"));
        byte[] expected = Packets.bytes(suback);
        assertThat(Packets.hex(in.readNBytes(expected.length))).isEqualTo(Packets.hex(expected));
        return s;
    }

    private static byte[] payload(int sequence) {
        return ByteBuffer.allocate(PAYLOAD).putInt(sequence).array();
    }

    /** A fast subscriber that records the sequence number of every message it gets. */
    private static List<Integer> fastSubscriber(Mqtt5BlockingClient fast) {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        fast.toAsync().publishes(MqttGlobalPublishFilter.ALL,
                p -> seen.add(ByteBuffer.wrap(p.getPayloadAsBytes()).getInt()));
        fast.subscribeWith().topicFilter("slow/#").qos(MqttQos.AT_MOST_ONCE).send();
        return seen;
    }

    /** Reads QoS 0 PUBLISHes (3.1.1) until the one carrying {@code last}; returns their sequence numbers. */
    private static List<Integer> readUntil(Socket s, int last) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        List<Integer> got = new ArrayList<>();
        while (got.isEmpty() || got.get(got.size() - 1) != last) {
            assertThat(in.readUnsignedByte()).as("a QoS 0 PUBLISH").isEqualTo(0x30);
            int length = 0;
            for (int shift = 0; ; shift += 7) {
                int b = in.readUnsignedByte();
                length |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            ByteBuffer body = ByteBuffer.wrap(in.readNBytes(length));
            int topicLength = body.getShort() & 0xffff;
            body.position(2 + topicLength);
            got.add(body.getInt());
        }
        return got;
    }

    private static void awaitAll(List<Integer> seen, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= count);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(i);
        }
        assertThat(seen).as("the fast subscriber got everything, in order").isEqualTo(expected);
    }

    @Test
    void aStalledSubscriberGetsItsQueueInOrderWithOnlyTheOldestDroppedBeyondTheLimit() throws Exception {
        int limit = 50;
        try (TestBroker broker = start(limit); Socket stalled = stalledSubscriber(broker)) {
            Mqtt5BlockingClient fast = client(broker, "fast");
            List<Integer> fastSeen = fastSubscriber(fast);
            Mqtt5BlockingClient pub = client(broker, "publisher");
            int published = 0;
            // the socket buffers, the broker's 1 MiB, the queue of 50, then drops: go well past the first drops
            while (broker.broker().metrics().messagesDropped() < 200 && published < 20_000) {
                pub.publishWith().topic(TOPIC).payload(payload(published)).send();
                published++;
            }
            assertThat(broker.broker().metrics().messagesDropped()).as("the stalled subscriber fell behind")
                    .isGreaterThanOrEqualTo(200);
            awaitAll(fastSeen, published);

            List<Integer> got = readUntil(stalled, published - 1);

            assertThat(got.get(0)).as("the run up to the first gap starts at the first message").isZero();
            assertThat(got).as("in order, none twice").isSorted().doesNotHaveDuplicates();
            int lastGap = 0;
            for (int i = 1; i < got.size(); i++) {
                if (got.get(i) != got.get(i - 1) + 1) {
                    lastGap = i;
                }
            }
            assertThat(lastGap).as("some were dropped").isPositive();
            assertThat(got.size() - lastGap).as("the queue's last contents: the newest messages").isEqualTo(limit);
            assertThat(broker.broker().metrics().messagesDropped()).as("every message not delivered is counted")
                    .isEqualTo(published - got.size());
            assertThat(fast.getState().isConnected()).isTrue();
            pub.disconnect();
            fast.disconnect();
        }
    }

    @Test
    void withRoomInTheQueueAStalledSubscriberLosesNothing() throws Exception {
        try (TestBroker broker = start(100_000); Socket stalled = stalledSubscriber(broker)) {
            Mqtt5BlockingClient fast = client(broker, "fast");
            List<Integer> fastSeen = fastSubscriber(fast);
            Mqtt5BlockingClient pub = client(broker, "publisher");
            // 12 MiB: past the broker's socket send buffer (at most 4 MiB here) and its 1 MiB high-water mark
            int published = 3000;
            for (int i = 0; i < published; i++) {
                pub.publishWith().topic(TOPIC).payload(payload(i)).send();
            }
            awaitAll(fastSeen, published);

            List<Integer> got = readUntil(stalled, published - 1);

            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < published; i++) {
                expected.add(i);
            }
            assertThat(got).isEqualTo(expected);
            assertThat(broker.broker().metrics().messagesDropped()).isZero();
            pub.disconnect();
            fast.disconnect();
        }
    }

    @Test
    void queuedQos0MessagesOfAPersistentSessionEndWithTheConnection() throws Exception {
        int limit = 50;
        try (TestBroker broker = start(limit)) {
            Socket stalled = stalledSubscriber(broker, Packets.connect("MQTT", 4, 0, 60, Packets.str("stalled-p")),
                    Packets.subscribe(1, "slow/#", 0, "keep/#", 1), Packets.suback(1, 0, 1));
            Mqtt5BlockingClient pub = client(broker, "publisher");
            int published = 0;
            while (broker.broker().metrics().messagesDropped() == 0 && published < 20_000) {
                pub.publishWith().topic(TOPIC).payload(payload(published)).send();
                published++;
            }
            // a QoS 1 message waits behind the queued QoS 0 messages, and ten more QoS 0 messages behind it
            pub.publishWith().topic("keep/one").qos(MqttQos.AT_LEAST_ONCE).payload("kept".getBytes()).send();
            for (int i = 0; i < 10; i++) {
                pub.publishWith().topic(TOPIC).payload(payload(published++)).send();
            }
            stalled.close();
            // the only subscriber: each QoS 0 message was written to its socket or dropped, those queued included
            int qos0 = published;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    broker.broker().metrics().messagesSent() + broker.broker().metrics().messagesDropped() == qos0);

            try (RawClient back = new RawClient(broker.port())) {
                back.send(Packets.connect("MQTT", 4, 0, 60, Packets.str("stalled-p")));
                back.expect("20 02 01 00");
                // only the stored QoS 1 message, with the first packet id: no QoS 0 message took one
                back.expect(Packets.publish(0x02, "keep/one", 1, Packets.hex("kept".getBytes())));
                back.assertSilentFor(Duration.ofMillis(500));
            }
            pub.disconnect();
        }
    }
}
