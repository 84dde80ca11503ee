package io.mqttx.server;

import io.mqttx.broker.security.PasswordFileTool;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The runnable broker: {@code java -jar mqttx.jar [--mqttx.key=value ...]}. Spring Boot only reads the configuration
 * and manages the lifecycle; no web server. {@code java -jar mqttx.jar passwd [--scram] [-D] FILE USER} edits a password
 * file (or, with {@code --scram}, a SCRAM-SHA-256 credentials file) instead (the core's {@link PasswordFileTool}: the password is read from the console, else from stdin). Exit status: 143 after SIGTERM (the JVM's 128 + 15, after a clean
 * shutdown), 2 when the configuration is refused, 1 when the broker cannot start.
 */
@SpringBootApplication
public class MqttxApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("passwd")) {
            // a tool for the password file, not the broker: no Spring, no configuration, no store
            PasswordFileTool.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(MqttxApplication.class, args);
    }
}
