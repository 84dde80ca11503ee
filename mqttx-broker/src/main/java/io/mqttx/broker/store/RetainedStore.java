package io.mqttx.broker.store;

import io.mqttx.broker.protocol.ApplicationMessage;
import java.util.List;

/** Retained messages, one per topic name. */
public interface RetainedStore {

    void put(ApplicationMessage message);

    void remove(String topic);

    List<ApplicationMessage> loadAll();
}
