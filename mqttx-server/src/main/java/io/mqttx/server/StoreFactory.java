package io.mqttx.server;

import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.StoreException;
import io.mqttx.broker.store.embedded.RocksDbBrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.server.config.MqttxProperties;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that chooses the broker's store from {@code mqttx.store.*} and {@code mqttx.enable-test-mode}: the
 * embedded (RocksDB) store in {@code mqttx.store.path} by default, the memory store in test mode or when asked for.
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

    /** The embedded store's directory, absolute, as the log and error messages show it. */
    public Path path() {
        return Path.of(store.path()).toAbsolutePath().normalize();
    }

    /**
     * A new store; the broker that receives it owns it and closes it.
     *
     * @throws StoreOpenException if the embedded store cannot be opened: a foreign, damaged or locked directory
     */
    public BrokerStore create() {
        if (effectiveType() == MqttxProperties.StoreType.MEMORY) {
            log.info("store: memory{}; sessions, queued and retained messages are lost when the process ends",
                    testMode ? " (mqttx.enable-test-mode)" : "");
            return new MemoryBrokerStore();
        }
        Path path = path();
        BrokerStore opened;
        try {
            opened = new RocksDbBrokerStore(path, store.sync());
        } catch (StoreException e) {
            throw new StoreOpenException(path, e);
        }
        log.info("store: embedded (RocksDB) in {}, sync={} ({})", path, store.sync(), store.sync()
                ? "the write-ahead log is fsynced before an acknowledgement: survives a power loss"
                : "the write-ahead log is not fsynced: survives a process crash, not a power loss");
        return opened;
    }
}
