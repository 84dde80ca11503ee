package io.mqttx.broker.session;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.routing.Router;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.sys.BrokerMetrics;
import io.mqttx.broker.sys.SysTopics;

/** What every session works with; one instance per broker. */
public record SessionServices(BrokerConfig config, Router router, BrokerStore store, Authorizer authorizer,
                              BrokerMetrics metrics, SysTopics sysTopics) {
}
