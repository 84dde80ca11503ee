package io.mqttx.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark connection: the MQTT client side of CONNECT, SUBSCRIBE, both directions of the
 * QoS 1/2 flows, keepalive and DISCONNECT, with an optional {@link Publisher} and {@link Subscriber}
 * attached. Everything but the futures and {@link #close()} runs on the channel's event loop.
 */
final class MqttClient extends ChannelInboundHandlerAdapter {

    /** Where a connection that breaks during the run reports it; the run then stops. */
    interface FailureSink {
        void failed(MqttClient client, Throwable cause);
    }

    private static final long BROKER_CLOSE_GRACE_MILLIS = 2000;

    private final String clientId;
    private final ClientSettings settings;
    private final FailureSink failures;
    private final CompletableFuture<Void> connAck = new CompletableFuture<>();
    private final CompletableFuture<Void> subAck = new CompletableFuture<>();
    private ChannelHandlerContext ctx;
    private Publisher publisher;
    private Subscriber subscriber;
    private int receiveMaximum = 65535;
    private boolean needsFlush;
    private long pingsSent;
    private long pingsAnswered;
    private long barrierPing = -1;
    private Runnable barrierReached;
    private volatile boolean closing;

    MqttClient(String clientId, ClientSettings settings, FailureSink failures) {
        this.clientId = clientId;
        this.settings = settings;
        this.failures = failures;
    }

    String clientId() {
        return clientId;
    }

    /** Completes when the broker accepted the connection. */
    CompletableFuture<Void> connAck() {
        return connAck;
    }

    Channel channel() {
        return ctx == null ? null : ctx.channel();
    }

    MqttVersion version() {
        return settings.version();
    }

    /** The broker's MQTT 5 Receive Maximum (65535 when it sent none, and always for 3.1.1). */
    int receiveMaximum() {
        return receiveMaximum;
    }

    void attach(Publisher p) {
        this.publisher = p;
    }

    void attach(Subscriber s) {
        this.subscriber = s;
    }

    /** Subscribes from any thread; completes on SUBACK with a granted QoS. */
    CompletableFuture<Void> subscribe(String filter, MqttQoS qos) {
        ctx.executor().execute(() -> {
            MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.SUBSCRIBE, false, MqttQoS.AT_LEAST_ONCE, false, 0);
            MqttSubscribeMessage msg = new MqttSubscribeMessage(fh, MqttMessageIdVariableHeader.from(1),
                    new MqttSubscribePayload(List.of(new MqttTopicSubscription(filter, qos))));
            ctx.writeAndFlush(msg).addListener(failOnError());
        });
        return subAck;
    }

    /**
     * Sends a PINGREQ and runs {@code action} on its PINGRESP. A broker handles one connection's
     * packets in order, so the answer proves every earlier PUBLISH was read: the end marker for
     * QoS 0, which has no acknowledgement of its own.
     */
    void barrier(Runnable action) {
        barrierReached = action;
        barrierPing = ++pingsSent;
        ctx.writeAndFlush(MqttMessage.PINGREQ).addListener(failOnError());
    }

    /** Sends DISCONNECT and closes, from any thread; the broker closing first is then no error. */
    CompletableFuture<Void> close() {
        closing = true;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Channel ch = channel();
        if (ch == null) {
            closed.complete(null);
            return closed;
        }
        ch.closeFuture().addListener(f -> closed.complete(null));
        if (ch.isActive() && connAck.isDone() && !connAck.isCompletedExceptionally()) {
            // The broker closes after DISCONNECT; letting it close first leaves TIME_WAIT on its side
            // instead of tying up one of our ephemeral ports per connection for a minute, which would
            // starve the next run of a many-connection benchmark.
            ch.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false,
                    MqttQoS.AT_MOST_ONCE, false, 0))).addListener(f -> {
                        if (!f.isSuccess()) {
                            ch.close();
                        } else {
                            ch.eventLoop().schedule(() -> ch.close(), BROKER_CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                        }
                    });
        } else {
            ch.close();
        }
        return closed;
    }

    /** Fails the handshake (for instance on a timeout) and drops the connection. */
    void abortConnect(Throwable cause) {
        closing = true;
        if (connAck.completeExceptionally(cause)) {
            Channel ch = channel();
            if (ch != null) {
                ch.close();
            }
        }
    }

    void write(Object msg) {
        ctx.write(msg).addListener(failOnError());
        needsFlush = true;
    }

    void flushIfNeeded() {
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
    }

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!settings.broker().tls()) {
            sendConnect();
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent hs) {
            if (hs.isSuccess()) {
                sendConnect();
            } else {
                fail(hs.cause());
            }
        } else if (evt instanceof IdleStateEvent) {
            pingsSent++;
            ctx.writeAndFlush(MqttMessage.PINGREQ).addListener(failOnError());
        }
        super.userEventTriggered(ctx, evt);
    }

    private void sendConnect() {
        MqttVersion v = settings.version();
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (v == MqttVersion.MQTT_5 && !settings.cleanSession()) {
            props = new MqttProperties();
            // Without an expiry an MQTT 5 session ends with the connection, whatever clean start says.
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, 300));
        }
        boolean hasUser = settings.username() != null;
        boolean hasPassword = settings.password() != null;
        MqttConnectVariableHeader vh = new MqttConnectVariableHeader(v.protocolName(), v.protocolLevel(),
                hasUser, hasPassword, false, 0, false, settings.cleanSession(), settings.keepAliveSeconds(), props);
        MqttConnectPayload payload = new MqttConnectPayload(clientId, MqttProperties.NO_PROPERTIES, null, null,
                settings.username(),
                hasPassword ? settings.password().getBytes(StandardCharsets.UTF_8) : null);
        ctx.writeAndFlush(new MqttConnectMessage(
                new MqttFixedHeader(MqttMessageType.CONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0), vh, payload))
                .addListener(failOnError());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage m)) {
                return;
            }
            if (m.decoderResult().isFailure()) {
                fail(new BenchException("undecodable packet from broker: " + m.decoderResult().cause()));
                return;
            }
            switch (m.fixedHeader().messageType()) {
                case CONNACK -> onConnAck((MqttConnAckMessage) m);
                case SUBACK -> onSubAck((MqttSubAckMessage) m);
                case PUBLISH -> onPublish((MqttPublishMessage) m);
                case PUBREL -> write(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false,
                        MqttQoS.AT_MOST_ONCE, false, 0), MqttMessageIdVariableHeader.from(messageId(m))));
                case PUBACK -> publisherOrFail(m).onPubAck(messageId(m));
                case PUBREC -> publisherOrFail(m).onPubRec(messageId(m));
                case PUBCOMP -> publisherOrFail(m).onPubComp(messageId(m));
                case PINGRESP -> onPingResp();
                case DISCONNECT -> fail(new BenchException("broker sent DISCONNECT"
                        + (m.variableHeader() == null ? "" : " (" + m.variableHeader() + ")")));
                default -> fail(new BenchException("unexpected " + m.fixedHeader().messageType() + " from broker"));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private Publisher publisherOrFail(MqttMessage m) {
        if (publisher == null) {
            throw new BenchException("unexpected " + m.fixedHeader().messageType() + " on a connection that does not publish");
        }
        return publisher;
    }

    private static int messageId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private void onConnAck(MqttConnAckMessage m) {
        MqttConnectReturnCode code = m.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            connAck.completeExceptionally(new BenchException("broker refused CONNECT of " + clientId + ": " + code));
            closing = true;
            ctx.close();
            return;
        }
        MqttProperties.MqttProperty<?> rm = m.variableHeader().properties().getProperty(MqttProperties.RECEIVE_MAXIMUM);
        if (rm != null && rm.value() instanceof Integer max && max > 0) {
            receiveMaximum = max;
        }
        connAck.complete(null);
    }

    private void onSubAck(MqttSubAckMessage m) {
        List<Integer> codes = m.payload().reasonCodes();
        if (codes.isEmpty() || codes.get(0) >= 0x80) {
            subAck.completeExceptionally(new BenchException("broker refused SUBSCRIBE of " + clientId + ": " + codes));
        } else {
            subAck.complete(null);
        }
    }

    private void onPublish(MqttPublishMessage m) {
        MqttQoS qos = m.fixedHeader().qosLevel();
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            write(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(m.variableHeader().packetId())));
        } else if (qos == MqttQoS.EXACTLY_ONCE) {
            write(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREC, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(m.variableHeader().packetId())));
        }
        if (subscriber != null) {
            ByteBuf payload = m.payload();
            subscriber.onMessage(payload, System.nanoTime());
        }
    }

    private void onPingResp() {
        pingsAnswered++;
        if (barrierPing > 0 && pingsAnswered >= barrierPing) {
            barrierPing = -1;
            Runnable r = barrierReached;
            barrierReached = null;
            r.run();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        flushIfNeeded();
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && publisher != null) {
            publisher.pump();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!closing) {
            fail(new BenchException("broker closed the connection of " + clientId));
        }
        super.channelInactive(ctx);
    }

    void fail(Throwable cause) {
        if (!connAck.isDone()) {
            connAck.completeExceptionally(cause);
        } else if (!closing) {
            failures.failed(this, cause);
        }
        subAck.completeExceptionally(cause);
        closing = true;
        ctx.close();
    }

    private ChannelFutureListener failOnError() {
        return f -> {
            if (!f.isSuccess() && !closing) {
                fail(f.cause());
            }
        };
    }
}
