package io.mqttx.broker.routing;

/** Something the router delivers to: a session, online or not. */
public interface Subscriber {

    String clientId();

    /**
     * Accepts a delivery. Called on the publisher's thread: an implementation records what must be durable before
     * the publisher is acknowledged, then hands the rest to its own thread.
     */
    void deliver(Delivery delivery);

    /** Whether a client is connected now: shared groups prefer members that are. */
    default boolean isOnline() {
        return true;
    }
}
