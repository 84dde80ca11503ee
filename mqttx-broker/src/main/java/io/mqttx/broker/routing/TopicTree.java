package io.mqttx.broker.routing;

import io.mqttx.broker.config.BrokerConfig.ShareStrategy;
import io.mqttx.broker.protocol.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscription tree: one node per topic level, so a publish visits only the branches its topic can match and
 * never scans the wildcard subscriptions. Matching is lock-free over concurrent maps; changes are serialized by one
 * lock, which is cheap because subscriptions change far less often than messages flow. All walks are iterative.
 */
public final class TopicTree {
    private final Node root = new Node();
    private final Object writeLock = new Object();
    private final ShareStrategy shareStrategy;

    public TopicTree(ShareStrategy shareStrategy) {
        this.shareStrategy = shareStrategy;
    }

    /**
     * Adds or replaces a subscription of a subscriber; shared filters ({@code $share/g/f}) join group g on f.
     * The filter must have been validated.
     *
     * @return true if the subscriber had no subscription with this exact filter before
     */
    public boolean subscribe(Subscriber subscriber, Subscription subscription, int subscriptionId) {
        String filter = subscription.topicFilter();
        String group = null;
        if (Topics.isShared(filter)) {
            Topics.SharedFilter shared = Topics.parseShared(filter, Integer.MAX_VALUE);
            group = shared.group();
            filter = shared.filter();
        }
        Entry entry = new Entry(subscriber, subscription, subscriptionId);
        synchronized (writeLock) {
            Node node = root;
            for (String level : filter.split("/", -1)) {
                node = node.children.computeIfAbsent(level, k -> new Node());
            }
            if (group == null) {
                return node.subscribers.put(subscriber.clientId(), entry) == null;
            }
            SharedGroup sharedGroup = node.shared.computeIfAbsent(group, g -> new SharedGroup(g));
            return sharedGroup.put(entry);
        }
    }

    /** @return true if the subscriber had that subscription */
    public boolean unsubscribe(String clientId, String topicFilter) {
        String filter = topicFilter;
        String group = null;
        if (Topics.isShared(filter)) {
            Topics.SharedFilter shared;
            try {
                shared = Topics.parseShared(filter, Integer.MAX_VALUE);
            } catch (IllegalArgumentException e) {
                return false;
            }
            group = shared.group();
            filter = shared.filter();
        }
        synchronized (writeLock) {
            String[] levels = filter.split("/", -1);
            Node[] path = new Node[levels.length + 1];
            path[0] = root;
            for (int i = 0; i < levels.length; i++) {
                path[i + 1] = path[i].children.get(levels[i]);
                if (path[i + 1] == null) {
                    return false;
                }
            }
            Node leaf = path[levels.length];
            boolean removed;
            if (group == null) {
                removed = leaf.subscribers.remove(clientId) != null;
            } else {
                SharedGroup sharedGroup = leaf.shared.get(group);
                removed = sharedGroup != null && sharedGroup.remove(clientId);
                if (sharedGroup != null && sharedGroup.members.isEmpty()) {
                    leaf.shared.remove(group);
                }
            }
            for (int i = levels.length; i > 0 && path[i].isEmpty(); i--) {
                path[i - 1].children.remove(levels[i - 1], path[i]);
            }
            return removed;
        }
    }

    /**
     * Finds who receives a message published to {@code topic}: one {@link Target} per subscriber for its ordinary
     * subscriptions (highest granted QoS, all subscription identifiers) and one per matching shared group.
     */
    public List<Target> match(String topic, String publisherId) {
        String[] levels = topic.split("/", -1);
        boolean dollar = topic.startsWith("$");
        Map<String, Target> byClient = new HashMap<>();
        List<Target> targets = new ArrayList<>();
        ArrayDeque<Node> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(0);
        while (!nodes.isEmpty()) {
            Node node = nodes.pop();
            int depth = depths.pop();
            boolean wildcardsAllowed = !(dollar && depth == 0); // [MQTT-4.7.2-1]
            if (wildcardsAllowed) {
                Node hash = node.children.get("#");
                if (hash != null) {
                    collect(hash, publisherId, byClient, targets);
                }
            }
            if (depth == levels.length) {
                collect(node, publisherId, byClient, targets);
                continue;
            }
            if (wildcardsAllowed) {
                Node plus = node.children.get("+");
                if (plus != null) {
                    nodes.push(plus);
                    depths.push(depth + 1);
                }
            }
            Node exact = node.children.get(levels[depth]);
            if (exact != null) {
                nodes.push(exact);
                depths.push(depth + 1);
            }
        }
        targets.addAll(byClient.values());
        return targets;
    }

    private void collect(Node node, String publisherId, Map<String, Target> byClient, List<Target> targets) {
        for (Entry e : node.subscribers.values()) {
            Subscription s = e.subscription;
            if (s.noLocal() && e.subscriber.clientId().equals(publisherId)) {
                continue;
            }
            Target t = byClient.get(e.subscriber.clientId());
            if (t == null) {
                byClient.put(e.subscriber.clientId(), new Target(e.subscriber, s.qos(), s.retainAsPublished(),
                        e.subscriptionId == 0 ? List.of() : List.of(e.subscriptionId), null));
            } else {
                List<Integer> ids = t.subscriptionIds;
                if (e.subscriptionId != 0) {
                    ids = new ArrayList<>(ids);
                    ids.add(e.subscriptionId);
                }
                byClient.put(e.subscriber.clientId(), new Target(e.subscriber, Math.max(t.qos, s.qos()),
                        t.retainAsPublished || s.retainAsPublished(), ids, null));
            }
        }
        if (!node.shared.isEmpty()) {
            for (SharedGroup group : node.shared.values()) {
                Entry e = group.pick(shareStrategy, publisherId);
                if (e != null) {
                    targets.add(new Target(e.subscriber, e.subscription.qos(), e.subscription.retainAsPublished(),
                            e.subscriptionId == 0 ? List.of() : List.of(e.subscriptionId),
                            e.subscription.topicFilter()));
                }
            }
        }
    }

    /** The members of a shared group on the same filter, other than the one given, for redelivery. */
    public List<Subscriber> sharedMembers(String sharedFilter) {
        Topics.SharedFilter shared = Topics.parseShared(sharedFilter, Integer.MAX_VALUE);
        Node node = root;
        for (String level : shared.filter().split("/", -1)) {
            node = node.children.get(level);
            if (node == null) {
                return List.of();
            }
        }
        SharedGroup group = node.shared.get(shared.group());
        if (group == null) {
            return List.of();
        }
        List<Subscriber> members = new ArrayList<>();
        for (Entry e : group.members) {
            members.add(e.subscriber);
        }
        return members;
    }

    /**
     * A receiver of one published message.
     *
     * @param sharedFilter the full {@code $share/...} filter when chosen from a shared group, else null
     */
    public record Target(Subscriber subscriber, int qos, boolean retainAsPublished, List<Integer> subscriptionIds,
                         String sharedFilter) {
    }

    private record Entry(Subscriber subscriber, Subscription subscription, int subscriptionId) {
    }

    private static final class Node {
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>(4);
        final ConcurrentHashMap<String, Entry> subscribers = new ConcurrentHashMap<>(2);
        final ConcurrentHashMap<String, SharedGroup> shared = new ConcurrentHashMap<>(1);

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty() && shared.isEmpty();
        }
    }

    private static final class SharedGroup {
        final String name;
        final CopyOnWriteArrayList<Entry> members = new CopyOnWriteArrayList<>();
        final AtomicInteger next = new AtomicInteger();

        SharedGroup(String name) {
            this.name = name;
        }

        boolean put(Entry entry) {
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i).subscriber.clientId().equals(entry.subscriber.clientId())) {
                    members.set(i, entry);
                    return false;
                }
            }
            members.add(entry);
            return true;
        }

        boolean remove(String clientId) {
            return members.removeIf(e -> e.subscriber.clientId().equals(clientId));
        }

        /**
         * Chooses the member for one message: among the members online now, by the strategy; only when none is
         * online, among all (the message then waits in a persistent member's session).
         */
        Entry pick(ShareStrategy strategy, String publisherId) {
            Object[] snapshot = members.toArray();
            if (snapshot.length == 0) {
                return null;
            }
            int online = 0;
            for (Object o : snapshot) {
                if (((Entry) o).subscriber.isOnline()) {
                    snapshot[online++] = o;
                }
            }
            int n = online > 0 ? online : snapshot.length;
            if (online == 0) {
                snapshot = members.toArray();
            }
            int index = switch (strategy) {
                case ROUND -> Math.floorMod(next.getAndIncrement(), n);
                case RANDOM -> ThreadLocalRandom.current().nextInt(n);
                case HASH -> Math.floorMod(publisherId == null ? 0 : publisherId.hashCode(), n);
            };
            return (Entry) snapshot[index];
        }
    }
}
