package io.mqttx.server;

import org.springframework.boot.ExitCodeGenerator;

/** The broker was configured but could not start (a port in use, a listener that cannot be built). Exit code 1. */
public final class BrokerStartException extends RuntimeException implements ExitCodeGenerator {
    public BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int getExitCode() {
        return 1;
    }
}
