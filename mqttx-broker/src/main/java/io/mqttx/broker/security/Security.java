package io.mqttx.broker.security;

import java.util.List;

/**
 * The authenticator and authorizer {@link SecurityFactory} built, with what they hold open (the password-checking
 * threads). Close it when the broker has stopped.
 *
 * @param enhancedAuthenticators MQTT 5 enhanced authentication methods, to register on the broker with
 *                               {@code MqttBroker.withEnhancedAuthentication} (none unless configured)
 * @param description one line for the startup log: what authenticates, what authorizes
 */
public record Security(Authenticator authenticator, List<EnhancedAuthenticator> enhancedAuthenticators,
                       Authorizer authorizer, String description, List<AutoCloseable> resources)
        implements AutoCloseable {

    public Security {
        enhancedAuthenticators = List.copyOf(enhancedAuthenticators);
        resources = List.copyOf(resources);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + r + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
