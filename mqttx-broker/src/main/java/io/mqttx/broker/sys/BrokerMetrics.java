package io.mqttx.broker.sys;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's counters, one instance per broker. Read by the {@code $SYS} topics and the server's metrics
 * endpoint; written from every thread, hence adders.
 */
public final class BrokerMetrics {
    private final long startedAtMillis = System.currentTimeMillis();
    private final AtomicLong activeConnections = new AtomicLong();
    private final AtomicLong maxActiveConnections = new AtomicLong();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder messagesDropped = new LongAdder();
    private final LongAdder protocolViolations = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder connectionsOverLimit = new LongAdder();
    private final LongAdder connectionsOverRate = new LongAdder();
    private final LongAdder publishPauses = new LongAdder();

    public void connectionOpened() {
        long now = activeConnections.incrementAndGet();
        maxActiveConnections.accumulateAndGet(now, Math::max);
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public void messageReceived() {
        messagesReceived.increment();
    }

    public void messageSent() {
        messagesSent.increment();
    }

    /** A message not delivered to a subscriber: queue full, QoS 0 to a slow or offline client, expired. */
    public void messageDropped() {
        messagesDropped.increment();
    }

    public void protocolViolation() {
        protocolViolations.increment();
    }

    public void connectionRefused() {
        connectionsRefused.increment();
    }

    /** A new connection closed at accept: the broker's or its listener's maximum of open connections was reached. */
    public void connectionOverLimit() {
        connectionsOverLimit.increment();
    }

    /** A new connection closed at accept: its listener had accepted its connections per second already. */
    public void connectionOverRate() {
        connectionsOverRate.increment();
    }

    /** A client published faster than its rate: reading from it paused until it is within the rate again. */
    public void publishPaused() {
        publishPauses.increment();
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public long activeConnections() {
        return activeConnections.get();
    }

    public long maxActiveConnections() {
        return maxActiveConnections.get();
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long messagesSent() {
        return messagesSent.sum();
    }

    public long messagesDropped() {
        return messagesDropped.sum();
    }

    public long protocolViolations() {
        return protocolViolations.sum();
    }

    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public long connectionsOverLimit() {
        return connectionsOverLimit.sum();
    }

    public long connectionsOverRate() {
        return connectionsOverRate.sum();
    }

    public long publishPauses() {
        return publishPauses.sum();
    }
}
