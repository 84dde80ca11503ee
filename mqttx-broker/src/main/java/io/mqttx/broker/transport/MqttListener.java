package io.mqttx.broker.transport;

import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.connection.ConnectionServices;
import io.mqttx.broker.limits.ConnectionCount;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One bound server socket, as a listener config describes it. */
public final class MqttListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MqttListener.class);

    private final ListenerConfig config;
    private final ConnectionCount connections;
    private Channel serverChannel;

    public MqttListener(ListenerConfig config) {
        this.config = config;
        this.connections = new ConnectionCount(config.maxConnections());
    }

    /**
     * Binds the port; throws if it cannot, or if its TLS key material cannot be read, so a broker never runs without
     * a listener it was told to open.
     *
     * @param brokerConnections the open connections of all the broker's listeners, against the broker's maximum
     */
    public void bind(Transports transports, EventLoopGroup boss, EventLoopGroup workers, int soBacklog,
                     ConnectionServices services, ChannelGroup channels, ConnectionCount brokerConnections)
            throws InterruptedException {
        SslContext sslContext = config.tls() == null ? null : TlsContexts.forServer(config.tls());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transports.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, soBacklog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ConnectionGate(config.name(), connections, brokerConnections,
                        services.config().limits().maxConnectionRate(), services.metrics()))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .childHandler(new MqttChannelInitializer(config, sslContext, services, channels));
        serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
        log.info("listening for MQTT ({}) on {}", describe(), serverChannel.localAddress());
    }

    private String describe() {
        String what = config.transport() == ListenerConfig.Transport.WEBSOCKET
                ? (config.tls() == null ? "WebSocket" : "secure WebSocket") + " at " + config.path()
                : config.tls() == null ? "TCP" : "TLS";
        if (config.tls() != null) {
            what += ", " + config.tls().protocols() + ", client certificates " + config.tls().clientAuth();
        }
        return config.name() + ": " + what;
    }

    public ListenerConfig config() {
        return config;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }
}
