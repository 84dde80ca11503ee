package io.mqttx.bench;

/**
 * Who subscribes to what in e2e and fanout runs. Publisher {@code p} always publishes to
 * {@code <topic>/p<p>}.
 */
public enum Topology {
    /** Every subscriber on {@code <topic>/#}: each receives every message. */
    WILDCARD,
    /** Subscriber {@code s} on {@code <topic>/p<s mod publishers>}: pairs when the counts match. */
    OWN,
    /** One publisher, every subscriber on its exact topic. */
    FANOUT;

    public static String publisherTopic(String topic, int publisher) {
        return topic + "/p" + publisher;
    }

    public String subscriptionFilter(String topic, int subscriber, int publishers) {
        return switch (this) {
            case WILDCARD -> topic + "/#";
            case OWN -> publisherTopic(topic, subscriber % publishers);
            case FANOUT -> publisherTopic(topic, 0);
        };
    }

    /** Messages subscriber {@code s} should receive from each publisher (index), given their count each. */
    public long[] expectedPerPublisher(int subscriber, int publishers, long countPerPublisher) {
        long[] expected = new long[publishers];
        switch (this) {
            case WILDCARD -> java.util.Arrays.fill(expected, countPerPublisher);
            case OWN -> expected[subscriber % publishers] = countPerPublisher;
            case FANOUT -> expected[0] = countPerPublisher;
        }
        return expected;
    }
}
