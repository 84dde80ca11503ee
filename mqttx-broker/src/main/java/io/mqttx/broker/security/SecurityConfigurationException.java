package io.mqttx.broker.security;

/**
 * A security setting, password file or ACL file that cannot be used as given. Thrown while the broker is being built,
 * so that a broker whose security is misconfigured never starts (it would otherwise fail open or lock everyone out).
 * The message names the setting, file and line, and says what to do.
 */
public final class SecurityConfigurationException extends RuntimeException {

    public SecurityConfigurationException(String message) {
        super(message);
    }

    public SecurityConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
