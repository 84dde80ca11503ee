package io.mqttx.broker.testkit;

import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.ClientIdentity;

/** An authorizer for tests of delivery-time checks: every publish and subscribe is allowed, receiving is decided. */
public abstract class ReceiveOnlyAuthorizer implements Authorizer {

    @Override
    public final boolean canPublish(ClientIdentity client, String topic) {
        return true;
    }

    @Override
    public final boolean canSubscribe(ClientIdentity client, String topicFilter) {
        return true;
    }

    @Override
    public abstract boolean canReceive(ClientIdentity client, String topic);
}
