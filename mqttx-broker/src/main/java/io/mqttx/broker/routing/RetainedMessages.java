package io.mqttx.broker.routing;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.store.RetainedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The retained message of every topic, in memory with the store behind it. A PUBLISH with RETAIN=1 replaces the
 * topic's message, and one with an empty payload deletes it [MQTT-3.3.1-6/10/11]. QoS 0 messages are retained too.
 */
public final class RetainedMessages {
    private final Map<String, ApplicationMessage> byTopic = new ConcurrentHashMap<>();
    private final RetainedStore store;

    public RetainedMessages(RetainedStore store) {
        this.store = store;
        for (ApplicationMessage m : store.loadAll()) {
            byTopic.put(m.topic(), m);
        }
    }

    public void update(ApplicationMessage message) {
        if (message.payload().length == 0) {
            if (byTopic.remove(message.topic()) != null) {
                store.remove(message.topic());
            }
        } else {
            ApplicationMessage retained = message.withRetain(true);
            byTopic.put(message.topic(), retained);
            store.put(retained);
        }
    }

    /**
     * The unexpired retained messages whose topics match a valid filter. A scan over all retained topics: sent
     * only on SUBSCRIBE, which is far rarer than PUBLISH.
     */
    public List<ApplicationMessage> matching(String filter, long nowMillis) {
        List<ApplicationMessage> out = new ArrayList<>();
        if (filter.indexOf('+') < 0 && filter.indexOf('#') < 0) {
            ApplicationMessage m = byTopic.get(filter);
            if (m != null && !m.isExpired(nowMillis)) {
                out.add(m);
            }
            return out;
        }
        for (ApplicationMessage m : byTopic.values()) {
            if (Topics.matches(filter, m.topic()) && !m.isExpired(nowMillis)) {
                out.add(m);
            }
        }
        return out;
    }

    public int size() {
        return byTopic.size();
    }
}
