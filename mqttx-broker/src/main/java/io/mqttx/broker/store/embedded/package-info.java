/**
 * The embedded durable store: {@link io.mqttx.broker.store.embedded.RocksDbBrokerStore}, the broker's default.
 * Operators' guide (durability modes, the data directory, what a refused store means and how to recover):
 * {@code docs/embedded-store.md}. Record format: {@link io.mqttx.broker.store.embedded.Records}.
 */
package io.mqttx.broker.store.embedded;
