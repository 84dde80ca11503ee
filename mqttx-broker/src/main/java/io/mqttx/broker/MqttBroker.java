package io.mqttx.broker;

import io.mqttx.broker.cluster.ClusterBus;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.connection.ConnectionServices;
import io.mqttx.broker.connection.MqttConnection;
import io.mqttx.broker.limits.ConnectionCount;
import io.mqttx.broker.protocol.InboundPacketAdapter;
import io.mqttx.broker.routing.RetainedMessages;
import io.mqttx.broker.routing.Router;
import io.mqttx.broker.routing.TopicTree;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.EnhancedAuthenticator;
import io.mqttx.broker.session.SessionRegistry;
import io.mqttx.broker.session.SessionServices;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.sys.BrokerMetrics;
import io.mqttx.broker.sys.SysTopics;
import io.mqttx.broker.transport.MqttListener;
import io.mqttx.broker.transport.Transports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole MQTT broker, built from its collaborators by the constructor and started by {@link #start()}; nothing is
 * bound or spawned before that. Embeddable: a test builds one on port 0 with a memory store in milliseconds.
 */
public final class MqttBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MqttBroker.class);

    private final BrokerConfig config;
    private final BrokerStore store;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final ClusterBus clusterBus;
    private final Map<String, EnhancedAuthenticator> enhancedAuthenticators = new HashMap<>();
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final List<MqttListener> listeners = new ArrayList<>();
    private final ConnectionCount connections;

    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ChannelGroup channels;
    private SessionRegistry registry;
    private Router router;
    private SysTopics sysTopics;
    private boolean started;
    private boolean closed;

    public MqttBroker(BrokerConfig config, BrokerStore store, Authenticator authenticator, Authorizer authorizer,
                      ClusterBus clusterBus) {
        this.config = config;
        this.store = store;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.clusterBus = clusterBus;
        this.connections = new ConnectionCount(config.limits().maxConnections());
    }

    /**
     * Adds an MQTT 5 enhanced authentication method (AUTH exchanges, section 4.12); call before {@link #start()}.
     * A CONNECT naming a method nobody registered gets CONNACK 0x8C.
     */
    public synchronized MqttBroker withEnhancedAuthentication(EnhancedAuthenticator authenticator) {
        if (started) {
            throw new IllegalStateException("already started");
        }
        enhancedAuthenticators.put(authenticator.method(), authenticator);
        return this;
    }

    /** A broker with a memory store, no authentication and no cluster. */
    public MqttBroker(BrokerConfig config) {
        this(config, new MemoryBrokerStore(), Authenticator.ALLOW_ALL, Authorizer.ALLOW_ALL, ClusterBus.LOCAL);
    }

    /** Restores the stored state, then opens every listener. Throws if a listener cannot bind. */
    public synchronized MqttBroker start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        long t0 = System.nanoTime();
        Transports transports = Transports.best();
        bossGroup = transports.newGroup(1);
        workerGroup = transports.newGroup(Runtime.getRuntime().availableProcessors());
        channels = new DefaultChannelGroup("mqttx", GlobalEventExecutor.INSTANCE);

        TopicTree tree = new TopicTree(config.sharedSubscriptions().strategy());
        router = new Router(tree, new RetainedMessages(store.retained()), clusterBus, store.queues().maxMessageId());
        sysTopics = new SysTopics(config, metrics, router, System::currentTimeMillis);
        SessionServices sessionServices = new SessionServices(config, router, store, authorizer, metrics, sysTopics);
        List<EventExecutor> owners = new ArrayList<>();
        workerGroup.forEach(owners::add);
        registry = new SessionRegistry(owners, sessionServices);
        int restored = registry.recover();
        ConnectionServices connectionServices = new ConnectionServices(config, registry, sessionServices,
                authenticator, new InboundPacketAdapter(config.limits()), metrics, clusterBus, enhancedAuthenticators);
        try {
            for (ListenerConfig lc : config.listeners()) {
                MqttListener listener = new MqttListener(lc);
                listener.bind(transports, bossGroup, workerGroup, config.soBacklog(), connectionServices, channels,
                        connections);
                listeners.add(listener);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        sysTopics.start(workerGroup.next());
        log.info("mqttx {} ({}) started in {} ms: {} sessions and {} retained messages restored", config.version(),
                config.brokerId(), (System.nanoTime() - t0) / 1_000_000, restored, router.retained().size());
        return this;
    }

    /** The bound port of the first listener. */
    public int port() {
        return listeners.get(0).port();
    }

    /** The bound port of the listener with that name. */
    public int port(String listenerName) {
        for (MqttListener l : listeners) {
            if (l.config().name().equals(listenerName)) {
                return l.port();
            }
        }
        throw new IllegalArgumentException("no listener named " + listenerName);
    }

    /**
     * Network connections open now on all listeners, from accept to close: those still before or in their CONNECT
     * as well ({@link BrokerMetrics#activeConnections()} counts connected clients only).
     */
    public int openConnections() {
        return connections.open();
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    public BrokerConfig config() {
        return config;
    }

    /** The number of sessions, connected or not. */
    public int sessionCount() {
        return registry == null ? 0 : registry.size();
    }

    /**
     * Stops listening, ends every connection (MQTT 5 clients get DISCONNECT 0x8B), waits until each session has
     * handled its connection's close on its owner thread, then stops the threads and closes the store: nothing is
     * half-written and no session task is refused by a stopped thread.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MqttListener l : listeners) {
            l.close();
        }
        if (sysTopics != null) {
            sysTopics.close();
        }
        if (channels != null) {
            List<CompletableFuture<Void>> released = new ArrayList<>();
            for (Channel ch : channels) {
                MqttConnection connection = ch.pipeline().get(MqttConnection.class);
                if (connection != null) {
                    released.add(connection.released());
                    connection.shutdown();
                } else {
                    ch.close();
                }
            }
            channels.newCloseFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            awaitSessionsReleased(released);
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
        try {
            clusterBus.close();
        } finally {
            store.close();
        }
        log.info("mqttx stopped");
    }

    /**
     * A closed channel tells its session on the session's owner thread, after the close itself: the worker threads
     * must run that (a persistent session records when it went offline, or it would never expire after a restart)
     * before they stop, and the store must still be open for it.
     */
    private static void awaitSessionsReleased(List<CompletableFuture<Void>> released) {
        try {
            CompletableFuture.allOf(released.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            long pending = released.stream().filter(f -> !f.isDone()).count();
            log.warn("{} connections did not finish closing within 5 s; stopping anyway", pending);
        } catch (ExecutionException e) {
            log.warn("closing a connection failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
