package io.mqttx.broker.security;

/**
 * Decides which topics a client may publish to and subscribe to. Asked at PUBLISH, at SUBSCRIBE (with the filter
 * of a shared subscription, not its {@code $share/group/} prefix) and again at delivery, so that a revoked right
 * takes effect on existing subscriptions.
 */
public interface Authorizer {

    boolean canPublish(ClientIdentity client, String topic);

    boolean canSubscribe(ClientIdentity client, String topicFilter);

    /** Whether a message on {@code topic} may be delivered to the client; checked at delivery. */
    default boolean canReceive(ClientIdentity client, String topic) {
        return true;
    }

    /** Grants everything: the default while {@code enable-topic-sub-pub-secure} is off. */
    Authorizer ALLOW_ALL = new Authorizer() {
        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
            return true;
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String topicFilter) {
            return true;
        }
    };
}
