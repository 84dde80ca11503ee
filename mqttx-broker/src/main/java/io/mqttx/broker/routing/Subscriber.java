package io.mqttx.broker.routing;

/** Something the router delivers to: a session, online or not. */
public interface Subscriber {

    String clientId();

    /**
     * Accepts a delivery. Called on the publisher's thread: an implementation records what must be durable before
     * the publisher is acknowledged, then hands the rest to its own thread.
     */
    void deliver(Delivery delivery);

    /**
     * As {@link #deliver(Delivery)}, but what is to run on the subscriber's own thread goes into {@code handoff},
     * which the caller hands over once every subscriber of the message has it.
     */
    default void deliver(Delivery delivery, Handoff handoff) {
        deliver(delivery);
    }

    /** Whether a client is connected now: shared groups prefer members that are. */
    default boolean isOnline() {
        return true;
    }
}
