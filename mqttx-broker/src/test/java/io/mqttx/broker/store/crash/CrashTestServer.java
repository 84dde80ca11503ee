package io.mqttx.broker.store.crash;

import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.cluster.ClusterBus;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.store.embedded.RocksDbBrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import java.nio.file.Path;
import java.util.List;

/**
 * A broker on the embedded store in a process of its own, for {@link StoreCrashHarness} without the packaged
 * server jar (which {@code JarSigkillCrashIT} and {@code scripts/crash-test.sh N <jar>} use):
 * {@code CrashTestServer <data-dir> <port> [nosync|sync|memory]}. Runs until killed. {@code memory} is the harness's own check: with nothing durable it must report losses.
 */
public final class CrashTestServer {
    private CrashTestServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        String mode = args.length > 2 ? args[2] : "nosync";
        BrokerConfig.Limits d = BrokerConfig.Limits.defaults();
        // queues long enough that nothing is dropped while a subscriber is away during a kill
        BrokerConfig.Limits limits = new BrokerConfig.Limits(d.maxPacketSize(), d.maxClientIdLength(),
                d.maxTopicLevels(), d.maxInflight(), 1_000_000, d.maxAwaitingRel(), d.maxKeepAlive(),
                d.receiveMaximum(), d.topicAliasMaximum());
        BrokerConfig config = BrokerConfig.builder().listeners(List.of(ListenerConfig.tcp("127.0.0.1", port)))
                .limits(limits).build();
        MqttBroker broker = new MqttBroker(config, mode.equals("memory") ? new MemoryBrokerStore()
                : new RocksDbBrokerStore(dir, mode.equals("sync")), Authenticator.ALLOW_ALL,
                Authorizer.ALLOW_ALL, ClusterBus.LOCAL).start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.out.println("CRASH-TEST-SERVER READY " + broker.port());
        Thread.currentThread().join();
    }
}
