package io.mqttx.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.mqttx.broker.limits.ThrottledLog;

/**
 * Closes a connection whose first byte is not that of a CONNECT (0x10) before the decoder buffers anything for it:
 * a first packet that is not CONNECT is refused without reply [MQTT-3.1.0-1], and nobody gets memory committed for
 * a length they merely claim (CVE-2023-0809 class). Removes itself after the first byte.
 */
final class FirstPacketGuard extends ChannelInboundHandlerAdapter {
    private static final int CONNECT_HEADER = 0x10;

    private final ThrottledLog log;

    /** @param log shared by the connections of the listener */
    FirstPacketGuard(ThrottledLog log) {
        this.log = log;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            int first = buf.getUnsignedByte(buf.readerIndex());
            if (first != CONNECT_HEADER) {
                log.log("{}: first byte 0x{} is not a CONNECT, closing [MQTT-3.1.0-1]",
                        ctx.channel().remoteAddress(), Integer.toHexString(first));
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }
}
