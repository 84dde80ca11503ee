package io.mqttx.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.server.SecurityFactory;
import io.mqttx.server.StoreFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The two one-place factories: security fails closed, the store falls back to memory until embedded lands. */
class SecurityAndStoreFactoryTest {

    private static MqttxProperties props(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new MqttxPropertiesBinder(List.of(new MapConfigurationPropertySource(m)), PlaceholdersResolver.NONE)
                .bind();
    }

    @Test
    void withoutSecuritySettingsEveryoneIsAllowedAsInMqttx() {
        SecurityFactory security = new SecurityFactory(props());
        assertThat(security.authenticator()).isSameAs(Authenticator.ALLOW_ALL);
        assertThat(security.authorizer()).isSameAs(Authorizer.ALLOW_ALL);
    }

    @Test
    void askingForAnyCheckRefusesToStartRatherThanLettingEveryoneIn() {
        assertThatThrownBy(() -> new SecurityFactory(props("mqttx.auth.url", "http://auth/check")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("mqttx.auth.url=http://auth/check: HTTP authentication is not available");
        assertThatThrownBy(() -> new SecurityFactory(props("mqttx.auth.is-mandatory", "true")))
                .hasMessageStartingWith("mqttx.auth.is-mandatory=true: authentication is not available");
        assertThatThrownBy(() -> new SecurityFactory(props("mqttx.enable-topic-sub-pub-secure", "true")))
                .hasMessageStartingWith("mqttx.enable-topic-sub-pub-secure=true: topic authorization is not");
        assertThatThrownBy(() -> new SecurityFactory(props("mqttx.auth.url", "http://a",
                "mqttx.enable-topic-sub-pub-secure", "true")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.problems()).hasSize(2));
    }

    @Test
    void aBlankAuthUrlIsUnset() {
        assertThat(new SecurityFactory(props("mqttx.auth.url", " ")).authenticator())
                .isSameAs(Authenticator.ALLOW_ALL);
    }

    @Test
    void testModeAndStoreTypeMemoryGiveTheMemoryStore() {
        assertThat(new StoreFactory(props("mqttx.enable-test-mode", "true")).effectiveType())
                .isEqualTo(MqttxProperties.StoreType.MEMORY);
        assertThat(new StoreFactory(props("mqttx.store.type", "memory")).effectiveType())
                .isEqualTo(MqttxProperties.StoreType.MEMORY);
        try (BrokerStore store = new StoreFactory(props("mqttx.store.type", "memory")).create()) {
            assertThat(store).isInstanceOf(MemoryBrokerStore.class);
        }
    }

    @Test
    void embeddedIsTheDefaultAndFallsBackToMemoryUntilItIsBuilt() {
        StoreFactory factory = new StoreFactory(props());
        assertThat(factory.effectiveType()).isEqualTo(MqttxProperties.StoreType.EMBEDDED);
        try (BrokerStore store = factory.create()) {
            assertThat(store).isInstanceOf(MemoryBrokerStore.class);
        }
    }
}
