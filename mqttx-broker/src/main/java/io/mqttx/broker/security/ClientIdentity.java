package io.mqttx.broker.security;

import java.util.List;

/**
 * Who a connected client is, as authentication established it; authorization decides from this.
 *
 * @param authorizedPublish   topic filters the authenticator granted for publishing, or null when it said nothing
 *                            (the configured rules decide alone)
 * @param authorizedSubscribe topic filters the authenticator granted for subscribing, or null likewise
 */
public record ClientIdentity(String clientId, String username, List<String> authorizedPublish,
                             List<String> authorizedSubscribe) {

    public static ClientIdentity of(String clientId, String username) {
        return new ClientIdentity(clientId, username, null, null);
    }
}
