package io.mqttx.broker.store.embedded;

/** The store contract again, with fsync and group commit. */
class RocksDbSyncBrokerStoreTest extends RocksDbBrokerStoreTest {

    @Override
    boolean sync() {
        return true;
    }
}
