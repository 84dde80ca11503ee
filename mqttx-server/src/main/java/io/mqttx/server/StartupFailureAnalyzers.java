package io.mqttx.server;

import io.mqttx.server.config.InvalidConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turn mqttx's start failures into Spring Boot's short report instead of a stack trace. */
public final class StartupFailureAnalyzers {
    private StartupFailureAnalyzers() {
    }

    public static final class InvalidConfiguration extends AbstractFailureAnalyzer<InvalidConfigurationException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
            return new FailureAnalysis(String.join(System.lineSeparator(), cause.problems()),
                    "Change or remove the settings above. docs/configuration.md lists every key, its default and"
                            + " whether this version has the feature.", cause);
        }
    }

    public static final class BrokerStart extends AbstractFailureAnalyzer<BrokerStartException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, BrokerStartException cause) {
            return new FailureAnalysis(cause.getMessage(),
                    "If a port is in use, stop the process holding it or choose another port"
                            + " (mqttx.socket.port, mqttx.ssl.port, mqttx.websocket.port).", cause);
        }
    }
}
