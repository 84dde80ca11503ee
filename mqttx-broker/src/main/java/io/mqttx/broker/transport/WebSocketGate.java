package io.mqttx.broker.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import io.mqttx.broker.limits.ThrottledLog;

/**
 * Checks an HTTP request before Netty's WebSocket handshake sees it, and refuses, with a status and a closed
 * connection, what that handshake would let through:
 * <ul>
 *   <li>another path than the listener's (404; Netty would pass it on down the pipeline);</li>
 *   <li>a {@code Sec-WebSocket-Protocol} header naming none of {@code mqtt}, {@code mqttv3.1}, {@code mqttv3.1.1}
 *       (400; Netty would complete the handshake without a subprotocol). A request without that header is let in,
 *       as Mosquitto and EMQX do, although MQTT 6.0.0-3 asks clients to send it: some embedded clients do not;</li>
 *   <li>an {@code Origin} outside the listener's allow-list, when it has one (403).</li>
 * </ul>
 * Removes itself once a request has passed: the connection is a WebSocket from then on.
 */
final class WebSocketGate extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** What MQTT clients ask for: {@code mqtt} (MQTT 3.1.1 and 5), the older {@code mqttv3.1} and {@code mqttv3.1.1}. */
    static final List<String> SUBPROTOCOLS = List.of("mqtt", "mqttv3.1", "mqttv3.1.1");

    private final String path;
    private final Set<String> allowedOrigins;
    /** Refusals any client can cause at will; shared by the connections of the listener. */
    private final ThrottledLog refusals;

    WebSocketGate(String path, List<String> allowedOrigins, ThrottledLog refusals) {
        this.path = path;
        this.refusals = refusals;
        this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        String requestPath = new QueryStringDecoder(request.uri()).path();
        if (!requestPath.equals(path)) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "no MQTT WebSocket endpoint at " + requestPath);
            return;
        }
        String requested = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (requested != null && !offersMqtt(requested)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "unsupported WebSocket subprotocol " + requested
                    + ", expected one of " + SUBPROTOCOLS);
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !allowedOrigins.isEmpty() && !allowedOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
            refuse(ctx, HttpResponseStatus.FORBIDDEN, "origin " + origin + " is not allowed");
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(request.retain());
    }

    private static boolean offersMqtt(String header) {
        for (String offered : header.split(",")) {
            if (SUBPROTOCOLS.contains(offered.trim())) {
                return true;
            }
        }
        return false;
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
        refusals.log("{}: WebSocket request refused ({}): {}", ctx.channel().remoteAddress(), status.code(), why);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(why + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.channel().config().setAutoRead(false);
        // closed from here, not the channel's tail, so no WebSocket close frame is attempted on an HTTP connection
        ctx.writeAndFlush(response).addListener(f -> ctx.close());
    }
}
