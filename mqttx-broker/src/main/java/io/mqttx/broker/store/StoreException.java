package io.mqttx.broker.store;

/**
 * A store could not do what was asked: an I/O failure, a directory it must not use, a store it cannot read. The
 * message says what and where, so a broker that fails to start on one shows the operator one clear line.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
