package io.mqttx.server;

import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.security.Security;

/**
 * The broker and the security it was built with, closed in that order: the authenticator's threads outlive every
 * connection that might still ask them.
 */
record ServerBroker(MqttBroker broker, Security security) implements AutoCloseable {
    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            security.close();
        }
    }
}
