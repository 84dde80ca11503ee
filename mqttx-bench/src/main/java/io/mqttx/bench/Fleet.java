package io.mqttx.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import javax.net.ssl.SSLException;

/**
 * The event loops and the connection factory of one run: opens many MQTT connections at a bounded
 * concurrency and rate, so a thousand clients do not overflow the broker's accept backlog and get
 * their SYNs dropped (which shows up as one-second retransmit stalls, not as errors).
 */
final class Fleet implements AutoCloseable {

    /**
     * Connections per local address before another is used. Each address has ~28k ephemeral ports,
     * but on this kernel unbound connects to one destination failed past ~14k (half the range: the
     * kernel prefers one port parity for connect), so stay well below.
     */
    static final int CONNECTIONS_PER_SOURCE_ADDRESS = 10_000;

    private final ClientSettings settings;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final String transport;
    private final SslContext sslContext;
    private final InetSocketAddress remote;

    Fleet(ClientSettings settings) {
        this.settings = settings;
        if (Epoll.isAvailable()) {
            group = new MultiThreadIoEventLoopGroup(settings.threads(), EpollIoHandler.newFactory());
            channelClass = EpollSocketChannel.class;
            transport = "epoll";
        } else {
            group = new MultiThreadIoEventLoopGroup(settings.threads(), NioIoHandler.newFactory());
            channelClass = NioSocketChannel.class;
            transport = "nio";
        }
        try {
            sslContext = settings.broker().tls()
                    ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build()
                    : null;
        } catch (SSLException e) {
            group.shutdownGracefully();
            throw new BenchException("cannot set up TLS: " + e.getMessage(), e);
        }
        remote = new InetSocketAddress(settings.broker().host(), settings.broker().port());
        if (remote.isUnresolved()) {
            group.shutdownGracefully();
            throw new BenchException("cannot resolve broker host " + settings.broker().host());
        }
    }

    String transport() {
        return transport;
    }

    /** Source addresses to spread {@code clients} over: the configured number, or enough to fit the ports. */
    int sourceAddressesFor(int clients) {
        if (settings.sourceAddresses() > 0) {
            return settings.sourceAddresses();
        }
        if (clients > CONNECTIONS_PER_SOURCE_ADDRESS && remote.getAddress().isLoopbackAddress()) {
            return (clients + CONNECTIONS_PER_SOURCE_ADDRESS - 1) / CONNECTIONS_PER_SOURCE_ADDRESS;
        }
        return 0;
    }

    /** The local address of client {@code i}: 127.0.0.2, 127.0.0.3, ... round-robin, or null to let the kernel pick. */
    static InetSocketAddress sourceAddress(int i, int sourceAddresses) {
        if (sourceAddresses <= 0) {
            return null;
        }
        return new InetSocketAddress("127.0.0." + (2 + i % sourceAddresses), 0);
    }

    /**
     * Opens {@code n} connections, at most {@code connectConcurrency} handshakes at a time.
     *
     * @param failFast    stop at the first failure (the message modes need every client)
     * @param maxFailures with {@code failFast} off, stop once more than this many failed
     */
    ConnectReport connect(int n, IntFunction<MqttClient> factory, boolean failFast, int maxFailures) {
        int sources = sourceAddressesFor(n);
        if (sources > 0 && !remote.getAddress().isLoopbackAddress()) {
            throw new BenchException("source addresses 127.0.0.x only reach a broker on loopback, not " + remote);
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                // Lets a bound source address reuse a port still in TIME_WAIT from an earlier run.
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        MqttClient[] clients = new MqttClient[n];
        LatencyStats connAckLatency = new LatencyStats();
        Semaphore permits = new Semaphore(settings.connectConcurrency());
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        long timeoutNanos = settings.connectTimeout().toNanos();
        long start = System.nanoTime();
        int attempted = 0;
        for (int i = 0; i < n; i++) {
            if ((failFast && failed.get() > 0) || failed.get() > maxFailures) {
                break;
            }
            if (settings.connectRatePerSecond() > 0) {
                long due = start + (long) (i * 1e9 / settings.connectRatePerSecond());
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            try {
                // Every attempt ends within its own timeout, so waiting twice that means the event loops are stuck.
                if (!permits.tryAcquire(2 * timeoutNanos + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS)) {
                    throw new BenchException("connect phase stuck: no handshake finished within "
                            + 2 * settings.connectTimeout().toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while connecting", e);
            }
            attempted++;
            int index = i;
            MqttClient client = factory.apply(i);
            long began = System.nanoTime();
            ChannelFuture cf = bootstrap.clone().handler(initializer(client))
                    .connect(remote, sourceAddress(i, sources));
            // A channel that could not even be created (no file descriptor left) fails at once, unregistered.
            ScheduledFuture<?> timer = cf.isDone() && !cf.isSuccess() ? null : cf.channel().eventLoop().schedule(
                    () -> client.abortConnect(new BenchException("no CONNACK from " + settings.broker() + " within "
                            + settings.connectTimeout().toMillis() + " ms", new TimeoutException())),
                    timeoutNanos, TimeUnit.NANOSECONDS);
            cf.addListener(f -> {
                if (!f.isSuccess()) {
                    client.abortConnect(new BenchException("cannot connect to " + settings.broker() + ": "
                            + describe(f.cause()), f.cause()));
                }
            });
            client.connAck().whenComplete((ok, err) -> {
                if (timer != null) {
                    timer.cancel(false);
                }
                if (err == null) {
                    connAckLatency.recordNanos(System.nanoTime() - began);
                    clients[index] = client;
                    connected.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, err);
                }
                permits.release();
            });
        }
        try {
            if (!permits.tryAcquire(settings.connectConcurrency(), 2 * timeoutNanos + TimeUnit.SECONDS.toNanos(5),
                    TimeUnit.NANOSECONDS)) {
                throw new BenchException("connect phase stuck: handshakes still open after "
                        + 2 * settings.connectTimeout().toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while connecting", e);
        }
        long elapsed = System.nanoTime() - start;
        return new ConnectReport(clients, n, attempted, connected.get(), failed.get(), firstFailure.get(),
                connAckLatency, elapsed, sources);
    }

    private ChannelInitializer<Channel> initializer(MqttClient client) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (sslContext != null) {
                    ch.pipeline().addLast(sslContext.newHandler(ch.alloc(), settings.broker().host(), settings.broker().port()));
                }
                if (settings.keepAliveSeconds() > 0) {
                    // Half the keepalive: a PINGREQ then always lands well inside the broker's 1.5x grace.
                    ch.pipeline().addLast(new IdleStateHandler(0, settings.keepAliveSeconds() * 500L, 0, TimeUnit.MILLISECONDS));
                }
                ch.pipeline().addLast(new MqttDecoder(Integer.MAX_VALUE >> 3));
                ch.pipeline().addLast(MqttEncoder.INSTANCE);
                ch.pipeline().addLast(client);
            }
        };
    }

    private static String describe(Throwable t) {
        if (t instanceof ConnectException || t.getCause() instanceof ConnectException) {
            String m = t.getMessage();
            return m != null && m.toLowerCase(java.util.Locale.ROOT).contains("refused") ? "connection refused" : m;
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Sends DISCONNECT on every open connection and waits (bounded) until they are closed. */
    static void disconnectAll(MqttClient[] clients, Duration timeout) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (MqttClient c : clients) {
            if (c != null) {
                closing.add(c.close());
            }
        }
        try {
            CompletableFuture.allOf(closing.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Brokers that do not close promptly are closed below when the event loops shut down.
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** What a connect phase achieved; {@code clients[i]} is null where client i failed or was never tried. */
    record ConnectReport(MqttClient[] clients, int requested, int attempted, int connected, int failed,
                         Throwable firstFailure, LatencyStats connAckLatency, long elapsedNanos, int sourceAddresses) {

        boolean complete() {
            return connected == requested;
        }

        String failureMessage() {
            String cause = firstFailure == null ? "unknown error"
                    : firstFailure.getMessage() == null ? firstFailure.toString() : firstFailure.getMessage();
            return cause + " (" + connected + " of " + requested + " clients connected, " + failed + " failed)";
        }
    }
}
