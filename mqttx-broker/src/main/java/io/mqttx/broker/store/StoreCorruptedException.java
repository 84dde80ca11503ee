package io.mqttx.broker.store;

/**
 * The stored data cannot be trusted: a checksum mismatch, a truncated file, a record that does not decode. Thrown
 * when the store is opened (the broker refuses to start) rather than later, wherever the implementation can.
 */
public class StoreCorruptedException extends StoreException {

    public StoreCorruptedException(String message) {
        super(message);
    }

    public StoreCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
