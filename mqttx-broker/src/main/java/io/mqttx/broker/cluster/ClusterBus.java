package io.mqttx.broker.cluster;

import io.mqttx.broker.protocol.ApplicationMessage;

/**
 * Carries what other nodes must know: messages for their subscribers and session takeovers. The single-node
 * broker uses {@link #LOCAL}, which has no one to tell.
 */
public interface ClusterBus extends AutoCloseable {

    /** Hands a message published on this node to the nodes whose subscribers match it. */
    void forward(ApplicationMessage message);

    /** Tells the other nodes that a client connected here, so they end its connection there. */
    void announceConnect(String clientId);

    @Override
    default void close() {
    }

    ClusterBus LOCAL = new ClusterBus() {
        @Override
        public void forward(ApplicationMessage message) {
        }

        @Override
        public void announceConnect(String clientId) {
        }
    };
}
