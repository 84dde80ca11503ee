package io.mqttx.broker.security;

/**
 * MQTT 5 enhanced authentication (section 4.12): a named method that may take several AUTH round trips, at CONNECT
 * and again when a connected client asks to re-authenticate.
 */
public interface EnhancedAuthenticator {

    /** The Authentication Method this authenticator answers, e.g. {@code SCRAM-SHA-256}. */
    String method();

    /** Starts an exchange for a CONNECT or a re-authentication. */
    Exchange begin(Credentials credentials);

    /** One client's exchange in progress. Not thread-safe: driven by its connection only. */
    interface Exchange {
        /**
         * Takes the client's next Authentication Data: first that of the CONNECT (or of the AUTH asking to
         * re-authenticate), then that of each AUTH 0x18.
         */
        Step next(byte[] data);
    }

    /**
     * The server's answer to one step.
     *
     * @param data   Authentication Data to send (AUTH 0x18 while continuing; CONNACK or AUTH 0x00 on success)
     * @param result the verdict once the exchange is over (null while continuing)
     * @param username the name the client proved, which authorization then knows it by (null unless success)
     */
    record Step(Outcome outcome, byte[] data, AuthenticationResult result, String username) {
        public static Step proceed(byte[] data) {
            return new Step(Outcome.CONTINUE, data, null, null);
        }

        public static Step success(byte[] data, AuthenticationResult result, String username) {
            return new Step(Outcome.SUCCESS, data, result, username);
        }

        public static Step failure(io.mqttx.broker.protocol.ReasonCode reason) {
            return new Step(Outcome.FAILURE, null, AuthenticationResult.refused(reason), null);
        }
    }

    enum Outcome { CONTINUE, SUCCESS, FAILURE }
}
