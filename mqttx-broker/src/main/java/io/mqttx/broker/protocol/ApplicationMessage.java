package io.mqttx.broker.protocol;

/**
 * A message as the broker routes, stores and delivers it: immutable, shared by every subscriber it goes to (the
 * payload array is never written after construction).
 *
 * @param publisherId    client id of the publisher, for No Local and the {@code hash} shared strategy
 * @param expiresAtMillis wall-clock expiry from the Message Expiry Interval, or 0 for none
 */
public record ApplicationMessage(
        String topic,
        byte[] payload,
        int qos,
        boolean retain,
        MessageProperties properties,
        String publisherId,
        long expiresAtMillis) {

    public ApplicationMessage withRetain(boolean newRetain) {
        return newRetain == retain ? this
                : new ApplicationMessage(topic, payload, qos, newRetain, properties, publisherId, expiresAtMillis);
    }

    public ApplicationMessage withQos(int newQos) {
        return newQos == qos ? this
                : new ApplicationMessage(topic, payload, newQos, retain, properties, publisherId, expiresAtMillis);
    }

    public ApplicationMessage withPublisher(String newPublisherId) {
        return new ApplicationMessage(topic, payload, qos, retain, properties, newPublisherId, expiresAtMillis);
    }

    public ApplicationMessage withTopic(String newTopic) {
        return new ApplicationMessage(newTopic, payload, qos, retain, properties, publisherId, expiresAtMillis);
    }

    public boolean isExpired(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }
}
