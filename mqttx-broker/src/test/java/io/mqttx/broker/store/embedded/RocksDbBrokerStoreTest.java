package io.mqttx.broker.store.embedded;

import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.testkit.BrokerStoreContract;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store against the store contract, every check also after close and reopen. */
class RocksDbBrokerStoreTest extends BrokerStoreContract {
    @TempDir
    Path dir;

    /** Whether the store under test fsyncs before commits complete. */
    boolean sync() {
        return false;
    }

    @Override
    protected BrokerStore createStore() {
        return new RocksDbBrokerStore(dir.resolve("store"), sync());
    }

    @Override
    protected BrokerStore reopen(BrokerStore current) {
        current.close();
        return createStore();
    }

    @Override
    protected OptionalInt storedPayloads(BrokerStore current) {
        return OptionalInt.of(((RocksDbBrokerStore) current).storedPayloads());
    }
}
