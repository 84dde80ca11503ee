package io.mqttx.broker.transport;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.connection.ConnectionLogs;
import io.mqttx.broker.connection.ConnectionServices;
import io.mqttx.broker.connection.MqttConnection;
import io.mqttx.broker.limits.PublishRate;
import io.mqttx.broker.limits.ThrottledLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one listener's connections: TLS when configured, then HTTP upgrade and WebSocket framing when it is
 * a WebSocket listener, then the same MQTT handlers for every transport. The first-packet guard and the MQTT decoder
 * therefore always see the decrypted, unframed MQTT byte stream.
 */
final class MqttChannelInitializer extends ChannelInitializer<Channel> {
    /** An HTTP upgrade request has no body; its headers are bounded by the codec's own limits. */
    private static final int MAX_HTTP_REQUEST_BYTES = 8 * 1024;

    private final ListenerConfig listener;
    private final SslContext sslContext;
    private final ConnectionServices services;
    private final ChannelGroup channels;
    private final PublishRate publishRate;
    private final ConnectionLogs connectionLogs = ConnectionLogs.create();
    private final ThrottledLog firstByteLog = new ThrottledLog(LoggerFactory.getLogger(FirstPacketGuard.class));
    private final ThrottledLog tlsLog = new ThrottledLog(LoggerFactory.getLogger(TlsErrorHandler.class));
    private final ThrottledLog webSocketGateLog = new ThrottledLog(LoggerFactory.getLogger(WebSocketGate.class));
    private final ThrottledLog webSocketLog = new ThrottledLog(LoggerFactory.getLogger(WebSocketMqttCodec.class));

    /** @param sslContext null for a plain listener */
    MqttChannelInitializer(ListenerConfig listener, SslContext sslContext, ConnectionServices services,
                           ChannelGroup channels) {
        this.listener = listener;
        this.sslContext = sslContext;
        this.services = services;
        this.channels = channels;
        this.publishRate = new PublishRate(services.config().limits().maxPublishRate(), services.metrics());
    }

    @Override
    protected void initChannel(Channel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (sslContext != null) {
            SslHandler ssl = sslContext.newHandler(ch.alloc());
            // a client that stalls in the handshake is dropped as one that never sends CONNECT would be
            ssl.setHandshakeTimeoutMillis(services.config().connectTimeout().toMillis());
            p.addLast("tls", ssl);
            p.addLast("tls-errors", new TlsErrorHandler(tlsLog));
        }
        if (listener.transport() == ListenerConfig.Transport.WEBSOCKET) {
            addWebSocketHandlers(p, listener, services.config());
        }
        addMqttHandlers(p, services, listener.tls() != null && listener.tls().certificateCommonNameAsUsername(),
                publishRate);
    }

    private void addWebSocketHandlers(ChannelPipeline p, ListenerConfig listener, BrokerConfig config) {
        p.addLast("http", new HttpServerCodec());
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
        p.addLast("ws-gate", new WebSocketGate(listener.path(), listener.allowedOrigins(), webSocketGateLog));
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(listener.path())
                // the gate has matched the path exactly; this lets a query string through
                .checkStartsWith(true)
                .subprotocols(String.join(",", WebSocketGate.SUBPROTOCOLS))
                .handshakeTimeoutMillis(config.connectTimeout().toMillis())
                // WebSocketMqttCodec sends the close frame itself, and only once the connection is a WebSocket
                .sendCloseFrame(null)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        // one frame usually carries one packet, so a frame may be as large as the largest packet
                        // with its fixed header (at most 5 bytes); checked from the frame header before buffering
                        .maxFramePayloadLength((int) Math.min(Integer.MAX_VALUE,
                                config.limits().maxPacketSize() + 5L))
                        .expectMaskedFrames(true)
                        // no permessage-deflate: it would let a small frame inflate past every size limit
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .build())
                .build();
        p.addLast("ws-protocol", new WebSocketServerProtocolHandler(ws));
        p.addLast("ws-mqtt", new WebSocketMqttCodec(webSocketLog));
    }

    private void addMqttHandlers(ChannelPipeline p, ConnectionServices services,
                                boolean certificateCommonNameAsUsername, PublishRate publishRate) {
        BrokerConfig.Limits limits = services.config().limits();
        p.addLast("guard", new FirstPacketGuard(firstByteLog));
        // whole, structurally checked packets only: Netty's decoder does not bound its reads by the Remaining Length
        p.addLast("framer", new PacketFramer(limits.maxPacketSize()));
        p.addLast("decoder", new MqttDecoder(limits.maxPacketSize(), limits.maxClientIdLength()));
        p.addLast("encoder", MqttEncoder.INSTANCE);
        // writes of one read batch, and of deliveries queued together, leave in one syscall
        p.addLast("flush", new FlushConsolidationHandler(64, true));
        p.addLast("connection", new MqttConnection(services, certificateCommonNameAsUsername, publishRate,
                connectionLogs));
    }
}
