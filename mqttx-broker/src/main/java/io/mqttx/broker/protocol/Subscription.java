package io.mqttx.broker.protocol;

/**
 * One topic filter of a SUBSCRIBE with its options (MQTT 5 section 3.8.3.1; a 3.1.1 client gets the defaults).
 *
 * @param retainHandling 0 send retained on subscribe, 1 only if the subscription is new, 2 never
 */
public record Subscription(String topicFilter, int qos, boolean noLocal, boolean retainAsPublished,
                           int retainHandling) {

    public static Subscription of(String topicFilter, int qos) {
        return new Subscription(topicFilter, qos, false, false, 0);
    }
}
