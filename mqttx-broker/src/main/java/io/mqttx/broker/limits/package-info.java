/**
 * The broker's protective limits on connections and rates: counts of open connections, token buckets for
 * connection and publish rates. Each limit refuses or slows the client that exceeds it, counts it in
 * {@code BrokerMetrics} and says so in a log line that a flood cannot turn into a flood of lines.
 */
package io.mqttx.broker.limits;
