package io.mqttx.broker.store.memory;

import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.testkit.BrokerStoreContract;

/** The memory store against the store contract: it keeps nothing across a restart, so checks run once. */
class MemoryBrokerStoreTest extends BrokerStoreContract {

    @Override
    protected BrokerStore createStore() {
        return new MemoryBrokerStore();
    }
}
