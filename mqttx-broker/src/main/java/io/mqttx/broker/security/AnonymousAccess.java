package io.mqttx.broker.security;

import io.mqttx.broker.protocol.ReasonCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides for clients without a username, and passes the others on. An anonymous client is let in without asking
 * the password file or the hook when anonymous access is on, and refused with NOT_AUTHORIZED (3.1.1 CONNACK 0x05,
 * MQTT 5 0x87, as Mosquitto answers with {@code allow_anonymous false}) when it is off.
 */
final class AnonymousAccess implements Authenticator {
    private final boolean allowed;
    private final Authenticator identified;

    AnonymousAccess(boolean allowed, Authenticator identified) {
        this.allowed = allowed;
        this.identified = identified;
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(Credentials credentials) {
        if (credentials.username() == null) {
            return CompletableFuture.completedFuture(allowed ? AuthenticationResult.ALLOWED
                    : AuthenticationResult.refused(ReasonCode.NOT_AUTHORIZED));
        }
        return identified.authenticate(credentials);
    }
}
