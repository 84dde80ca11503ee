package io.mqttx.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The runnable broker: {@code java -jar mqttx.jar [--mqttx.key=value ...]}. Spring Boot only reads the configuration
 * and manages the lifecycle; no web server. Exit status: 143 after SIGTERM (the JVM's 128 + 15, after a clean
 * shutdown), 2 when the configuration is refused, 1 when the broker cannot start.
 */
@SpringBootApplication
public class MqttxApplication {

    public static void main(String[] args) {
        SpringApplication.run(MqttxApplication.class, args);
    }
}
