package io.mqttx.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.TestBroker;
import java.time.Duration;

/** Asserts whether a will was published, using a subscriber and a marker message that follows any will. */
final class Wills {
    private Wills() {
    }

    /**
     * Waits until the broker has dropped the closed client's clean session (by then any will of it has been routed:
     * the will and the session's removal run in that order on the session's owner thread), then publishes a marker
     * on the will topic: what the subscriber gets first tells whether a will came before it.
     */
    static String firstAfterClose(TestBroker broker, Client subscriber, String willTopic, int sessionsBefore)
            throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().sessionCount() == sessionsBefore);
        try (Client marker = PahoClients.connect(broker.uri(), "marker-" + System.nanoTime(), true)) {
            marker.publish(willTopic, "marker", 1, false);
        }
        PahoClients.Received first = subscriber.next();
        assertThat(first.topic()).isEqualTo(willTopic);
        return first.text();
    }
}
