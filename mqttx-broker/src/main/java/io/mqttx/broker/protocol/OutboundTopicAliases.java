package io.mqttx.broker.protocol;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The topic aliases the server uses towards one client on one network connection [MQTT-3.3.2-10..12]: at most the
 * smaller of the client's Topic Alias Maximum and the configured maximum, the least recently used mapping replaced
 * when all are taken. Aliases never outlive the connection, so a new connection starts with none. Not thread-safe:
 * used only by the owner thread of the session the connection is attached to, which sends all its PUBLISHes.
 */
public final class OutboundTopicAliases {
    /** Topics this short save nothing: the Topic Alias property (3 bytes) costs as much as the topic. */
    private static final int MIN_TOPIC_BYTES = 4;
    public static final OutboundTopicAliases NONE = new OutboundTopicAliases(0);

    private final int maximum;
    /** Topic to alias, in access order: the first entry is the least recently used. */
    private final LinkedHashMap<String, Integer> aliases;

    /** What to send for a topic: its alias, and whether the client already knows it (so the topic can be empty). */
    public record Alias(int value, boolean known) {
    }

    public OutboundTopicAliases(int maximum) {
        this.maximum = Math.max(0, maximum);
        this.aliases = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Whether aliasing {@code topic} is possible and could pay off at all. */
    public boolean applies(String topic, int topicUtf8Bytes) {
        return maximum > 0 && topicUtf8Bytes >= MIN_TOPIC_BYTES;
    }

    /**
     * The alias {@code topic} would be sent with; nothing changes until {@link #assign} (a known alias is marked
     * as recently used).
     */
    public Alias lookup(String topic) {
        Integer known = aliases.get(topic);
        if (known != null) {
            return new Alias(known, true);
        }
        if (aliases.size() < maximum) {
            return new Alias(aliases.size() + 1, false);
        }
        return new Alias(aliases.entrySet().iterator().next().getValue(), false);
    }

    /** Records that {@code alias} was sent together with {@code topic}: the client now maps one to the other. */
    public void assign(String topic, int alias) {
        for (Iterator<Map.Entry<String, Integer>> it = aliases.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() == alias) {
                it.remove();
                break;
            }
        }
        aliases.put(topic, alias);
    }

    public int maximum() {
        return maximum;
    }
}
