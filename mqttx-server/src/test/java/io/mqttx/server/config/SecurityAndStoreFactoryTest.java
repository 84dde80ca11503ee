package io.mqttx.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.Credentials;
import io.mqttx.broker.security.EnhancedAuthenticator;
import io.mqttx.broker.security.PasswordHash;
import io.mqttx.broker.security.Security;
import io.mqttx.broker.security.scram.ScramCredential;
import io.mqttx.broker.security.scram.ScramCredentialsFile;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.embedded.RocksDbBrokerStore;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.server.SecurityFactory;
import io.mqttx.server.StoreFactory;
import io.mqttx.server.StoreOpenException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The two one-place factories: security as configured and fail-closed, the store as configured. */
@ExtendWith(OutputCaptureExtension.class)
class SecurityAndStoreFactoryTest {
    @TempDir
    Path dir;

    private static MqttxProperties props(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new MqttxPropertiesBinder(List.of(new MapConfigurationPropertySource(m)), PlaceholdersResolver.NONE)
                .bind();
    }

    private static ReasonCode verdict(Security security, String username, String password) {
        return security.authenticator().authenticate(new Credentials("c1", username,
                        password == null ? null : password.getBytes(StandardCharsets.UTF_8), ProtocolVersion.MQTT_3_1_1,
                        null, null))
                .toCompletableFuture().join().reasonCode();
    }

    private Path passwordFile() throws IOException {
        String hash = PasswordHash.create("s3cret".toCharArray(), new SecureRandom()).format();
        Path file = dir.resolve("passwd");
        Files.writeString(file, "alice:" + hash + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void withNothingConfiguredEveryoneIsLetInWithAWarningSayingHowToLockDown(CapturedOutput output) {
        try (Security security = SecurityFactory.create(props())) {
            assertThat(verdict(security, null, null)).isEqualTo(ReasonCode.SUCCESS);
            assertThat(security.authorizer()).isSameAs(Authorizer.ALLOW_ALL);
        }
        assertThat(output).contains("WARN").contains("no authentication configured")
                .contains("java -jar mqttx.jar passwd FILE USER");
    }

    @Test
    void aPasswordFileTurnsAnonymousAccessOffUnlessItIsSetExplicitly() throws IOException {
        Path file = passwordFile();
        try (Security security = SecurityFactory.create(props("mqttx.auth.password-file", file.toString()))) {
            assertThat(verdict(security, null, null)).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(verdict(security, "alice", "s3cret")).isEqualTo(ReasonCode.SUCCESS);
            assertThat(verdict(security, "alice", "wrong")).isNotEqualTo(ReasonCode.SUCCESS);
        }
        try (Security security = SecurityFactory.create(props("mqttx.auth.password-file", file.toString(),
                "mqttx.auth.anonymous", "true"))) {
            assertThat(verdict(security, null, null)).isEqualTo(ReasonCode.SUCCESS);
        }
    }

    private Path scramFile() throws IOException {
        Path file = dir.resolve("scram");
        Files.writeString(file, "carol:" + ScramCredentialsFile.format(
                ScramCredential.fromPassword("pencil".toCharArray(), ScramCredential.MIN_ITERATIONS)) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void aScramFileOffersScramAndTurnsAnonymousAccessOffUnlessItIsSetExplicitly(CapturedOutput output)
            throws IOException {
        Path file = scramFile();
        try (Security security = SecurityFactory.create(props("mqttx.auth.scram-file", file.toString()))) {
            assertThat(security.enhancedAuthenticators()).extracting(EnhancedAuthenticator::method)
                    .containsExactly("SCRAM-SHA-256");
            assertThat(verdict(security, null, null)).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(verdict(security, "carol", "pencil")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        assertThat(output).doesNotContain("no authentication configured");
        try (Security security = SecurityFactory.create(props("mqttx.auth.scram-file", file.toString(),
                "mqttx.auth.anonymous", "true"))) {
            assertThat(verdict(security, null, null)).isEqualTo(ReasonCode.SUCCESS);
        }
        try (Security security = SecurityFactory.create(props("mqttx.auth.scram-file", " "))) {
            assertThat(security.enhancedAuthenticators()).as("blank is unset").isEmpty();
        }
    }

    @Test
    void aScramFileNextToAPasswordFileAddsToIt() throws IOException {
        try (Security security = SecurityFactory.create(props("mqttx.auth.scram-file", scramFile().toString(),
                "mqttx.auth.password-file", passwordFile().toString()))) {
            assertThat(security.enhancedAuthenticators()).hasSize(1);
            assertThat(verdict(security, "alice", "s3cret")).isEqualTo(ReasonCode.SUCCESS);
            assertThat(verdict(security, null, null)).isEqualTo(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void anUnusableScramFileRefusesToStart() throws IOException {
        assertThatThrownBy(() -> SecurityFactory.create(props("mqttx.auth.scram-file",
                dir.resolve("no-scram").toString())))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("cannot read the SCRAM credentials file").hasMessageContaining("no-scram");
        Path bad = Files.writeString(dir.resolve("bad-scram"), "carol:pencil\n");
        assertThatThrownBy(() -> SecurityFactory.create(props("mqttx.auth.scram-file", bad.toString())))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(bad + ":1: ").satisfies(e -> assertThat(e.getMessage()).doesNotContain("pencil"));
    }

    @Test
    void whatCannotBeEnforcedRefusesToStart() {
        assertThatThrownBy(() -> SecurityFactory.create(props("mqttx.auth.password-file",
                dir.resolve("missing").toString())))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> SecurityFactory.create(props("mqttx.auth.is-mandatory", "true")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no client could connect");
        assertThatThrownBy(() -> SecurityFactory.create(props("mqttx.enable-topic-sub-pub-secure", "true")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("nothing grants a topic");
        assertThatThrownBy(() -> SecurityFactory.create(props("mqttx.acl.file", dir.resolve("acl").toString())))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("mqttx.enable-topic-sub-pub-secure is false");
        assertThatThrownBy(() -> SecurityFactory.create(props("mqttx.enable-topic-sub-pub-secure", "true",
                "mqttx.auth.anonymous", "true", "mqttx.acl.file", dir.resolve("no-acl").toString())))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no-acl");
        assertThatThrownBy(() -> SecurityFactory.create(props("mqttx.auth.anonymous", "true",
                "mqttx.auth.is-mandatory", "true")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("contradicts");
    }

    @Test
    void anAclFileIsEnforcedWithTopicAuthorizationOn() throws IOException {
        Path acl = Files.writeString(dir.resolve("acl"), "topic read public/#\n");
        try (Security security = SecurityFactory.create(props("mqttx.enable-topic-sub-pub-secure", "true",
                "mqttx.acl.file", acl.toString()))) {
            assertThat(security.authorizer()).isNotSameAs(Authorizer.ALLOW_ALL);
            assertThat(security.description()).contains("ACL file");
        }
    }

    @Test
    void aBlankAuthUrlIsUnset() {
        try (Security security = SecurityFactory.create(props("mqttx.auth.url", " "))) {
            assertThat(verdict(security, null, null)).isEqualTo(ReasonCode.SUCCESS);
        }
    }

    @Test
    void testModeAndStoreTypeMemoryGiveTheMemoryStore() {
        assertThat(new StoreFactory(props("mqttx.enable-test-mode", "true")).effectiveType())
                .isEqualTo(MqttxProperties.StoreType.MEMORY);
        try (BrokerStore store = new StoreFactory(props("mqttx.store.type", "memory",
                "mqttx.store.path", dir.resolve("unused").toString())).create()) {
            assertThat(store).isInstanceOf(MemoryBrokerStore.class);
        }
        assertThat(dir.resolve("unused")).doesNotExist();
    }

    @Test
    void embeddedIsTheDefaultInStorePathAndLogsTypePathAndSync(CapturedOutput output) throws IOException {
        Path path = dir.resolve("data");
        StoreFactory factory = new StoreFactory(props("mqttx.store.path", path.toString(), "mqttx.store.sync", "true"));
        assertThat(factory.effectiveType()).isEqualTo(MqttxProperties.StoreType.EMBEDDED);
        try (BrokerStore store = factory.create()) {
            assertThat(store).isInstanceOf(RocksDbBrokerStore.class);
        }
        assertThat(output).contains("store: embedded (RocksDB) in " + path + ", sync=true");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwx------");
        try (var files = Files.list(path)) {
            assertThat(files.filter(Files::isRegularFile).toList()).isNotEmpty().allSatisfy(f ->
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                            .as("%s", f).isEqualTo("rw-------"));
        }
    }

    @Test
    void aForeignDirectoryFailsTheStartWithOneMessageNamingIt() throws IOException {
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "someone else's");
        assertThatThrownBy(() -> new StoreFactory(props("mqttx.store.path", foreign.toString())).create())
                .isInstanceOf(StoreOpenException.class)
                .hasMessageStartingWith("mqttx could not open its store (mqttx.store.path=" + foreign + "): ")
                .hasMessageContaining("MQTTX-STORE");
    }
}
