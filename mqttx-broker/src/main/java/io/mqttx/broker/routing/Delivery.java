package io.mqttx.broker.routing;

import io.mqttx.broker.protocol.ApplicationMessage;
import java.util.List;

/**
 * One message on its way to one subscriber: the QoS it is delivered at (the lower of the published and the granted
 * QoS), the RETAIN flag it carries there, and the MQTT 5 subscription identifiers of the subscriptions it matched.
 *
 * @param messageId    broker-wide id of the routed message, shared by all its deliveries (stored payloads key on it)
 * @param sharedFilter the {@code $share/{group}/{filter}} it was chosen by, or null for an ordinary subscription
 */
public record Delivery(long messageId, ApplicationMessage message, int qos, boolean retain,
                       List<Integer> subscriptionIds, String sharedFilter) {

    public Delivery {
        subscriptionIds = List.copyOf(subscriptionIds);
    }
}
