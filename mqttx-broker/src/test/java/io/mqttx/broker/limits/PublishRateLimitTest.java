package io.mqttx.broker.limits;

import static io.mqttx.broker.testkit.Packets.CONNACK_OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.PahoClients.Received;
import io.mqttx.broker.testkit.RawClient;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The per-connection PUBLISH rate: a client sending faster is slowed, not cut off and not dropped, and the clients
 * beside it are served as usual meanwhile.
 */
class PublishRateLimitTest {
    private static final int RATE = 100;
    private static final int FLOOD = 800;

    /**
     * A flooder writes 800 QoS 0 PUBLISHes at once to a broker allowing 100 per second (bursts of 100). Every time
     * its subscriber's count is looked at, it is within 100 + 100 per second since the flooder connected; meanwhile
     * another client's QoS 1 exchange completes long before the flood is through; in the end all 800 arrive, in
     * order, and the flooder is still connected.
     */
    @Test
    void aFloodingClientIsSlowedToTheRateWithoutLossWhileOthersAreServed() throws Exception {
        BrokerConfig.Limits limits = BrokerConfig.Limits.defaults()
                .withConnectionLimits(0, BrokerConfig.Limits.DEFAULT_MAX_CONNECTION_RATE, RATE);
        try (TestBroker broker = TestBroker.start(b -> b.limits(limits));
             Client floodSub = PahoClients.connect(broker.uri(), "flood-sub", true);
             Client normal = PahoClients.connect(broker.uri(), "normal", true)) {
            floodSub.paho.subscribe("flood/t", 0);
            normal.paho.subscribe("normal/t", 1);
            long t0 = System.nanoTime();
            try (RawClient flooder = new RawClient(broker.port())) {
                flooder.send(Packets.connect311("flooder"));
                assertThat(flooder.readHex(4).replace(" ", "")).isEqualTo(CONNACK_OK);
                StringBuilder flood = new StringBuilder();
                for (int i = 0; i < FLOOD; i++) {
                    flood.append(Packets.publish("flood/t", Integer.toString(i)));
                }
                flooder.send(flood.toString());

                for (int i = 0; i < 20; i++) {
                    normal.publish("normal/t", "n" + i, 1, false);
                }
                for (int i = 0; i < 20; i++) {
                    assertThat(normal.next().text()).isEqualTo("n" + i);
                }
                int floodSoFar = floodSub.received.size();
                assertThat(floodSoFar).as("flood messages routed when the other client was done")
                        .isLessThan(FLOOD);
                assertWithinRate(floodSoFar, t0);

                AtomicLong overRate = new AtomicLong();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    int n = floodSub.received.size();
                    overRate.accumulateAndGet(n - allowed(t0), Math::max);
                    return n == FLOOD;
                });
                assertThat(overRate.get()).as("most messages seen beyond 100 + 100/s").isLessThanOrEqualTo(0);
                List<String> got = new ArrayList<>();
                for (Received r : floodSub.received) {
                    got.add(r.text());
                }
                List<String> sent = new ArrayList<>();
                for (int i = 0; i < FLOOD; i++) {
                    sent.add(Integer.toString(i));
                }
                assertThat(got).isEqualTo(sent);
                assertThat(broker.broker().metrics().publishPauses()).isPositive();
                assertThat(broker.broker().metrics().messagesDropped()).isZero();

                flooder.send(Packets.PINGREQ);
                assertThat(flooder.readHex(2).replace(" ", "")).isEqualTo(Packets.PINGRESP);
            }
        }
    }

    /** What the rate lets through by now: the connection's bucket was created after t0 and started full. */
    private static long allowed(long t0) {
        return RATE + (long) Math.ceil(RATE * (System.nanoTime() - t0) / 1e9);
    }

    private static void assertWithinRate(int count, long t0) {
        assertThat((long) count).isLessThanOrEqualTo(allowed(t0));
    }
}
