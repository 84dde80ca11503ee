package io.mqttx.broker.testkit;

import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.cluster.ClusterBus;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.Security;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import java.util.List;
import java.util.function.UnaryOperator;

/** An in-process broker on an ephemeral loopback port, for tests. */
public final class TestBroker implements AutoCloseable {
    private final MqttBroker broker;

    private TestBroker(MqttBroker broker) {
        this.broker = broker.start();
    }

    /** Memory store, defaults, loopback port 0. */
    public static TestBroker start() {
        return start(b -> b);
    }

    public static TestBroker start(UnaryOperator<BrokerConfig.Builder> config) {
        return start(config, new MemoryBrokerStore(), Authenticator.ALLOW_ALL, Authorizer.ALLOW_ALL);
    }

    public static TestBroker start(UnaryOperator<BrokerConfig.Builder> config, BrokerStore store,
                                   Authenticator authenticator, Authorizer authorizer) {
        return new TestBroker(new MqttBroker(loopback(config), store, authenticator, authorizer, ClusterBus.LOCAL));
    }

    /** With what {@code SecurityFactory} built, enhanced authentication methods included. */
    public static TestBroker start(UnaryOperator<BrokerConfig.Builder> config, BrokerStore store, Security security) {
        MqttBroker broker = new MqttBroker(loopback(config), store, security.authenticator(), security.authorizer(),
                ClusterBus.LOCAL);
        security.enhancedAuthenticators().forEach(broker::withEnhancedAuthentication);
        return new TestBroker(broker);
    }

    private static BrokerConfig loopback(UnaryOperator<BrokerConfig.Builder> config) {
        return config.apply(BrokerConfig.builder().listeners(List.of(ListenerConfig.tcp("127.0.0.1", 0)))).build();
    }

    public MqttBroker broker() {
        return broker;
    }

    public int port() {
        return broker.port();
    }

    /** {@code tcp://127.0.0.1:port}, as Paho wants it. */
    public String uri() {
        return "tcp://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        broker.close();
    }
}
