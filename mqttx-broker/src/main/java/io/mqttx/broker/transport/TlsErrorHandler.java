package io.mqttx.broker.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.mqttx.broker.limits.ThrottledLog;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the SslHandler. A failed handshake (no, expired or untrusted client certificate, TLS 1.1, a plain
 * MQTT client on the TLS port) is the client's problem, not the broker's: it is logged in one line at INFO and the
 * connection is closed, instead of travelling on to the MQTT handler, which would log it as an unexpected error.
 */
final class TlsErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsErrorHandler.class);

    /** Failures any client can cause at will; shared by the connections of the listener. */
    private final ThrottledLog failures;
    private boolean handshakeFailed;

    TlsErrorHandler(ThrottledLog failures) {
        this.failures = failures;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                log.debug("{}: TLS handshake done", ctx.channel().remoteAddress());
            } else {
                handshakeFailed = true;
                failures.log("{}: TLS handshake failed: {}", ctx.channel().remoteAddress(), message(handshake.cause()));
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (tls instanceof SSLException) {
            // a handshake failure was logged with its completion event; a later one (bad record) is logged here
            if (!handshakeFailed) {
                failures.log("{}: TLS error, closing: {}", ctx.channel().remoteAddress(), message(tls));
            }
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** The cause's message and its root's, class names where there is no message, cut short: NotSslRecordException
     *  puts the whole received buffer into its message in hex. */
    private static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = describe(t) + (root == t ? "" : " (" + describe(root) + ")");
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
