package io.mqttx.broker.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** Native epoll where the platform has it (fewer copies and syscalls), NIO elsewhere. */
public record Transports(IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannelClass) {

    public static Transports best() {
        if (Epoll.isAvailable()) {
            return new Transports(EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
        }
        return new Transports(NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }

    public MultiThreadIoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory);
    }
}
