package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.security.scram.ScramCredential;
import io.mqttx.broker.security.scram.ScramCredentialsFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every inconsistent or failing configuration refuses to build (CVE-2018-12550/12551/20145, CVE-2026-95848). */
class SecurityFactoryTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private Path passwords() throws Exception {
        return file("passwd", PasswordFixtures.ALICE + "\n");
    }

    private static SecuritySettings.Builder settings() {
        return SecuritySettings.builder();
    }

    private static ReasonCode connect(Security security, String username, String password) {
        Credentials c = new Credentials("c", username,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), ProtocolVersion.MQTT_5, null,
                null);
        return security.authenticator().authenticate(c).toCompletableFuture().join().reasonCode();
    }

    @Test
    void theDefaultsRefuseToBuildBecauseNoClientCouldConnect() {
        assertThatThrownBy(() -> SecurityFactory.build(settings().build()))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageContaining("mqttx.auth.anonymous=true");
    }

    @Test
    void anOpenBrokerMustBeAskedForExplicitly() {
        try (Security s = SecurityFactory.build(settings().anonymous(true).build())) {
            assertThat(connect(s, null, null)).isEqualTo(ReasonCode.SUCCESS);
            assertThat(connect(s, "anyone", "anything")).isEqualTo(ReasonCode.SUCCESS);
            assertThat(s.authorizer()).isSameAs(Authorizer.ALLOW_ALL);
            assertThat(s.description()).contains("usernames are not verified");
        }
    }

    @Test
    void mqttxsIsMandatoryIsTheOppositeOfAnonymous() {
        try (Security s = SecurityFactory.build(settings().mandatory(false).build())) {
            assertThat(connect(s, null, null)).isEqualTo(ReasonCode.SUCCESS);
        }
        assertThatThrownBy(() -> SecurityFactory.build(settings().mandatory(true).build()))
                .isInstanceOf(SecurityConfigurationException.class);
        assertThatThrownBy(() -> SecurityFactory.build(settings().anonymous(true).mandatory(true).build()))
                .hasMessageContaining("contradicts");
    }

    @Test
    void aPasswordFileAuthenticatesAndRefusesAnonymousClientsByDefault() throws Exception {
        try (Security s = SecurityFactory.build(settings().passwordFile(passwords()).cacheTtl(Duration.ZERO).build())) {
            assertThat(connect(s, null, null)).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(connect(s, "alice", PasswordFixtures.ALICE_PASSWORD)).isEqualTo(ReasonCode.SUCCESS);
            assertThat(s.description()).contains("1 users", "anonymous clients refused");
        }
    }

    @Test
    void anonymousAccessCanBeAddedToAPasswordFile() throws Exception {
        try (Security s = SecurityFactory.build(settings().passwordFile(passwords()).anonymous(true).build())) {
            assertThat(connect(s, null, null)).isEqualTo(ReasonCode.SUCCESS);
        }
    }

    @Test
    void passwordFileAndHookTogetherAreRefused() throws Exception {
        Path p = passwords();
        assertThatThrownBy(() -> SecurityFactory.build(settings().passwordFile(p).url("http://127.0.0.1/auth").build()))
                .hasMessageContaining("configure one");
    }

    @Test
    void anUnreadableMalformedOrEmptyPasswordFileIsRefused() throws Exception {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> SecurityFactory.build(settings().passwordFile(missing).build()))
                .isInstanceOf(SecurityConfigurationException.class).hasMessageContaining("cannot read");
        Path malformed = file("bad", PasswordFixtures.ALICE + "\nbob:hunter2\n");
        assertThatThrownBy(() -> SecurityFactory.build(settings().passwordFile(malformed).build()))
                .hasMessageContaining(malformed + ":2:");
        Path empty = file("empty", "# nobody\n");
        assertThatThrownBy(() -> SecurityFactory.build(settings().passwordFile(empty).build()))
                .hasMessageContaining("no users").hasMessageContaining("passwd");
    }

    @ParameterizedTest(name = "url ''{0}'' is refused")
    @ValueSource(strings = {"ftp://host/auth", "/auth", "http:///auth", "http://user:pw@host/auth", "http://[::1"})
    void aBadHookUrlIsRefused(String url) {
        assertThatThrownBy(() -> SecurityFactory.build(settings().url(url).build()))
                .isInstanceOf(SecurityConfigurationException.class).hasMessageContaining("mqttx.auth.url");
    }

    @Test
    void badTimingsAreRefused() throws Exception {
        assertThatThrownBy(() -> SecurityFactory.build(settings().url("http://127.0.0.1/a").timeout(Duration.ZERO)
                .build())).hasMessageContaining("mqttx.auth.timeout");
        assertThatThrownBy(() -> SecurityFactory.build(settings().anonymous(true).cacheTtl(Duration.ofSeconds(-1))
                .build())).hasMessageContaining("mqttx.auth.cache-ttl");
        Path p = passwords();
        assertThatThrownBy(() -> SecurityFactory.build(settings().passwordFile(p).hashThreads(0).build()))
                .hasMessageContaining("mqttx.auth.hash-threads");
    }

    @Test
    void anAclFileWithoutTopicAuthorizationIsRefused() throws Exception {
        Path acl = file("acl", "topic read a\n");
        assertThatThrownBy(() -> SecurityFactory.build(settings().anonymous(true).aclFile(acl).build()))
                .hasMessageContaining("mqttx.enable-topic-sub-pub-secure");
    }

    @Test
    void topicAuthorizationWithNothingToGrantIsRefused() {
        assertThatThrownBy(() -> SecurityFactory.build(settings().anonymous(true).topicAuthorization(true).build()))
                .hasMessageContaining("nothing grants");
    }

    @Test
    void aMalformedOrUnreadableAclFileIsRefused() throws Exception {
        Path acl = file("acl", "topic read a\ntopic reed b c\nuser\n");
        assertThatThrownBy(() -> SecurityFactory.build(settings().anonymous(true).topicAuthorization(true)
                .aclFile(acl).build())).hasMessageContaining(acl + ":3:");
        Path missing = dir.resolve("no-acl");
        assertThatThrownBy(() -> SecurityFactory.build(settings().anonymous(true).topicAuthorization(true)
                .aclFile(missing).build())).hasMessageContaining("cannot read the ACL file");
    }

    @Test
    void anEmptyAclFileDeniesEverything() throws Exception {
        Path acl = file("acl", "");
        try (Security s = SecurityFactory.build(settings().anonymous(true).topicAuthorization(true).aclFile(acl)
                .build())) {
            ClientIdentity c = ClientIdentity.of("c", null);
            assertThat(s.authorizer().canSubscribe(c, "#")).isFalse();
            assertThat(s.authorizer().canPublish(c, "a")).isFalse();
            assertThat(s.authorizer().canReceive(c, "a")).isFalse();
        }
    }

    @Test
    void userRulesWithoutVerifiedUsernamesAreRefused() throws Exception {
        Path users = file("acl", "user admin\ntopic readwrite #\n");
        assertThatThrownBy(() -> SecurityFactory.build(settings().anonymous(true).topicAuthorization(true)
                .aclFile(users).build())).hasMessageContaining("any client could claim one");
        Path patterns = file("acl2", "pattern readwrite home/%u/#\n");
        assertThatThrownBy(() -> SecurityFactory.build(settings().anonymous(true).topicAuthorization(true)
                .aclFile(patterns).build())).hasMessageContaining("%u");
    }

    @Test
    void anAclFileWithPasswordsAuthorizesByUser() throws Exception {
        Path acl = file("acl", "user alice\ntopic readwrite alice/#\n");
        try (Security s = SecurityFactory.build(settings().passwordFile(passwords()).topicAuthorization(true)
                .aclFile(acl).build())) {
            assertThat(s.authorizer().canSubscribe(ClientIdentity.of("c", "alice"), "alice/#")).isTrue();
            assertThat(s.authorizer().canSubscribe(ClientIdentity.of("c", "bob"), "alice/#")).isFalse();
            assertThat(s.description()).contains("ACL file", "1 rules");
        }
    }

    @Test
    void theHooksQueryIsNotLogged() {
        try (Security s = SecurityFactory.build(settings().url("https://auth.example/check?token=s3cret").build())) {
            assertThat(s.description()).contains("https://auth.example/check").doesNotContain("s3cret");
        }
    }

    @Test
    void theHookAloneCanGrantTopicsThroughItsLists() {
        try (Security s = SecurityFactory.build(settings().url("http://127.0.0.1:1/auth").topicAuthorization(true)
                .build())) {
            assertThat(s.authorizer().canSubscribe(new ClientIdentity("c", "u", null, java.util.List.of("a/#")),
                    "a/b")).isTrue();
            assertThat(s.authorizer().canSubscribe(ClientIdentity.of("c", "u"), "a/b")).isFalse();
            assertThat(s.description()).contains("lists only");
        }
    }

    private Path scramUsers() throws Exception {
        return file("scram", "carol:" + ScramCredentialsFile.format(
                ScramCredential.fromPassword("pencil".toCharArray(), ScramCredential.MIN_ITERATIONS)) + "\n");
    }

    @Test
    void aScramFileAloneOffersScramAndRefusesEveryPlainClient() throws Exception {
        Path scram = scramUsers();
        try (Security s = SecurityFactory.build(settings().scramFile(scram).build())) {
            assertThat(s.enhancedAuthenticators()).extracting(EnhancedAuthenticator::method)
                    .containsExactly("SCRAM-SHA-256");
            assertThat(connect(s, null, null)).as("anonymous off by default").isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(connect(s, "carol", "pencil")).as("nothing checks a plain password")
                    .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
            assertThat(s.description()).contains("anonymous clients refused")
                    .contains("SCRAM-SHA-256 from " + scram + " (1 users)");
        }
        try (Security s = SecurityFactory.build(settings().scramFile(scram).anonymous(true).build())) {
            assertThat(connect(s, null, null)).isEqualTo(ReasonCode.SUCCESS);
            assertThat(connect(s, "carol", "pencil")).as("a claimed name is not let in unverified")
                    .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
    }

    @Test
    void aScramFileNextToAPasswordFileOrHookLeavesThePlainPathToThem() throws Exception {
        try (Security s = SecurityFactory.build(settings().scramFile(scramUsers()).passwordFile(passwords())
                .cacheTtl(Duration.ZERO).build())) {
            assertThat(s.enhancedAuthenticators()).hasSize(1);
            assertThat(connect(s, "alice", PasswordFixtures.ALICE_PASSWORD)).isEqualTo(ReasonCode.SUCCESS);
            assertThat(connect(s, "carol", "pencil")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        try (Security s = SecurityFactory.build(settings().scramFile(scramUsers()).url("http://127.0.0.1:1/auth")
                .build())) {
            assertThat(s.enhancedAuthenticators()).hasSize(1);
            assertThat(s.description()).contains("HTTP hook").contains("SCRAM-SHA-256");
        }
        try (Security s = SecurityFactory.build(settings().passwordFile(passwords()).build())) {
            assertThat(s.enhancedAuthenticators()).as("none unless configured").isEmpty();
        }
    }

    @Test
    void aScramFileThatCannotBeUsedRefusesToBuild() throws Exception {
        Path missing = dir.resolve("no-such-scram");
        assertThatThrownBy(() -> SecurityFactory.build(settings().scramFile(missing).build()))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageContaining("cannot read the SCRAM credentials file");
        Path malformed = file("bad-scram", "carol:pencil\n");
        assertThatThrownBy(() -> SecurityFactory.build(settings().scramFile(malformed).build()))
                .hasMessageStartingWith(malformed + ":1: ").satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("pencil"));
        Path empty = file("empty-scram", "# nobody yet\n");
        assertThatThrownBy(() -> SecurityFactory.build(settings().scramFile(empty).build()))
                .hasMessageContaining("has no users").hasMessageContaining("passwd --scram " + empty);
    }

    @Test
    void scramUsernamesAreVerifiedSoAclUserBlocksMayUseThem() throws Exception {
        Path acl = file("acl", "user carol\ntopic readwrite carol/#\n");
        try (Security s = SecurityFactory.build(settings().scramFile(scramUsers()).topicAuthorization(true)
                .aclFile(acl).build())) {
            assertThat(s.authorizer().canPublish(ClientIdentity.of("c", "carol"), "carol/x")).isTrue();
            assertThat(s.authorizer().canPublish(ClientIdentity.of("c", "dave"), "carol/x")).isFalse();
        }
    }
}
