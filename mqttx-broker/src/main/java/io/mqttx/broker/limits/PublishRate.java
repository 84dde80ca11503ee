package io.mqttx.broker.limits;

import io.mqttx.broker.sys.BrokerMetrics;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PUBLISH rate each connection of a listener is held to: a token bucket per connection (bursts of one second's
 * worth), and the counting and logging of clients that exceed it. Shared by the listener's connections, whatever
 * loop they run on.
 */
public final class PublishRate {
    private static final Logger log = LoggerFactory.getLogger(PublishRate.class);

    private final int perSecond;
    private final BrokerMetrics metrics;
    private final TokenBucket warnings = TokenBucket.oncePer(10, TimeUnit.SECONDS);
    private final LongAdder pausesSinceWarning = new LongAdder();

    /** @param perSecond PUBLISH packets per second per connection, 0 for no limit */
    public PublishRate(int perSecond, BrokerMetrics metrics) {
        this.perSecond = perSecond;
        this.metrics = metrics;
    }

    /** A fresh bucket for one connection, or null when there is no limit. */
    public TokenBucket newBucket() {
        return perSecond > 0 ? new TokenBucket(perSecond, perSecond) : null;
    }

    /** A client has published faster than the rate, and reading from it is paused. */
    public void paused(String clientId, SocketAddress remote) {
        metrics.publishPaused();
        pausesSinceWarning.increment();
        if (warnings.tryTake()) {
            log.warn("client {} ({}) publishes faster than {} messages/s: not reading from it until it is within"
                            + " the rate ({} such pauses since the last such line)", clientId, remote, perSecond,
                    pausesSinceWarning.sumThenReset());
        }
    }
}
