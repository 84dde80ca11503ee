package io.mqttx.server.config;

import java.util.List;
import org.springframework.boot.ExitCodeGenerator;

/**
 * The configuration asks for something this version cannot do, or cannot be read as the user meant it. The server
 * refuses to start rather than run with a guess: each problem is one line that names the key.
 *
 * <p>Exit code 2 (Spring Boot uses it for the JVM's exit status), so a supervisor can tell a configuration error
 * from a crash (1).
 */
public final class InvalidConfigurationException extends RuntimeException implements ExitCodeGenerator {
    public static final int EXIT_CODE = 2;

    private final List<String> problems;

    public InvalidConfigurationException(List<String> problems) {
        super(String.join("; ", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        this.problems = List.copyOf(problems);
    }

    public InvalidConfigurationException(String problem) {
        this(List.of(problem));
    }

    /** One line each, naming the key. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public int getExitCode() {
        return EXIT_CODE;
    }
}
