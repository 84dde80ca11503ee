package io.mqttx.broker.store;

import java.util.concurrent.CompletableFuture;

/**
 * The store SPI: small interfaces per aggregate, and one durability barrier. Implementations: memory (tests and
 * {@code enable-test-mode}) and embedded (RocksDB, the default); each passes the same contract tests.
 *
 * <p>Writes are cheap and never block on I/O; {@link #commit()} tells when everything written before it is as
 * durable as the implementation promises. The broker acknowledges a QoS 1/2 PUBLISH only when that future completes.
 */
public interface BrokerStore extends AutoCloseable {

    SessionStore sessions();

    MessageQueueStore queues();

    RetainedStore retained();

    /**
     * Completes once every write issued before this call is durable. Callers must not assume on which thread it
     * completes: they hop back to their own.
     */
    CompletableFuture<Void> commit();

    /**
     * Runs {@code work} so that the store writes it makes on this thread are one atomic unit: after a crash either
     * all of them are there or none is. The broker routes an inbound QoS 2 message and records its packet id as
     * awaiting PUBREL in one such unit, so that a crash between the two can neither route it twice (queued, but the
     * id not recorded) nor lose it (the id recorded, but nothing queued). Nested calls join the outer unit. If
     * {@code work} throws, a store that can roll back writes none of it. Writes on other threads are not included.
     */
    default void atomically(Runnable work) {
        work.run();
    }

    /** True when {@link #commit()} always returns an already completed future (nothing to wait for). */
    default boolean commitsImmediately() {
        return false;
    }

    @Override
    void close();
}
