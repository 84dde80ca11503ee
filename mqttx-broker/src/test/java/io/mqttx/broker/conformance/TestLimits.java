package io.mqttx.broker.conformance;

import io.mqttx.broker.config.BrokerConfig.Limits;

/** Broker limits for tests: the defaults with one value changed, spelled in one place. */
final class TestLimits {
    private TestLimits() {
    }

    static Limits maxTopicLevels(int levels) {
        Limits d = Limits.defaults();
        return new Limits(d.maxPacketSize(), d.maxClientIdLength(), levels, d.maxInflight(), d.maxQueuedMessages(),
                d.maxAwaitingRel(), d.maxKeepAlive(), d.receiveMaximum(), d.topicAliasMaximum());
    }

    static Limits maxAwaitingRel(int awaiting) {
        Limits d = Limits.defaults();
        return new Limits(d.maxPacketSize(), d.maxClientIdLength(), d.maxTopicLevels(), d.maxInflight(),
                d.maxQueuedMessages(), awaiting, d.maxKeepAlive(), d.receiveMaximum(), d.topicAliasMaximum());
    }
}
