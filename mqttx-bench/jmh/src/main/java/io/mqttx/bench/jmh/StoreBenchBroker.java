package io.mqttx.bench.jmh;

import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.cluster.ClusterBus;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.embedded.RocksDbBrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The core broker on the memory store or the embedded RocksDB store, everything else alike, for comparing what
 * persistent sessions cost with each (bench/compare-stores.sh drives it with mqttx-bench):
 *
 * <pre>java -cp mqttx-jmh.jar io.mqttx.bench.jmh.StoreBenchBroker memory|embedded|embedded-sync PORT [DIR]</pre>
 *
 * Limits as compare.sh gives mqttx: 1,000 in flight per client, no queue limit. Runs until killed.
 */
public final class StoreBenchBroker {

    private StoreBenchBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: StoreBenchBroker memory|embedded|embedded-sync PORT [DIR]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        BrokerStore store = switch (args[0]) {
            case "memory" -> new MemoryBrokerStore();
            case "embedded" -> new RocksDbBrokerStore(Path.of(args[2]), false);
            case "embedded-sync" -> new RocksDbBrokerStore(Path.of(args[2]), true);
            default -> throw new IllegalArgumentException("store must be memory, embedded or embedded-sync");
        };
        BrokerConfig.Limits d = BrokerConfig.Limits.defaults();
        BrokerConfig config = BrokerConfig.builder()
                .listeners(List.of(ListenerConfig.tcp("127.0.0.1", port)))
                .limits(new BrokerConfig.Limits(d.maxPacketSize(), d.maxClientIdLength(), d.maxTopicLevels(), 1000,
                        Integer.MAX_VALUE, d.maxAwaitingRel(), d.maxKeepAlive(), d.receiveMaximum(),
                        d.topicAliasMaximum()))
                .build();
        MqttBroker broker = new MqttBroker(config, store, Authenticator.ALLOW_ALL, Authorizer.ALLOW_ALL,
                ClusterBus.LOCAL).start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.out.println("listening on " + broker.port() + " with the " + args[0] + " store");
        new CountDownLatch(1).await();
    }
}
