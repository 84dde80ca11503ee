package io.mqttx.broker.security;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a connecting client is let in. Implementations must fail closed: an error or a timeout refuses
 * the client. The stage may complete on any thread, and must not block a Netty event loop to do so.
 */
public interface Authenticator {

    CompletionStage<AuthenticationResult> authenticate(Credentials credentials);

    /** Lets every client in: the default when no authentication is configured. */
    Authenticator ALLOW_ALL = credentials ->
            java.util.concurrent.CompletableFuture.completedFuture(AuthenticationResult.ALLOWED);
}
