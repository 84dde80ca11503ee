package io.mqttx.broker.routing;

import io.mqttx.broker.config.BrokerConfig.ShareStrategy;
import io.mqttx.broker.protocol.Subscription;
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
    /** Above this many hits, merging by client id goes through a map instead of comparing every pair. */
    private static final int MERGE_BY_SCAN_MAX = 32;

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
     * Runs for every published message, so it allocates only the level strings, a small walk stack and the
     * result; subscribers matched by more than one filter (rare) are merged without a map up to a few dozen hits.
     */
    public List<Target> match(String topic, String publisherId) {
        String[] levels = levels(topic);
        boolean dollar = !topic.isEmpty() && topic.charAt(0) == '$';
        // each level pushes at most its '+' and its exact child: the stack never holds more than 2 per level
        Node[] nodes = new Node[2 * levels.length + 2];
        int[] depths = new int[nodes.length];
        int top = 0;
        nodes[top] = root;
        depths[top++] = 0;
        ArrayList<Entry> hits = new ArrayList<>(4);
        List<Target> targets = null;
        while (top > 0) {
            Node node = nodes[--top];
            int depth = depths[top];
            boolean wildcardsAllowed = !(dollar && depth == 0); // [MQTT-4.7.2-1]
            if (wildcardsAllowed) {
                Node hash = node.children.get("#");
                if (hash != null) {
                    targets = collect(hash, publisherId, hits, targets);
                }
            }
            if (depth == levels.length) {
                targets = collect(node, publisherId, hits, targets);
                continue;
            }
            if (wildcardsAllowed) {
                Node plus = node.children.get("+");
                if (plus != null) {
                    nodes[top] = plus;
                    depths[top++] = depth + 1;
                }
            }
            Node exact = node.children.get(levels[depth]);
            if (exact != null) {
                nodes[top] = exact;
                depths[top++] = depth + 1;
            }
        }
        return merge(hits, targets);
    }

    /** The topic's levels, as {@code topic.split("/", -1)} would give them, without its intermediate list. */
    private static String[] levels(String topic) {
        int n = 1;
        for (int i = topic.indexOf('/'); i >= 0; i = topic.indexOf('/', i + 1)) {
            n++;
        }
        if (n == 1) {
            return new String[] {topic};
        }
        String[] levels = new String[n];
        int start = 0;
        for (int i = 0; i < n - 1; i++) {
            int end = topic.indexOf('/', start);
            levels[i] = topic.substring(start, end);
            start = end + 1;
        }
        levels[n - 1] = topic.substring(start);
        return levels;
    }

    /** Adds the node's ordinary subscriptions to {@code hits}, and a target per shared group to {@code shared}. */
    private List<Target> collect(Node node, String publisherId, List<Entry> hits, List<Target> shared) {
        for (Entry e : node.subscribers.values()) {
            if (e.subscription.noLocal() && e.subscriber.clientId().equals(publisherId)) {
                continue;
            }
            hits.add(e);
        }
        if (!node.shared.isEmpty()) {
            for (SharedGroup group : node.shared.values()) {
                Entry e = group.pick(shareStrategy, publisherId);
                if (e != null) {
                    if (shared == null) {
                        shared = new ArrayList<>(2);
                    }
                    shared.add(new Target(e.subscriber, e.subscription.qos(), e.subscription.retainAsPublished(),
                            e.subscriptionId == 0 ? List.of() : List.of(e.subscriptionId),
                            e.subscription.topicFilter()));
                }
            }
        }
        return shared;
    }

    /** One target per client among the ordinary hits, after the shared-group targets. */
    private static List<Target> merge(List<Entry> hits, List<Target> shared) {
        int n = hits.size();
        List<Target> targets = shared != null ? shared : new ArrayList<>(n);
        if (n == 0) {
            return targets;
        }
        if (n > MERGE_BY_SCAN_MAX) {
            Map<String, Target> byClient = new HashMap<>(n * 2);
            for (Entry e : hits) {
                byClient.merge(e.subscriber.clientId(), target(e), TopicTree::combine);
            }
            targets.addAll(byClient.values());
            return targets;
        }
        int firstOrdinary = targets.size();
        outer:
        for (Entry e : hits) {
            String clientId = e.subscriber.clientId();
            for (int i = firstOrdinary; i < targets.size(); i++) {
                Target t = targets.get(i);
                if (t.subscriber().clientId().equals(clientId)) {
                    targets.set(i, combine(t, target(e)));
                    continue outer;
                }
            }
            targets.add(target(e));
        }
        return targets;
    }

    private static Target target(Entry e) {
        Subscription s = e.subscription;
        return new Target(e.subscriber, s.qos(), s.retainAsPublished(),
                e.subscriptionId == 0 ? List.of() : List.of(e.subscriptionId), null);
    }

    /** One client's two ordinary subscriptions matching one topic: highest QoS, every subscription identifier. */
    private static Target combine(Target a, Target b) {
        List<Integer> ids = a.subscriptionIds();
        if (!b.subscriptionIds().isEmpty()) {
            ids = new ArrayList<>(ids);
            ids.addAll(b.subscriptionIds());
        }
        return new Target(a.subscriber(), Math.max(a.qos(), b.qos()), a.retainAsPublished() || b.retainAsPublished(),
                ids, null);
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
