package io.mqttx.server.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a configuration before failing, so the user fixes them in one go, not one per start. */
final class Problems {
    private final List<String> lines = new ArrayList<>();

    void add(String line) {
        lines.add(line);
    }

    void check(boolean ok, String line) {
        if (!ok) {
            lines.add(line);
        }
    }

    /** Runs a step that may throw {@link InvalidConfigurationException}, keeping its problems. */
    <T> T collect(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidConfigurationException e) {
            lines.addAll(e.problems());
            return null;
        }
    }

    void throwIfAny() {
        if (!lines.isEmpty()) {
            throw new InvalidConfigurationException(lines);
        }
    }
}
