package io.mqttx.server;

import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.config.ListenerConfig;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Opens the listeners when the context is ready and, on shutdown (SIGTERM runs Spring's shutdown hook), closes the
 * broker: clients are disconnected, the threads finish what they hold and the store is closed before the JVM exits.
 */
final class BrokerLifecycle implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(BrokerLifecycle.class);

    private final MqttBroker broker;
    private volatile boolean running;

    BrokerLifecycle(MqttBroker broker) {
        this.broker = broker;
    }

    @Override
    public void start() {
        try {
            broker.start();
        } catch (Exception e) { // Netty rethrows a failed bind's IOException unchecked, hence Exception
            throw new BrokerStartException("mqttx could not start its listeners ("
                    + broker.config().listeners().stream().map(BrokerLifecycle::describe)
                    .collect(Collectors.joining(", ")) + "): " + rootMessage(e), e);
        }
        running = true;
    }

    @Override
    public void stop() {
        log.info("stopping mqttx: closing listeners and connections, then the store");
        try {
            broker.close();
        } finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static String describe(ListenerConfig l) {
        return l.name() + " " + l.host() + ":" + l.port();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
