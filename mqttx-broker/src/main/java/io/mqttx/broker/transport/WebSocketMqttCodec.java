package io.mqttx.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import io.mqttx.broker.limits.ThrottledLog;

/**
 * Turns WebSocket frames into the byte stream the MQTT decoder reads, and the encoder's bytes into binary frames.
 * MQTT is a stream over WebSocket: one packet may span frames and one frame may hold several packets, so frame
 * boundaries are dropped here and the MQTT decoder reassembles packets as it does on TCP.
 *
 * <p>Only binary data frames carry MQTT [MQTT-6.0.0-1]: a text frame closes the connection (with close code 1003,
 * "unsupported data"). Ping, pong and close frames are answered by Netty's protocol handler in front of this one.
 */
final class WebSocketMqttCodec extends ChannelDuplexHandler {
    private static final long CLOSE_FRAME_WAIT_MILLIS = 1000;

    /** Errors any client can cause at will; shared by the connections of the listener. */
    private final ThrottledLog log;

    private boolean open;
    private boolean closeFrameSent;
    private boolean closing;

    WebSocketMqttCodec(ThrottledLog log) {
        this.log = log;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            open = true;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            // continuation frames only follow a binary frame here: a text frame ends the connection at once
            ByteBuf content = ((WebSocketFrame) msg).content();
            if (content.isReadable()) {
                ctx.fireChannelRead(content.retain());
            }
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof TextWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            log.log("{}: text WebSocket frame, closing [MQTT-6.0.0-1]", ctx.channel().remoteAddress());
            closeWith(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            ctx.write(new BinaryWebSocketFrame(buf), promise);
        } else {
            if (msg instanceof CloseWebSocketFrame) {
                closeFrameSent = true;
            }
            ctx.write(msg, promise);
        }
    }

    /** An MQTT-level close (DISCONNECT, violation, shutdown) ends the WebSocket with a close frame first. */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (open && !closeFrameSent && ctx.channel().isActive()) {
            closeFrameSent = true;
            sendCloseFrameThenClose(ctx, WebSocketCloseStatus.NORMAL_CLOSURE, promise);
            return;
        }
        ctx.close(promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException || cause instanceof WebSocketHandshakeException) {
            // the client's error, answered by Netty (close frame 1002 or HTTP 400): one line, not a stack trace
            log.log("{}: WebSocket protocol error, closing: {}", ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void closeWith(ChannelHandlerContext ctx, WebSocketCloseStatus status) {
        closing = true;
        closeFrameSent = true;
        ctx.channel().config().setAutoRead(false);
        sendCloseFrameThenClose(ctx, status, ctx.newPromise());
    }

    /**
     * The close frame is a courtesy: a peer that does not read (its window full, the channel unwritable) must not
     * keep its connection open by never letting the frame go out, so the connection is closed after a short wait
     * whether or not the frame was written.
     */
    private static void sendCloseFrameThenClose(ChannelHandlerContext ctx, WebSocketCloseStatus status,
                                                ChannelPromise promise) {
        if (!ctx.channel().isWritable()) {
            ctx.close(promise);
            return;
        }
        boolean[] closed = {false};
        Runnable closeOnce = () -> {
            if (!closed[0]) {
                closed[0] = true;
                ctx.close(promise);
            }
        };
        ScheduledFuture<?> timer = ctx.executor().schedule(closeOnce, CLOSE_FRAME_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(new CloseWebSocketFrame(status)).addListener(f -> {
            timer.cancel(false);
            closeOnce.run();
        });
    }
}
