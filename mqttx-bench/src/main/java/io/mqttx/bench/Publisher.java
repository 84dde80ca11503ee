package io.mqttx.bench;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishes one client's numbered messages: as fast as the in-flight window and the socket allow,
 * or at a fixed rate. Confined to the client's event loop.
 *
 * <p>With a fixed rate, message {@code k} is due at {@code start + k / rate} and carries that
 * intended time, not the time it finally went out: when the broker pushes back, the wait shows up
 * in the measured latency instead of silently lowering the offered load (coordinated omission).
 */
final class Publisher {

    /** What the run counts across all publishers; read by the coordinating thread for progress. */
    record Counters(LongAdder sent, LongAdder acked, LatencyStats ackLatency) {
        Counters() {
            this(new LongAdder(), new LongAdder(), new LatencyStats());
        }
    }

    private final MqttClient client;
    private final int runTag;
    private final int publisherId;
    private final String topic;
    private final MqttQoS qos;
    private final int size;
    private final long count;
    private final int requestedWindow;
    private final double intervalNanos;
    private final double phase;
    private final Counters counters;
    private final Runnable done;
    private InflightWindow window;
    private long startNanos;
    private long sent;
    private long acked;
    private boolean started;
    private boolean finished;
    private boolean wakeupScheduled;
    private boolean barrierSent;

    /**
     * @param ratePerSecond this publisher's rate, 0 for unlimited
     * @param phase         fraction of one interval to delay the first message, so publishers
     *                      sharing a total rate do not all fire at the same instant
     * @param done          run once, on the event loop, when every message is acknowledged
     */
    Publisher(MqttClient client, int runTag, int publisherId, String topic, int qos, int size, long count,
              int inflight, double ratePerSecond, double phase, Counters counters, Runnable done) {
        this.client = client;
        this.runTag = runTag;
        this.publisherId = publisherId;
        this.topic = topic;
        this.qos = MqttQoS.valueOf(qos);
        this.size = size;
        this.count = count;
        this.requestedWindow = inflight;
        this.intervalNanos = ratePerSecond > 0 ? 1e9 / ratePerSecond : 0;
        this.phase = phase;
        this.counters = counters;
        this.done = done;
    }

    /** Starts publishing; call on the event loop. */
    void start() {
        startNanos = System.nanoTime();
        started = true;
        if (qos != MqttQoS.AT_MOST_ONCE) {
            window = new InflightWindow(Math.min(requestedWindow, client.receiveMaximum()));
        }
        pump();
    }

    long sent() {
        return sent;
    }

    long acked() {
        return acked;
    }

    /** Sends whatever the window, the socket and the rate allow now. */
    void pump() {
        if (!started || finished) {
            return;
        }
        long now = System.nanoTime();
        while (sent < count && client.isWritable() && (window == null || window.hasFree())) {
            long stamp = now;
            if (intervalNanos > 0) {
                long due = dueNanos(sent);
                if (due > now) {
                    scheduleWakeup(due - now);
                    break;
                }
                stamp = due;
            }
            send(stamp, now);
            now = System.nanoTime();
        }
        client.flushIfNeeded();
        if (count == 0) {
            finish();
        } else if (sent == count && window == null && !barrierSent) {
            // QoS 0: everything is written; the PINGRESP to this PINGREQ says the broker read it all.
            barrierSent = true;
            client.barrier(this::qos0Confirmed);
        }
    }

    private long dueNanos(long k) {
        return startNanos + (long) ((k + phase) * intervalNanos);
    }

    private void scheduleWakeup(long delayNanos) {
        if (!wakeupScheduled) {
            wakeupScheduled = true;
            client.context().executor().schedule(() -> {
                wakeupScheduled = false;
                pump();
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void send(long stampNanos, long nowNanos) {
        int packetId = window == null ? 0 : window.acquire(stampNanos);
        ByteBuf payload = client.context().alloc().buffer(size);
        Payload.write(payload, size, runTag, publisherId, sent, stampNanos);
        client.write(new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, qos, false, 0),
                new MqttPublishVariableHeader(topic, packetId), payload));
        sent++;
        counters.sent().increment();
    }

    void onPubAck(int packetId) {
        if (qos != MqttQoS.AT_LEAST_ONCE) {
            throw new BenchException("PUBACK for packet " + packetId + " of a QoS " + qos.value() + " publisher");
        }
        acknowledged(window.complete(packetId, false), packetId);
    }

    void onPubRec(int packetId) {
        if (qos != MqttQoS.EXACTLY_ONCE || !window.received(packetId)) {
            throw new BenchException("unexpected PUBREC for packet " + packetId);
        }
        client.write(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId)));
    }

    void onPubComp(int packetId) {
        if (qos != MqttQoS.EXACTLY_ONCE) {
            throw new BenchException("PUBCOMP for packet " + packetId + " of a QoS " + qos.value() + " publisher");
        }
        acknowledged(window.complete(packetId, true), packetId);
    }

    private void acknowledged(long sentNanos, int packetId) {
        if (sentNanos < 0) {
            throw new BenchException("acknowledgement for packet " + packetId + " that was not in flight");
        }
        counters.ackLatency().recordNanos(System.nanoTime() - sentNanos);
        acked++;
        counters.acked().increment();
        if (acked == count) {
            finish();
        } else {
            pump();
        }
    }

    private void qos0Confirmed() {
        acked = sent;
        counters.acked().add(sent);
        finish();
    }

    private void finish() {
        if (!finished) {
            finished = true;
            done.run();
        }
    }
}
