package io.mqttx.broker.security;

import io.mqttx.broker.protocol.ReasonCode;
import java.util.List;

/**
 * An authenticator's verdict.
 *
 * @param reasonCode SUCCESS, or why the client is refused (BAD_USER_NAME_OR_PASSWORD, NOT_AUTHORIZED,
 *                   SERVER_UNAVAILABLE when the authenticator could not decide)
 * @param authorizedPublish   see {@link ClientIdentity#authorizedPublish()}
 * @param authorizedSubscribe see {@link ClientIdentity#authorizedSubscribe()}
 */
public record AuthenticationResult(ReasonCode reasonCode, List<String> authorizedPublish,
                                   List<String> authorizedSubscribe) {

    public static final AuthenticationResult ALLOWED = new AuthenticationResult(ReasonCode.SUCCESS, null, null);

    public static AuthenticationResult refused(ReasonCode reasonCode) {
        return new AuthenticationResult(reasonCode, null, null);
    }

    public boolean allowed() {
        return reasonCode == ReasonCode.SUCCESS;
    }
}
