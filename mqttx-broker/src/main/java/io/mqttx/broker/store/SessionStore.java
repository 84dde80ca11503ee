package io.mqttx.broker.store;

import io.mqttx.broker.protocol.Subscription;
import java.util.List;

/**
 * Persistent sessions: their state and subscriptions. Clean sessions never reach the store. Calls may come from any
 * thread; writes become durable at the next {@link BrokerStore#commit()}.
 */
public interface SessionStore {

    void saveSession(SessionState state);

    /** Removes the session and everything it owns: subscriptions, queued and in-flight messages, inbound ids. */
    void deleteSession(String clientId);

    List<SessionState> loadSessions();

    /** @param subscriptionIdentifier the MQTT 5 Subscription Identifier, 0 for none */
    void saveSubscription(String clientId, Subscription subscription, int subscriptionIdentifier);

    void deleteSubscription(String clientId, String topicFilter);

    List<StoredSubscription> loadSubscriptions(String clientId);

    record StoredSubscription(Subscription subscription, int subscriptionIdentifier) {
    }
}
