package io.mqttx.server;

import io.mqttx.broker.store.StoreException;
import java.nio.file.Path;
import org.springframework.boot.ExitCodeGenerator;

/**
 * The embedded store could not be opened: its directory belongs to another program, is damaged, has another format
 * version or is in use by another broker. The broker never starts on a store it cannot trust. Exit code 1.
 */
public final class StoreOpenException extends RuntimeException implements ExitCodeGenerator {
    private final Path path;

    public StoreOpenException(Path path, StoreException cause) {
        super("mqttx could not open its store (mqttx.store.path=" + path + "): " + cause.getMessage(), cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }

    @Override
    public int getExitCode() {
        return 1;
    }
}
