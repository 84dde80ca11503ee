package io.mqttx.broker.transport;

import io.mqttx.broker.limits.ConnectionCount;
import io.mqttx.broker.limits.TokenBucket;
import io.mqttx.broker.sys.BrokerMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on a listener's server socket and admits each accepted connection, or closes it there and then: before it is
 * registered with a worker loop, before a pipeline, a TLS handshake or any buffer exists for it. A connection beyond
 * the listener's or the broker's maximum of open connections, or beyond the listener's connections per second, thus
 * costs the broker an accept and a close, however many come; a CONNACK refusal would first have to pay for the TLS
 * handshake and the CONNECT of every one of them, exactly when the broker is full. The client sees its connection
 * closed at once and retries with its back-off.
 *
 * <p>An admitted connection is counted until its channel closes, whichever way it closes. Runs on the listener's
 * accept loop only.
 */
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

    private final String listener;
    private final ConnectionCount listenerConnections;
    private final ConnectionCount brokerConnections;
    private final int ratePerSecond;
    private final TokenBucket rate;
    private final BrokerMetrics metrics;
    private final TokenBucket warnings = TokenBucket.oncePer(10, TimeUnit.SECONDS);
    private long refusedSinceWarning;

    /** @param ratePerSecond connections accepted per second, in bursts of up to as many; 0 for no limit */
    ConnectionGate(String listener, ConnectionCount listenerConnections, ConnectionCount brokerConnections,
                   int ratePerSecond, BrokerMetrics metrics) {
        this.listener = listener;
        this.listenerConnections = listenerConnections;
        this.brokerConnections = brokerConnections;
        this.ratePerSecond = ratePerSecond;
        this.rate = ratePerSecond > 0 ? new TokenBucket(ratePerSecond, ratePerSecond) : null;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        String refusal = admit();
        if (refusal == null) {
            child.closeFuture().addListener(f -> {
                listenerConnections.release();
                brokerConnections.release();
            });
            ctx.fireChannelRead(child);
            return;
        }
        refusedSinceWarning++;
        if (warnings.tryTake()) {
            log.warn("listener {}: closing new connections at accept, {} ({} closed since the last such line;"
                            + " {} open on this listener, {} on the broker)", listener, refusal, refusedSinceWarning,
                    listenerConnections.open(), brokerConnections.open());
            refusedSinceWarning = 0;
        }
        // never registered: closing it is the whole cost, and nothing else will release what it did not take
        child.unsafe().closeForcibly();
    }

    /** Counts the connection in, or says why not. */
    private String admit() {
        if (!listenerConnections.tryAcquire()) {
            metrics.connectionOverLimit();
            return "the listener's maximum of " + listenerConnections.max() + " connections is reached";
        }
        if (!brokerConnections.tryAcquire()) {
            listenerConnections.release();
            metrics.connectionOverLimit();
            return "the broker's maximum of " + brokerConnections.max() + " connections is reached";
        }
        if (rate != null && !rate.tryTake()) {
            listenerConnections.release();
            brokerConnections.release();
            metrics.connectionOverRate();
            return "more than " + ratePerSecond + " connections per second";
        }
        return null;
    }
}
