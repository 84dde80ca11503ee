package io.mqttx.broker.routing;

import io.mqttx.broker.cluster.ClusterBus;
import io.mqttx.broker.protocol.ApplicationMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes a published message to everyone subscribed to its topic on this node, updates the retained messages, and
 * hands it to the cluster bus for the other nodes.
 */
public final class Router {
    private final TopicTree tree;
    private final RetainedMessages retained;
    private final ClusterBus clusterBus;
    private final AtomicLong messageIds;

    /** @param lastMessageId the highest message id the store holds, so ids stay unique across restarts */
    public Router(TopicTree tree, RetainedMessages retained, ClusterBus clusterBus, long lastMessageId) {
        this.tree = tree;
        this.retained = retained;
        this.clusterBus = clusterBus;
        this.messageIds = new AtomicLong(lastMessageId);
    }

    /**
     * Routes a message published by a client. Call on the publisher's session thread: each subscriber records what
     * must be durable before it returns, so a commit of the store after this call covers every subscriber.
     *
     * @return how many subscriptions received it
     */
    public int route(ApplicationMessage message) {
        if (message.retain()) {
            retained.update(message);
        }
        int n = deliverLocally(message);
        clusterBus.forward(message);
        return n;
    }

    /** Delivers to this node's subscribers only: for messages that came from another node. */
    public int deliverLocally(ApplicationMessage message) {
        List<TopicTree.Target> targets = tree.match(message.topic(), message.publisherId());
        if (targets.isEmpty()) {
            return 0;
        }
        long id = messageIds.incrementAndGet();
        Handoff handoff = new Handoff();
        try {
            for (TopicTree.Target t : targets) {
                int qos = Math.min(message.qos(), t.qos());
                boolean retain = t.retainAsPublished() && message.retain();
                t.subscriber().deliver(new Delivery(id, message, qos, retain, t.subscriptionIds(), t.sharedFilter()),
                        handoff);
            }
        } finally {
            // the subscribers that took the message get it even if a later one failed
            handoff.handOver();
        }
        return targets.size();
    }

    /** A fresh message id, for deliveries that do not come through {@link #route} (retained on subscribe). */
    public long nextMessageId() {
        return messageIds.incrementAndGet();
    }

    public TopicTree tree() {
        return tree;
    }

    public RetainedMessages retained() {
        return retained;
    }
}
