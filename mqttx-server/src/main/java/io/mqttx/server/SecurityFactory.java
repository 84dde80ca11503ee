package io.mqttx.server;

import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.server.config.InvalidConfigurationException;
import io.mqttx.server.config.MqttxProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that builds authentication and authorization from {@code mqttx.auth.*} and
 * {@code mqttx.enable-topic-sub-pub-secure}. Neither is built in this version, so it fails closed: any setting that
 * asks for a check refuses to start rather than let every client in; with none, everyone is allowed, as in MQTTX.
 * Wire the implementations in here when they are merged.
 */
public final class SecurityFactory {
    private final MqttxProperties.Auth auth;
    private final boolean topicSecurity;

    /** @throws InvalidConfigurationException if a check is asked for */
    public SecurityFactory(MqttxProperties properties) {
        this.auth = properties.auth();
        this.topicSecurity = properties.enableTopicSubPubSecure();
        List<String> problems = new ArrayList<>();
        if (auth.url() != null && !auth.url().isBlank()) {
            problems.add("mqttx.auth.url=" + auth.url()
                    + ": HTTP authentication is not available in this version; refusing to start rather than let"
                    + " every client in");
        }
        if (auth.isMandatory()) {
            problems.add("mqttx.auth.is-mandatory=true: authentication is not available in this version;"
                    + " refusing to start rather than let every client in");
        }
        if (topicSecurity) {
            problems.add("mqttx.enable-topic-sub-pub-secure=true: topic authorization is not available in this"
                    + " version; refusing to start rather than let every client publish and subscribe anywhere");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    public Authenticator authenticator() {
        return Authenticator.ALLOW_ALL;
    }

    public Authorizer authorizer() {
        return Authorizer.ALLOW_ALL;
    }
}
