package io.mqttx.broker.store.embedded;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.protocol.UserProperty;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.SessionStore.StoredSubscription;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values of the embedded store. Every value starts with a record version byte, so that a later format
 * can read (or refuse) what an earlier one wrote; every key that belongs to a session starts with the client id
 * length-prefixed ({@link #clientPrefix}), so that no client id is a prefix of another's keys whatever it contains.
 *
 * <pre>
 * column family   key                                   value
 * meta (default)  "format-version"                      u8 version
 * sessions        client                                v1: u8 protocol level, varint expiry s, varint disconnected ms
 * subscriptions   client ++ filter (WTF-8, rest of key) v1: u8 options, varint subscription identifier
 * queues          client ++ orderedLong sequence        v1: varint message id, u8 qos|retain, varint n, n varints
 * flight          client ++ orderedLong sequence        v1: u16 packet id, u8 phase
 * inbound         client ++ u16 packet id               v1: (nothing else)
 * messages        orderedLong message id                v1: message (see encodeMessage)
 * retained        topic (WTF-8)                         v1: message
 *
 * client = varint byte length ++ WTF-8 bytes of the client id
 * </pre>
 */
final class Records {
    static final int V1 = 1;

    private Records() {
    }

    // ---------------------------------------------------------------- keys

    static byte[] clientPrefix(String clientId) {
        return new ByteWriter(clientId.length() + 6).string(clientId).toArray();
    }

    static byte[] sessionKey(String clientId) {
        return clientPrefix(clientId);
    }

    static byte[] subscriptionKey(String clientId, String topicFilter) {
        return new ByteWriter(clientId.length() + topicFilter.length() + 8).string(clientId).wtf8(topicFilter)
                .toArray();
    }

    static byte[] sequenceKey(String clientId, long sequence) {
        return new ByteWriter(clientId.length() + 14).string(clientId).orderedLong(sequence).toArray();
    }

    static byte[] inboundKey(String clientId, int packetId) {
        return new ByteWriter(clientId.length() + 8).string(clientId).u16(packetId).toArray();
    }

    static byte[] messageKey(long messageId) {
        return new ByteWriter(8).orderedLong(messageId).toArray();
    }

    static byte[] topicKey(String topic) {
        return new ByteWriter(topic.length() + 4).wtf8(topic).toArray();
    }

    /** Where the client prefix ends in a session key. */
    static int skipClientPrefix(byte[] key, String what) {
        ByteReader r = new ByteReader(key, what);
        int n = r.varint(key.length);
        int start = r.position();
        if (n > key.length - start) {
            throw r.corrupt("client id length " + n + " past the end of the key");
        }
        return start + n;
    }

    static String clientIdOf(byte[] key, String what) {
        return new ByteReader(key, what).string();
    }

    static String filterOf(byte[] key) {
        int at = skipClientPrefix(key, "subscription key");
        return new ByteReader(key, at, key.length, "subscription key").restAsString();
    }

    static long sequenceOf(byte[] key, String what) {
        int at = skipClientPrefix(key, what);
        ByteReader r = new ByteReader(key, at, key.length, what);
        long seq = r.orderedLong();
        r.expectEnd();
        return seq;
    }

    static int packetIdOf(byte[] key) {
        int at = skipClientPrefix(key, "inbound key");
        ByteReader r = new ByteReader(key, at, key.length, "inbound key");
        int id = r.u16();
        r.expectEnd();
        return id;
    }

    static long messageIdOf(byte[] key) {
        ByteReader r = new ByteReader(key, "message key");
        long id = r.orderedLong();
        r.expectEnd();
        return id;
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}: the exclusive upper bound of a prefix
     * scan. A client prefix always has one, since its length varint ends with a byte below 0x80.
     */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = java.util.Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        throw new IllegalArgumentException("prefix of 0xFF bytes has no upper bound");
    }

    private static ByteReader reader(byte[] value, String what) {
        ByteReader r = new ByteReader(value, what);
        int version = r.u8();
        if (version != V1) {
            throw r.corrupt("unknown record version " + version);
        }
        return r;
    }

    // ---------------------------------------------------------------- sessions and subscriptions

    static byte[] encodeSession(SessionState s) {
        return new ByteWriter(24).u8(V1).u8(s.protocolVersion().level()).varint(s.expiryIntervalSeconds())
                .varint(s.disconnectedAtMillis()).toArray();
    }

    static SessionState decodeSession(String clientId, byte[] value) {
        ByteReader r = reader(value, "session of '" + clientId + "'");
        int level = r.u8();
        ProtocolVersion version = null;
        for (ProtocolVersion v : ProtocolVersion.values()) {
            if (v.level() == level) {
                version = v;
            }
        }
        if (version == null) {
            throw r.corrupt("unknown protocol level " + level);
        }
        long expiry = r.varint();
        long disconnectedAt = r.varint();
        r.expectEnd();
        return new SessionState(clientId, version, expiry, disconnectedAt);
    }

    static byte[] encodeSubscription(Subscription s, int subscriptionIdentifier) {
        int options = s.qos() | (s.noLocal() ? 4 : 0) | (s.retainAsPublished() ? 8 : 0) | (s.retainHandling() << 4);
        return new ByteWriter(8).u8(V1).u8(options).varint(subscriptionIdentifier).toArray();
    }

    static StoredSubscription decodeSubscription(String topicFilter, byte[] value) {
        ByteReader r = reader(value, "subscription '" + topicFilter + "'");
        int options = r.u8();
        int qos = options & 3;
        int retainHandling = (options >>> 4) & 3;
        if (qos > 2 || retainHandling > 2 || (options & 0xC0) != 0) {
            throw r.corrupt("invalid subscription options 0x" + Integer.toHexString(options));
        }
        int id = r.varint(268_435_455);
        r.expectEnd();
        return new StoredSubscription(new Subscription(topicFilter, qos, (options & 4) != 0, (options & 8) != 0,
                retainHandling), id);
    }

    // ---------------------------------------------------------------- queues

    /** A queue entry without the message: that is stored once under its message id. */
    record Entry(long messageId, int qos, boolean retain, List<Integer> subscriptionIds) {
    }

    static byte[] encodeEntry(QueuedMessage m) {
        ByteWriter w = new ByteWriter(16 + 4 * m.subscriptionIds().size()).u8(V1).varint(m.messageId())
                .u8(m.qos() | (m.retain() ? 4 : 0)).varint(m.subscriptionIds().size());
        for (int id : m.subscriptionIds()) {
            w.varint(id);
        }
        return w.toArray();
    }

    static Entry decodeEntry(byte[] value, String what) {
        ByteReader r = reader(value, what);
        long messageId = r.varint();
        int flags = r.u8();
        if ((flags & 3) == 3 || (flags & ~7) != 0) {
            throw r.corrupt("invalid flags 0x" + Integer.toHexString(flags));
        }
        int n = r.varint(value.length);
        List<Integer> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(r.varint(268_435_455));
        }
        r.expectEnd();
        return new Entry(messageId, flags & 3, (flags & 4) != 0, List.copyOf(ids));
    }

    record Flight(int packetId, QueuedMessage.Phase phase) {
    }

    static byte[] encodeFlight(int packetId, QueuedMessage.Phase phase) {
        return new ByteWriter(4).u8(V1).u16(packetId).u8(phase.ordinal()).toArray();
    }

    static Flight decodeFlight(byte[] value, String what) {
        ByteReader r = reader(value, what);
        int packetId = r.u16();
        int phase = r.u8();
        QueuedMessage.Phase[] phases = QueuedMessage.Phase.values();
        if (phase >= phases.length) {
            throw r.corrupt("unknown phase " + phase);
        }
        r.expectEnd();
        return new Flight(packetId, phases[phase]);
    }

    static byte[] encodeInbound() {
        return new byte[] {V1};
    }

    static void checkInbound(byte[] value, String what) {
        reader(value, what).expectEnd();
    }

    // ---------------------------------------------------------------- messages

    private static final int RETAIN = 1;
    private static final int PUBLISHER = 1 << 3;
    private static final int FORMAT = 1 << 4;
    private static final int EXPIRY = 1 << 5;
    private static final int CONTENT_TYPE = 1 << 6;
    private static final int RESPONSE_TOPIC = 1 << 7;
    private static final int CORRELATION = 1 << 8;
    private static final int KNOWN_FLAGS = (1 << 9) - 1;

    /**
     * v1: varint flags (bit 0 retain, bits 1-2 qos, then one bit per optional field present), topic, [publisher],
     * varint expires-at ms, [format indicator], [expiry interval], [content type], [response topic],
     * [correlation data], varint user property count, (name, value)*, payload.
     */
    static byte[] encodeMessage(ApplicationMessage m) {
        MessageProperties p = m.properties() == null ? MessageProperties.NONE : m.properties();
        int flags = (m.retain() ? RETAIN : 0) | (m.qos() << 1)
                | (m.publisherId() != null ? PUBLISHER : 0)
                | (p.payloadFormatIndicator() != null ? FORMAT : 0)
                | (p.messageExpiryInterval() != null ? EXPIRY : 0)
                | (p.contentType() != null ? CONTENT_TYPE : 0)
                | (p.responseTopic() != null ? RESPONSE_TOPIC : 0)
                | (p.correlationData() != null ? CORRELATION : 0);
        ByteWriter w = new ByteWriter(m.payload().length + m.topic().length() + 32).u8(V1).varint(flags)
                .string(m.topic());
        if (m.publisherId() != null) {
            w.string(m.publisherId());
        }
        w.varint(m.expiresAtMillis());
        if (p.payloadFormatIndicator() != null) {
            w.varint(p.payloadFormatIndicator());
        }
        if (p.messageExpiryInterval() != null) {
            w.varint(p.messageExpiryInterval());
        }
        if (p.contentType() != null) {
            w.string(p.contentType());
        }
        if (p.responseTopic() != null) {
            w.string(p.responseTopic());
        }
        if (p.correlationData() != null) {
            w.bytes(p.correlationData());
        }
        w.varint(p.userProperties().size());
        for (UserProperty up : p.userProperties()) {
            w.string(up.name()).string(up.value());
        }
        return w.bytes(m.payload()).toArray();
    }

    static ApplicationMessage decodeMessage(byte[] value, String what) {
        return decodeMessage(value, what, true);
    }

    /** Checks that a stored message decodes, without copying its payload: the open-time verification. */
    static void checkMessage(byte[] value, String what) {
        decodeMessage(value, what, false);
    }

    private static ApplicationMessage decodeMessage(byte[] value, String what, boolean withPayload) {
        ByteReader r = reader(value, what);
        long flags = r.varint();
        int qos = (int) (flags >>> 1) & 3;
        if ((flags & ~KNOWN_FLAGS) != 0 || qos == 3) {
            throw r.corrupt("invalid flags 0x" + Long.toHexString(flags));
        }
        String topic = r.string();
        String publisher = (flags & PUBLISHER) != 0 ? r.string() : null;
        long expiresAt = r.varint();
        Integer format = (flags & FORMAT) != 0 ? r.varint(255) : null;
        Long expiryInterval = (flags & EXPIRY) != 0 ? r.varint() : null;
        String contentType = (flags & CONTENT_TYPE) != 0 ? r.string() : null;
        String responseTopic = (flags & RESPONSE_TOPIC) != 0 ? r.string() : null;
        byte[] correlation = (flags & CORRELATION) != 0 ? r.bytes() : null;
        int n = r.varint(value.length);
        List<UserProperty> userProperties = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            userProperties.add(new UserProperty(r.string(), r.string()));
        }
        if (!withPayload) {
            r.skipBytes();
            r.expectEnd();
            return null;
        }
        byte[] payload = r.bytes();
        r.expectEnd();
        MessageProperties properties = format == null && expiryInterval == null && contentType == null
                && responseTopic == null && correlation == null && userProperties.isEmpty()
                ? MessageProperties.NONE
                : new MessageProperties(format, expiryInterval, contentType, responseTopic, correlation,
                        userProperties);
        return new ApplicationMessage(topic, payload, qos, (flags & RETAIN) != 0, properties, publisher, expiresAt);
    }
}
