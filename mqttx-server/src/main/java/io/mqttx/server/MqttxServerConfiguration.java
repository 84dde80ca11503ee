package io.mqttx.server;

import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.cluster.ClusterBus;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.security.Security;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.server.config.BrokerConfigFactory;
import io.mqttx.server.config.FileLocations;
import io.mqttx.server.config.InvalidConfigurationException;
import io.mqttx.server.config.MqttxProperties;
import io.mqttx.server.config.MqttxPropertiesBinder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Builds the broker from the configuration. Nothing is bound or spawned here: {@link BrokerLifecycle} starts the
 * broker once the context is ready and closes it on shutdown.
 */
@Configuration(proxyBeanMethods = false)
class MqttxServerConfiguration {

    @Bean
    MqttxProperties mqttxProperties(Environment environment) {
        return MqttxPropertiesBinder.of(environment).bind();
    }

    /**
     * The broker with its security. The broker owns its store and closes it in {@link MqttBroker#close()}; the
     * security (password-checking threads) is closed after it. Both also close as this bean's destroy method if the
     * context fails after they were built (close is idempotent).
     */
    @Bean(destroyMethod = "close")
    ServerBroker serverBroker(MqttxProperties properties, ObjectProvider<BuildProperties> build) {
        String version = build.getIfAvailable() == null ? "dev" : build.getIfAvailable().getVersion();
        BrokerConfigFactory configFactory = new BrokerConfigFactory(version, MqttxServerConfiguration::newBrokerId,
                FileLocations.standard(MqttxServerConfiguration.class.getClassLoader()));
        // every problem at once: the user fixes them in one round, not one per restart
        List<String> problems = new ArrayList<>();
        BrokerConfig config = null;
        Security security = null;
        try {
            config = configFactory.create(properties);
        } catch (InvalidConfigurationException e) {
            problems.addAll(e.problems());
        }
        try {
            security = SecurityFactory.create(properties);
        } catch (InvalidConfigurationException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            if (security != null) {
                security.close();
            }
            throw new InvalidConfigurationException(problems);
        }
        BrokerStore store;
        try {
            store = new StoreFactory(properties).create();
        } catch (RuntimeException e) {
            security.close();
            throw e;
        }
        MqttBroker broker = new MqttBroker(config, store, security.authenticator(), security.authorizer(),
                ClusterBus.LOCAL);
        security.enhancedAuthenticators().forEach(broker::withEnhancedAuthentication);
        return new ServerBroker(broker, security);
    }

    /** The broker itself, for the lifecycle and for tests; Spring closes it (inferred {@code close}) first. */
    @Bean
    MqttBroker mqttBroker(ServerBroker server) {
        return server.broker();
    }

    @Bean
    BrokerLifecycle brokerLifecycle(MqttBroker broker) {
        return new BrokerLifecycle(broker);
    }

    /** Random, so two nodes started from one configuration file differ; set mqttx.broker-id for a stable one. */
    static String newBrokerId() {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return "mqttx-" + HexFormat.of().formatHex(b);
    }
}
