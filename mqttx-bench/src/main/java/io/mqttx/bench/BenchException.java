package io.mqttx.bench;

/** A run that cannot go on, with a message meant for the person running the benchmark. */
public class BenchException extends RuntimeException {

    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
