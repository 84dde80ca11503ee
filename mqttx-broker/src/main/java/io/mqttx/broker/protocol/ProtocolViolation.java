package io.mqttx.broker.protocol;

/**
 * A packet the broker must refuse: the reason code to answer with (where the version allows an answer) and the
 * spec statement it breaks, for the log. Thrown by the protocol adapter and handled in one place, the
 * connection's disconnector, so every violation is logged, counted and answered the same way.
 */
public final class ProtocolViolation extends RuntimeException {
    private final ReasonCode reasonCode;

    public ProtocolViolation(ReasonCode reasonCode, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
    }

    public ReasonCode reasonCode() {
        return reasonCode;
    }

    public static ProtocolViolation malformed(String message) {
        return new ProtocolViolation(ReasonCode.MALFORMED_PACKET, message);
    }

    public static ProtocolViolation protocolError(String message) {
        return new ProtocolViolation(ReasonCode.PROTOCOL_ERROR, message);
    }
}
