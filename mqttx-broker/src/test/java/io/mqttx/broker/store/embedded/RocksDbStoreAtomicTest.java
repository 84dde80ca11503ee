package io.mqttx.broker.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.store.QueuedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An atomic unit that fails is written not at all, and leaves the reference counts as they were. */
class RocksDbStoreAtomicTest {
    @TempDir
    Path tmp;

    private static QueuedMessage entry(long seq, long id, String payload) {
        ApplicationMessage m = new ApplicationMessage("t", payload.getBytes(StandardCharsets.UTF_8), 1, false,
                MessageProperties.NONE, "p", 0);
        return new QueuedMessage(seq, id, m, 1, false, List.of(), 0, QueuedMessage.Phase.QUEUED);
    }

    @Test
    void aUnitThatThrowsWritesNothingAndTakesBackItsReferenceChanges() {
        Path dir = tmp.resolve("store");
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            store.append("kept", entry(1, 1, "one"));
            store.append("kept", entry(2, 2, "two"));
            assertThatThrownBy(() -> store.atomically(() -> {
                store.append("new", entry(1, 3, "three")); // a new payload
                store.append("new", entry(2, 1, "one")); // a second reference
                store.remove("kept", 2); // frees payload 2
                store.addAwaitingRelease("p", 5);
                throw new IllegalStateException("routing failed");
            })).isInstanceOf(IllegalStateException.class).hasMessage("routing failed");

            assertThat(store.load("new")).isEmpty();
            assertThat(store.load("kept")).extracting(QueuedMessage::sequence).containsExactly(1L, 2L);
            assertThat(store.loadAwaitingRelease("p")).isEmpty();
            assertThat(store.storedPayloads()).isEqualTo(2);
            // the counts were taken back: the last references still free their payloads
            store.remove("kept", 1);
            store.remove("kept", 2);
            assertThat(store.storedPayloads()).isZero();
        }
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            assertThat(store.load("new")).isEmpty();
            assertThat(store.load("kept")).isEmpty();
            assertThat(store.storedPayloads()).isZero();
        }
    }
}
