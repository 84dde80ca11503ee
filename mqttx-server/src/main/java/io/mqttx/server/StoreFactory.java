package io.mqttx.server;

import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.server.config.MqttxProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that chooses the broker's store from {@code mqttx.store.*} and {@code mqttx.enable-test-mode}.
 * The embedded (RocksDB) store is the default but not merged yet: until it is, {@code embedded} falls back to the
 * memory store with a warning. Wire it in here: {@code new EmbeddedBrokerStore(Path.of(store.path()), store.sync())}.
 */
public final class StoreFactory {
    private static final Logger log = LoggerFactory.getLogger(StoreFactory.class);

    private final MqttxProperties.Store store;
    private final boolean testMode;

    public StoreFactory(MqttxProperties properties) {
        this.store = properties.store();
        this.testMode = properties.enableTestMode();
    }

    /** What {@link #create()} returns, for the log and for tests. */
    public MqttxProperties.StoreType effectiveType() {
        return testMode ? MqttxProperties.StoreType.MEMORY : store.type();
    }

    /** A new store; the broker that receives it owns it and closes it. */
    public BrokerStore create() {
        if (effectiveType() == MqttxProperties.StoreType.MEMORY) {
            log.info("memory store{}: sessions, queued and retained messages are lost when the process ends",
                    testMode ? " (test mode)" : "");
            return new MemoryBrokerStore();
        }
        log.warn("embedded store not built yet, using memory (mqttx.store.path={} and mqttx.store.sync={} unused)",
                store.path(), store.sync());
        return new MemoryBrokerStore();
    }
}
