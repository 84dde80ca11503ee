package io.mqttx.broker.connection;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.limits.PublishRate;
import io.mqttx.broker.limits.TokenBucket;
import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.InboundPacket;
import io.mqttx.broker.protocol.InboundPacketAdapter;
import io.mqttx.broker.protocol.OutboundPackets;
import io.mqttx.broker.protocol.OutboundTopicAliases;
import io.mqttx.broker.protocol.ProblemInformation;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.ProtocolViolation;
import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.security.AuthenticationResult;
import io.mqttx.broker.security.ClientIdentity;
import io.mqttx.broker.security.Credentials;
import io.mqttx.broker.security.EnhancedAuthenticator;
import io.mqttx.broker.session.ClientChannel;
import io.mqttx.broker.session.Session;
import io.mqttx.broker.session.SessionRegistry;
import io.mqttx.broker.sys.ClientEvent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the CONNECT handshake (timeout, version, authentication), keepalive, topic aliases, the
 * will, and handing every other packet to the session's owner thread. Runs on the channel's event loop. Protocol
 * violations end here, in {@link #violation}, whatever thread found them.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter implements ClientChannel {
    private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);
    /** Where Netty's MQTT codec keeps the version it decoded from CONNECT; its encoder writes in that version. */
    private static final AttributeKey<MqttVersion> CODEC_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private enum State { AWAIT_CONNECT, CONNECTING, CONNECTED, CLOSING }

    private final ConnectionServices services;
    private final BrokerConfig.Limits limits;
    private final boolean certificateCommonNameAsUsername;
    private Channel channel;
    private State state = State.AWAIT_CONNECT;
    private ScheduledFuture<?> connectTimeout;
    private final ArrayDeque<MqttMessage> pending = new ArrayDeque<>();
    private final PublishRate publishRate;
    private final ConnectionLogs logs;
    /** Null without a publish rate limit. */
    private final TokenBucket publishTokens;
    /** Packets read while over the publish rate, in order; reading is paused while there are any. */
    private final ArrayDeque<MqttMessage> held = new ArrayDeque<>();
    /** Packet handling for a session on another event loop, waiting for the end of the read (one task per burst). */
    private final ArrayList<Runnable> sessionWork = new ArrayList<>();
    /** Packets, and violations, from the session's thread on their way to this event loop (see toLoop). */
    private final Queue<Object> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean outboxDrainScheduled = new AtomicBoolean();

    private volatile ProtocolVersion version = ProtocolVersion.MQTT_3_1_1;
    private volatile Session session;
    private volatile ClientIdentity identity;
    private volatile boolean connackSent;
    private String clientId = "";
    private InboundPacket.Will will;
    private boolean graceful;
    private long connectSessionExpiry;
    private boolean requestResponseInformation;
    private int receiveMaximum = 65535;
    private int maximumPacketSize = Integer.MAX_VALUE;
    private final Map<Integer, String> topicAliases = new HashMap<>();
    private volatile ProblemInformation problems = ProblemInformation.NONE;
    private volatile OutboundTopicAliases outboundAliases = OutboundTopicAliases.NONE;
    /** Why the connection ended, first cause wins; for the $SYS disconnect event. */
    private String closeReason;
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    /** What a CONNECT asked for, kept while an enhanced authentication exchange runs before CONNACK. */
    private record PendingConnect(InboundPacket.Connect connect, boolean assignedId, int keepAlive,
                                  int serverKeepAlive) {
    }

    private Credentials credentials;
    private EnhancedAuthenticator enhanced;
    private EnhancedAuthenticator.Exchange exchange;
    private PendingConnect pendingConnect;
    private byte[] finalAuthData;

    public MqttConnection(ConnectionServices services) {
        this(services, false, new PublishRate(services.config().limits().maxPublishRate(), services.metrics()),
                ConnectionLogs.create());
    }

    /**
     * @param certificateCommonNameAsUsername the listener takes identity from client certificates: the username the
     *        authenticator sees (and authorization uses) is the CN of the verified client certificate, and a client
     *        without one is anonymous (username null), whatever its CONNECT says, so that no CONNECT can claim a
     *        certificate's identity. The password is passed on unchanged.
     * @param publishRate the PUBLISH rate this connection is held to
     * @param logs where lines about a misbehaving client go, shared by the connections of the listener
     */
    public MqttConnection(ConnectionServices services, boolean certificateCommonNameAsUsername,
                          PublishRate publishRate, ConnectionLogs logs) {
        this.services = services;
        this.limits = services.config().limits();
        this.certificateCommonNameAsUsername = certificateCommonNameAsUsername;
        this.publishRate = publishRate;
        this.logs = logs;
        this.publishTokens = publishRate.newBucket();
    }

    // ------------------------------------------------------------------ Netty events

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        long timeoutMillis = services.config().connectTimeout().toMillis();
        connectTimeout = ctx.executor().schedule(() -> {
            if (state == State.AWAIT_CONNECT || state == State.CONNECTING) {
                logs.noConnect().log("{}: no CONNECT within {} ms, closing", channel.remoteAddress(), timeoutMillis);
                state = State.CLOSING;
                channel.close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage message)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (state == State.CLOSING) {
                return; // after a refusal no further packet is processed [MQTT-3.1.4-5]
            }
            if (message.decoderResult().isFailure()) {
                readCodecVersion();
                throw InboundPacketAdapter.decodeFailure(message.decoderResult());
            }
            switch (state) {
                case AWAIT_CONNECT -> onConnect(message);
                case CONNECTING -> {
                    if (pendingConnect != null) {
                        onPacketDuringEnhancedAuthentication(message);
                    } else {
                        pending.add(ReferenceCountUtil.retain(message));
                    }
                }
                case CONNECTED -> dispatchWithinRate(message);
                default -> { }
            }
        } catch (ProtocolViolation v) {
            violation(v);
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (!held.isEmpty()) {
                return; // not read from because it publishes too fast: the broker is silent here, not the client
            }
            log.info("client {}: nothing received for 1.5 x keepalive, closing [MQTT-3.1.2-24]", clientId);
            if (version.isV5()) {
                closeWith(ReasonCode.KEEP_ALIVE_TIMEOUT, "nothing received for 1.5 x the keep alive");
            } else {
                noteCloseReason("keep alive timeout");
                state = State.CLOSING;
                channel.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Session s = session;
        if (s != null && ctx.channel().isWritable()) {
            // the session owns its queue: it drains it on its own thread, and stops when the socket fills again
            s.execute(() -> s.writable(this));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a fault in one connection ends that connection only; the event loop goes on serving the others
        log.warn("client {} ({}): closing after an unexpected error", clientId, ctx.channel().remoteAddress(), cause);
        noteCloseReason("unexpected error");
        state = State.CLOSING;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.CONNECTING && session != null) {
            // CONNACK is out but connected() has not run yet: what the client sent meanwhile (an ack, a DISCONNECT)
            // still counts, and reaches the session before the detach below
            connected();
        }
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
        }
        while (!pending.isEmpty()) {
            ReferenceCountUtil.release(pending.poll());
        }
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
        handOverSessionWork();
        Session s = session;
        if (s != null) {
            services.metrics().connectionClosed();
            ClientEvent event = clientEvent();
            String reason = closeReason != null ? closeReason : "connection lost";
            // from the session's owner thread, like the connected event: subscribers see the two in order
            s.execute(() -> services.sessionServices().sysTopics().clientDisconnected(event, reason));
            if (will != null && !graceful) {
                InboundPacket.Will w = will;
                s.execute(() -> s.scheduleWill(w.delaySeconds(), () -> publishWill(s, w)));
            }
            services.registry().disconnected(s, this, version).whenComplete((ok, error) -> released.complete(null));
        } else {
            released.complete(null);
        }
        state = State.CLOSING;
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------ CONNECT

    private void onConnect(MqttMessage message) {
        if (message.fixedHeader().messageType() != MqttMessageType.CONNECT) {
            // [MQTT-3.1.0-1]: no reply, nothing read further
            logs.notConnectFirst().log("{}: first packet is {} not CONNECT, closing", channel.remoteAddress(),
                    message.fixedHeader().messageType());
            services.metrics().protocolViolation();
            state = State.CLOSING;
            channel.close();
            return;
        }
        readCodecVersion();
        InboundPacket.Connect connect = services.adapter().connect((MqttConnectMessage) message);
        version = connect.version();
        String id = connect.clientId();
        boolean assigned = id.isEmpty();
        if (assigned) {
            id = "mqttx-" + UUID.randomUUID();
        }
        clientId = id;
        int keepAlive = connect.keepAliveSeconds();
        int serverKeepAlive = -1;
        if (keepAlive > limits.maxKeepAlive()) {
            if (!version.isV5()) {
                throw new ProtocolViolation(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "keepalive " + keepAlive + " above the maximum " + limits.maxKeepAlive());
            }
            serverKeepAlive = limits.maxKeepAlive();
            keepAlive = serverKeepAlive;
        }
        receiveMaximum = connect.receiveMaximum();
        maximumPacketSize = connect.maximumPacketSize();
        connectSessionExpiry = connect.sessionExpiryInterval();
        requestResponseInformation = connect.requestResponseInformation();
        will = connect.will();
        if (version.isV5()) {
            problems = new ProblemInformation(services.config().mqtt5().reasonStrings(), connect.requestProblemInformation(),
                    maximumPacketSize);
            outboundAliases = new OutboundTopicAliases(Math.min(connect.topicAliasMaximum(),
                    services.config().mqtt5().outboundTopicAliasMaximum()));
        }
        state = State.CONNECTING;

        String commonName = services.certificateCommonName(channel);
        final String username = certificateCommonNameAsUsername ? commonName : connect.username();
        credentials = new Credentials(clientId, username, connect.password(), version,
                channel.remoteAddress(), commonName);
        final int effectiveKeepAlive = keepAlive;
        final int advertisedKeepAlive = serverKeepAlive;
        if (connect.authenticationMethod() != null) {
            enhanced = services.enhancedAuthenticators().get(connect.authenticationMethod());
            if (enhanced == null) {
                throw new ProtocolViolation(ReasonCode.BAD_AUTHENTICATION_METHOD,
                        "unsupported authentication method '" + connect.authenticationMethod() + "' [MQTT-4.12.0-1]");
            }
            pendingConnect = new PendingConnect(connect, assigned, effectiveKeepAlive, advertisedKeepAlive);
            exchange = enhanced.begin(credentials);
            onAuthenticationStep(exchange.next(connect.authenticationData()));
            return;
        }
        CompletionStage<AuthenticationResult> verdict;
        try {
            verdict = services.authenticator().authenticate(credentials);
        } catch (RuntimeException e) {
            // an authenticator that throws fails closed, like one whose stage fails: CONNACK server unavailable
            verdict = CompletableFuture.failedFuture(e);
        }
        verdict.whenComplete((result, error) ->
                channel.eventLoop().execute(() -> afterAuthentication(connect, username, assigned,
                        effectiveKeepAlive, advertisedKeepAlive, result, error)));
    }

    private void afterAuthentication(InboundPacket.Connect connect, String username, boolean assignedId,
                                     int keepAlive, int serverKeepAlive, AuthenticationResult result,
                                     Throwable error) {
        if (state != State.CONNECTING || !channel.isActive()) {
            return;
        }
        if (error != null || result == null) {
            log.warn("client {}: authentication failed with an error, refusing", clientId, error);
            refuse(ReasonCode.SERVER_UNAVAILABLE, "authentication error");
            return;
        }
        if (!result.allowed()) {
            refuse(result.reasonCode(), "authentication refused");
            return;
        }
        identity = new ClientIdentity(clientId, username, result.authorizedPublish(), result.authorizedSubscribe());
        if (keepAlive > 0) {
            // exactly 1.5 x keepalive [MQTT-3.1.2-24]: whole seconds would round 1.5 s up to 2 s
            long idleMillis = keepAlive * 1500L;
            channel.pipeline().addBefore(channel.pipeline().context(this).name(), "keepalive",
                    new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        }
        long expiry = sessionExpiry(connect);
        SessionRegistry.SessionRequest request = new SessionRegistry.SessionRequest(clientId, version,
                connect.cleanStart(), expiry);
        services.registry().connect(request, this, (s, present) -> onSessionReady(s, present, assignedId,
                serverKeepAlive));
    }

    private long sessionExpiry(InboundPacket.Connect connect) {
        long max = services.config().sessions().maxSessionExpiry().toSeconds();
        if (version.isV5()) {
            return connect.sessionExpiryInterval() == 0xFFFFFFFFL && max >= 0xFFFFFFFFL ? 0xFFFFFFFFL
                    : Math.min(connect.sessionExpiryInterval(), max);
        }
        return connect.cleanStart() ? 0 : services.config().sessions().persistentSessionExpiry().toSeconds();
    }

    /** On the session's owner thread: CONNACK, then what the session owes the client, in that order. */
    private void onSessionReady(Session s, boolean sessionPresent, boolean assignedId, int serverKeepAlive) {
        if (!channel.isActive()) {
            services.registry().disconnected(s, this, version);
            return;
        }
        MqttProperties properties = MqttProperties.NO_PROPERTIES;
        if (version.isV5()) {
            properties = connackProperties(assignedId, serverKeepAlive);
        }
        connackSent = true;
        channel.writeAndFlush(OutboundPackets.connAck(version, ReasonCode.SUCCESS, sessionPresent, properties));
        session = s;
        s.attach(this);
        services.metrics().connectionOpened();
        services.sessionServices().sysTopics().clientConnected(clientEvent());
        services.clusterBus().announceConnect(clientId);
        channel.eventLoop().execute(this::connected);
        if (!channel.isActive()) {
            services.registry().disconnected(s, this, version);
        }
    }

    /** One step of an enhanced authentication exchange, at CONNECT or re-authentication [MQTT-4.12]. */
    private void onAuthenticationStep(EnhancedAuthenticator.Step step) {
        switch (step.outcome()) {
            case CONTINUE -> channel.writeAndFlush(
                    OutboundPackets.auth(ReasonCode.CONTINUE_AUTHENTICATION, enhanced.method(), step.data()));
            case SUCCESS -> {
                exchange = null;
                PendingConnect p = pendingConnect;
                pendingConnect = null;
                if (p == null) {
                    // re-authentication succeeded [MQTT-4.12.1]
                    channel.writeAndFlush(OutboundPackets.auth(ReasonCode.SUCCESS, enhanced.method(), step.data()));
                    return;
                }
                finalAuthData = step.data();
                String user = step.username() != null ? step.username() : credentials.username();
                afterAuthentication(p.connect(), user, p.assignedId(), p.keepAlive(), p.serverKeepAlive(),
                        step.result(), null);
            }
            case FAILURE -> {
                exchange = null;
                if (pendingConnect != null) {
                    pendingConnect = null;
                    refuse(step.result().reasonCode(), enhanced.method() + " authentication failed");
                } else {
                    violation(new ProtocolViolation(step.result().reasonCode(),
                            enhanced.method() + " re-authentication failed"));
                }
            }
        }
    }

    private void onPacketDuringEnhancedAuthentication(MqttMessage message) {
        InboundPacket packet = services.adapter().adapt(message, version);
        if (packet instanceof InboundPacket.Auth auth) {
            onAuth(auth);
        } else if (packet instanceof InboundPacket.Disconnect) {
            state = State.CLOSING;
            channel.close();
        } else {
            throw ProtocolViolation.protocolError(
                    "only AUTH or DISCONNECT may come before CONNACK during enhanced authentication [MQTT-3.1.2-30]");
        }
    }

    private void onAuth(InboundPacket.Auth auth) {
        if (enhanced == null || !enhanced.method().equals(auth.method())) {
            throw ProtocolViolation.protocolError("AUTH with a method the CONNECT did not name [MQTT-4.12.0-5]");
        }
        if (auth.reasonCode() == ReasonCode.RE_AUTHENTICATE) {
            if (pendingConnect != null || exchange != null) {
                throw ProtocolViolation.protocolError("re-authentication while authenticating");
            }
            exchange = enhanced.begin(credentials);
        } else if (auth.reasonCode() != ReasonCode.CONTINUE_AUTHENTICATION || exchange == null) {
            throw ProtocolViolation.protocolError("AUTH 0x" + Integer.toHexString(auth.reasonCode().value())
                    + " out of sequence");
        }
        onAuthenticationStep(exchange.next(auth.data()));
    }

    private MqttProperties connackProperties(boolean assignedId, int serverKeepAlive) {
        MqttProperties p = new MqttProperties();
        if (enhanced != null) {
            p.add(new MqttProperties.StringProperty(0x15, enhanced.method()));
            if (finalAuthData != null) {
                p.add(new MqttProperties.BinaryProperty(0x16, finalAuthData));
            }
        }
        if (assignedId) {
            p.add(new MqttProperties.StringProperty(0x12, clientId));
        }
        if (serverKeepAlive >= 0) {
            p.add(new MqttProperties.IntegerProperty(0x13, serverKeepAlive));
        }
        p.add(new MqttProperties.IntegerProperty(0x21, limits.receiveMaximum()));
        p.add(new MqttProperties.IntegerProperty(0x27, limits.maxPacketSize()));
        p.add(new MqttProperties.IntegerProperty(0x22, limits.topicAliasMaximum()));
        if (!services.config().sharedSubscriptions().enabled()) {
            p.add(new MqttProperties.IntegerProperty(0x2A, 0));
        }
        if (requestResponseInformation) {
            // the basis clients build response topics on; one per client, so requesters do not collide
            p.add(new MqttProperties.StringProperty(0x1A, "mqttx/response/" + clientId));
        }
        return p;
    }

    private void connected() {
        if (state != State.CONNECTING) {
            return;
        }
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
        }
        state = State.CONNECTED;
        while (!pending.isEmpty() && state == State.CONNECTED) {
            MqttMessage m = pending.poll();
            try {
                dispatchWithinRate(m);
            } catch (ProtocolViolation v) {
                violation(v);
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
        handOverSessionWork(); // a task, not a read: no read-complete follows
    }

    private void refuse(ReasonCode reason, String why) {
        services.metrics().connectionRefused();
        logs.refused().log("client {} ({}): CONNECT refused, {} (0x{})", clientId, channel.remoteAddress(), why,
                Integer.toHexString(reason.value()));
        sendConnackAndClose(reason, why);
    }

    private void sendConnackAndClose(ReasonCode reason, String why) {
        state = State.CLOSING;
        channel.config().setAutoRead(false);
        boolean canAnswer = version.isV5() || reason.v3ConnackCode() > 0;
        if (canAnswer) {
            // CONNACK is two bytes before its properties: flags and reason code
            closeAfterFlush(channel.writeAndFlush(
                    OutboundPackets.connAck(version, reason, false, problems.forConnackOrDisconnect(why, 2))));
        } else {
            channel.close();
        }
    }

    private void readCodecVersion() {
        MqttVersion v = channel.attr(CODEC_VERSION).get();
        if (v != null) {
            version = switch (v) {
                case MQTT_3_1 -> ProtocolVersion.MQTT_3_1;
                case MQTT_3_1_1 -> ProtocolVersion.MQTT_3_1_1;
                case MQTT_5 -> ProtocolVersion.MQTT_5;
            };
        }
    }

    // ------------------------------------------------------------------ after CONNECT

    /**
     * Dispatches a packet, unless it is a PUBLISH beyond the client's publish rate. Then it and every packet after
     * it are held, in order, and the socket is not read from until the rate allows the next PUBLISH: the client
     * is slowed by TCP flow control, nothing it sent is dropped, and the event loop goes on serving everyone else.
     * What is held is at most what was read before reading paused, so it is bounded by the read buffer and the
     * maximum packet size.
     */
    private void dispatchWithinRate(MqttMessage message) {
        if (held.isEmpty() && (!isPublish(message) || publishTokens.tryTake())) {
            dispatch(message);
            return;
        }
        held.add(ReferenceCountUtil.retain(message));
        if (held.size() == 1) {
            channel.config().setAutoRead(false);
            publishRate.paused(clientId, channel.remoteAddress());
            resumeWhenTokens();
        }
    }

    private boolean isPublish(MqttMessage message) {
        return publishTokens != null && message.fixedHeader().messageType() == MqttMessageType.PUBLISH;
    }

    private void resumeWhenTokens() {
        channel.eventLoop().schedule(this::releaseHeld, Math.max(publishTokens.nanosUntilToken(), 1),
                TimeUnit.NANOSECONDS);
    }

    private void releaseHeld() {
        while (!held.isEmpty() && state == State.CONNECTED) {
            if (isPublish(held.peek()) && !publishTokens.tryTake()) {
                resumeWhenTokens();
                return;
            }
            MqttMessage m = held.poll();
            try {
                dispatch(m);
            } catch (ProtocolViolation v) {
                violation(v);
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
        handOverSessionWork(); // a scheduled task, not a read: no read-complete follows
        if (state == State.CONNECTED) {
            channel.config().setAutoRead(true);
        }
    }

    private void dispatch(MqttMessage message) {
        InboundPacket packet = services.adapter().adapt(message, version);
        Session s = session;
        if (packet instanceof InboundPacket.Publish p) {
            InboundPacket.Publish resolved = resolveTopicAlias(p);
            onSessionThread(s, () -> s.onPublish(resolved, this));
        } else if (packet instanceof InboundPacket.Ack a) {
            onSessionThread(s, () -> s.onAck(a, this));
        } else if (packet instanceof InboundPacket.PingReq) {
            channel.writeAndFlush(OutboundPackets.PINGRESP);
        } else if (packet instanceof InboundPacket.Subscribe sub) {
            onSessionThread(s, () -> s.onSubscribe(sub, this));
        } else if (packet instanceof InboundPacket.Unsubscribe u) {
            onSessionThread(s, () -> s.onUnsubscribe(u, this));
        } else if (packet instanceof InboundPacket.Disconnect d) {
            onDisconnect(d);
        } else if (packet instanceof InboundPacket.Auth a) {
            onAuth(a);
        } else {
            throw ProtocolViolation.protocolError("second CONNECT [MQTT-3.1.0-2]");
        }
    }

    /**
     * Runs a packet's handling on the session's owner thread. A fault there ends this connection only: the owner
     * thread is an event loop shared with many other clients, and a client whose packet was dropped half-handled
     * would otherwise wait forever for its acknowledgement (CVE-2026-95842 class).
     */
    private void onSessionThread(Session s, Runnable handling) {
        Runnable task = () -> {
            try {
                handling.run();
            } catch (ProtocolViolation v) {
                violation(v);
            } catch (RuntimeException e) {
                log.warn("client {}: unexpected error handling a packet, closing this connection only", clientId, e);
                channel.eventLoop().execute(() -> {
                    state = State.CLOSING;
                    channel.close();
                });
            }
        };
        if (s.isOwnerThread()) {
            task.run();
        } else {
            sessionWork.add(task);
        }
    }

    /**
     * Hands the packets of one read burst to a session owned by another event loop as one task, in order. Called at
     * the end of every read, and before anything else of this connection goes to the session.
     */
    private void handOverSessionWork() {
        if (sessionWork.isEmpty()) {
            return;
        }
        Session s = session;
        if (sessionWork.size() == 1) {
            s.execute(sessionWork.get(0));
        } else {
            Runnable[] burst = sessionWork.toArray(new Runnable[0]);
            s.execute(() -> {
                for (Runnable task : burst) {
                    task.run(); // each ends its own faults (onSessionThread)
                }
            });
        }
        sessionWork.clear();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handOverSessionWork();
        ctx.fireChannelReadComplete();
    }

    private InboundPacket.Publish resolveTopicAlias(InboundPacket.Publish p) {
        ApplicationMessage m = p.message().withPublisher(clientId);
        if (p.topicAlias() != 0) {
            if (m.topic().isEmpty()) {
                String topic = topicAliases.get(p.topicAlias());
                if (topic == null) {
                    throw ProtocolViolation.protocolError("topic alias " + p.topicAlias() + " has no topic yet");
                }
                m = m.withTopic(topic);
            } else {
                topicAliases.put(p.topicAlias(), m.topic());
            }
        }
        return new InboundPacket.Publish(m, p.packetId(), p.dup(), p.topicAlias());
    }

    private void onDisconnect(InboundPacket.Disconnect d) {
        if (d.sessionExpiryInterval() >= 0) {
            if (connectSessionExpiry == 0 && d.sessionExpiryInterval() != 0) {
                throw ProtocolViolation.protocolError(
                        "DISCONNECT sets a session expiry after CONNECT set 0 [MQTT-3.14.2-2]");
            }
            Session s = session;
            long expiry = d.sessionExpiryInterval();
            ProtocolVersion v = version;
            handOverSessionWork();
            s.execute(() -> services.registry().updateExpiry(s, expiry, v));
        }
        noteCloseReason("client DISCONNECT 0x" + Integer.toHexString(d.reasonCode().value()));
        // 0x04 asks for the will to be published all the same [MQTT-3.14.4-3]
        graceful = d.reasonCode() != ReasonCode.DISCONNECT_WITH_WILL;
        state = State.CLOSING;
        channel.close();
    }

    private void publishWill(Session s, InboundPacket.Will w) {
        ApplicationMessage message = w.message().withPublisher(clientId);
        ClientIdentity who = identity;
        s.execute(() -> {
            // the will is authorized when it is published, not when it was set
            if (who != null && !services.sessionServices().authorizer().canPublish(who, message.topic())) {
                log.info("client {}: will to {} not authorized, dropped", clientId, message.topic());
                return;
            }
            services.sessionServices().router().route(message);
        });
    }

    // ------------------------------------------------------------------ ClientChannel

    @Override
    public ProtocolVersion protocolVersion() {
        return version;
    }

    @Override
    public ClientIdentity identity() {
        return identity;
    }

    @Override
    public void send(MqttMessage message) {
        if (channel.eventLoop().inEventLoop()) {
            write(message);
            return;
        }
        toLoop(message);
    }

    /**
     * Passes a packet (or a violation) from another thread to this connection's event loop through the outbox: one
     * task writes all that gathered meanwhile, instead of one task per packet, in the order they were given.
     */
    private void toLoop(Object item) {
        outbox.add(item);
        if (outboxDrainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::drainOutbox);
            } catch (RejectedExecutionException e) {
                // the broker is shutting down: nothing will be written
                Object dropped;
                while ((dropped = outbox.poll()) != null) {
                    ReferenceCountUtil.release(dropped);
                }
            }
        }
    }

    private void drainOutbox() {
        // cleared first: an item added from now on is either taken below or schedules the next drain
        outboxDrainScheduled.set(false);
        Object item;
        while ((item = outbox.poll()) != null) {
            if (item instanceof MqttMessage message) {
                write(message);
            } else {
                ((Runnable) item).run();
            }
        }
    }

    /**
     * Writes a packet unless the connection is closing: nothing may follow a DISCONNECT [MQTT-3.14.4-1] (a session
     * still finishing the packet that caused it, say a SUBACK after the violation, is too late) nor a refusal.
     */
    private void write(MqttMessage message) {
        if (state == State.CLOSING) {
            ReferenceCountUtil.release(message);
            return;
        }
        channel.writeAndFlush(message, channel.voidPromise());
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public int receiveMaximum() {
        return receiveMaximum;
    }

    @Override
    public int maximumPacketSize() {
        return maximumPacketSize;
    }

    @Override
    public ProblemInformation problemInformation() {
        return problems;
    }

    @Override
    public OutboundTopicAliases topicAliases() {
        return outboundAliases;
    }

    @Override
    public void takenOver() {
        channel.eventLoop().execute(() -> {
            if (version.isV5()) {
                closeWith(ReasonCode.SESSION_TAKEN_OVER, "another connection took over the session");
            } else {
                noteCloseReason("session taken over");
                state = State.CLOSING;
                channel.close();
            }
        });
    }

    @Override
    public void abort(String why) {
        log.warn("client {}: closing, {}", clientId, why);
        channel.eventLoop().execute(() -> {
            noteCloseReason(why);
            state = State.CLOSING;
            channel.close();
        });
    }

    /** Logs, counts and answers a protocol violation as the client's version allows, then closes. */
    @Override
    public void violation(ProtocolViolation v) {
        if (!channel.eventLoop().inEventLoop()) {
            // behind the packets the session sent before it, ahead of those after it (which CLOSING then drops)
            toLoop((Runnable) () -> violation(v));
            return;
        }
        if (state == State.CLOSING) {
            return;
        }
        services.metrics().protocolViolation();
        logs.violation().log("client {} ({}): {} -> closing with 0x{}", clientId.isEmpty() ? "?" : clientId,
                channel.remoteAddress(), v.getMessage(), Integer.toHexString(v.reasonCode().value()));
        if (!connackSent) {
            sendConnackAndClose(v.reasonCode(), v.getMessage());
        } else if (version.isV5()) {
            closeWith(v.reasonCode(), v.getMessage());
        } else {
            noteCloseReason("protocol violation: " + v.getMessage());
            state = State.CLOSING;
            channel.config().setAutoRead(false);
            channel.close();
        }
    }

    /**
     * Completes once the connection is closed and its session has handled the close on the session's owner thread
     * (a persistent session has recorded when it went offline). The broker's close waits for it before it stops the
     * threads and the store.
     */
    public CompletableFuture<Void> released() {
        return released;
    }

    /** Server-side shutdown of this connection (MQTT 5: DISCONNECT 0x8B first). */
    public void shutdown() {
        channel.eventLoop().execute(() -> {
            if (state == State.CONNECTED && version.isV5()) {
                closeWith(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
            } else {
                noteCloseReason("server shutting down");
                state = State.CLOSING;
                channel.close();
            }
        });
    }

    /** MQTT 5: DISCONNECT with {@code reason}, saying why where the client allows it, then close. */
    private void closeWith(ReasonCode reason, String why) {
        noteCloseReason(why + " (0x" + Integer.toHexString(reason.value()) + ")");
        state = State.CLOSING;
        channel.config().setAutoRead(false);
        // DISCONNECT has one byte before its properties: the reason code
        closeAfterFlush(channel.writeAndFlush(
                OutboundPackets.disconnect(reason, problems.forConnackOrDisconnect(why, 1))));
    }

    private ClientEvent clientEvent() {
        String ip = String.valueOf(channel.remoteAddress());
        int port = 0;
        if (channel.remoteAddress() instanceof InetSocketAddress address) {
            ip = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
            port = address.getPort();
        }
        ClientIdentity who = identity;
        return new ClientEvent(clientId, who == null ? null : who.username(), ip, port, version.level());
    }

    private void noteCloseReason(String why) {
        if (closeReason == null) {
            closeReason = why;
        }
    }

    /**
     * Closes the channel once {@code lastWrite} is flushed, or after the connect timeout at the latest: a peer that
     * stopped reading never lets the write complete, and must not hold its connection open for ever.
     */
    private void closeAfterFlush(ChannelFuture lastWrite) {
        lastWrite.addListener(ChannelFutureListener.CLOSE);
        long bound = services.config().connectTimeout().toMillis();
        ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> {
            if (channel.isOpen()) {
                log.info("client {} ({}): final packet not taken within {} ms, closing anyway", clientId,
                        channel.remoteAddress(), bound);
                channel.close();
            }
        }, bound, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> deadline.cancel(false));
    }
}
