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
                    "Change or remove the settings above. the README's Configuration table lists every key, its default and"
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

    public static final class StoreOpen extends AbstractFailureAnalyzer<StoreOpenException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, StoreOpenException cause) {
            return new FailureAnalysis(cause.getMessage(),
                    "Stop the other broker using the directory, restore it from a backup, or move it aside to start"
                            + " with an empty store (docs/running.md, \"Recovering from a damaged store\"); or point"
                            + " mqttx.store.path elsewhere.", cause);
        }
    }
}
