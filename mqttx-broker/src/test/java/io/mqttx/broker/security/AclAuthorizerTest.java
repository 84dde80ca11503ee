package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ACL decision table (checklist section 4: CVE-2017-7650, CVE-2018-12550, CVE-2026-44838). */
class AclAuthorizerTest {

    private static AclAuthorizer acl(String text) {
        return new AclAuthorizer(AclRules.parse(TextFiles.lines(text), "acl"), true);
    }

    private static ClientIdentity user(String username) {
        return ClientIdentity.of("client-of-" + username, username);
    }

    private static final ClientIdentity ANONYMOUS = ClientIdentity.of("anon", null);

    @Test
    void publishingNeedsWriteAndSubscribingAndReceivingNeedRead() {
        AclAuthorizer a = acl("""
                user u
                topic read r/#
                topic write w/#
                topic readwrite rw/#
                """);
        ClientIdentity u = user("u");
        assertThat(a.canPublish(u, "w/1")).isTrue();
        assertThat(a.canPublish(u, "r/1")).isFalse();
        assertThat(a.canSubscribe(u, "r/#")).isTrue();
        assertThat(a.canReceive(u, "r/1")).isTrue();
        assertThat(a.canSubscribe(u, "w/#")).isFalse();
        assertThat(a.canReceive(u, "w/1")).isFalse();
        assertThat(a.canPublish(u, "rw/x")).isTrue();
        assertThat(a.canSubscribe(u, "rw/x")).isTrue();
        assertThat(a.canPublish(u, "elsewhere")).as("nothing matches: denied").isFalse();
    }

    @Test
    void denyIsEvaluatedBeforeGrants() {
        AclAuthorizer a = acl("""
                user u
                topic readwrite a/#
                topic deny a/secret/#
                """);
        ClientIdentity u = user("u");
        assertThat(a.canPublish(u, "a/open")).isTrue();
        assertThat(a.canPublish(u, "a/secret/x")).isFalse();
        assertThat(a.canReceive(u, "a/secret")).isFalse();
        assertThat(a.canSubscribe(u, "a/secret/#")).as("the whole filter is denied").isFalse();
        assertThat(a.canSubscribe(u, "a/secret/+/x")).isFalse();
        assertThat(a.canSubscribe(u, "a/#"))
                .as("overlapping a denied area is allowed; delivery filters the denied topics")
                .isTrue();
    }

    @Test
    void aSubscriptionMustBeCoveredByAGrant() {
        AclAuthorizer a = acl("""
                user u
                topic read a/#
                """);
        ClientIdentity u = user("u");
        assertThat(a.canSubscribe(u, "a/b/#")).isTrue();
        assertThat(a.canSubscribe(u, "#")).isFalse();
        assertThat(a.canSubscribe(u, "+/#")).isFalse();
        assertThat(a.canSubscribe(u, "+/b")).isFalse();
    }

    @Test
    void rulesBeforeTheFirstUserLineApplyToAnonymousClientsOnly() {
        AclAuthorizer a = acl("""
                topic read public/#
                user u
                topic read private/#
                """);
        assertThat(a.canSubscribe(ANONYMOUS, "public/#")).isTrue();
        assertThat(a.canSubscribe(ANONYMOUS, "private/#")).isFalse();
        assertThat(a.canSubscribe(user("u"), "public/#")).isFalse();
        assertThat(a.canSubscribe(user("u"), "private/#")).isTrue();
        assertThat(a.canSubscribe(user("someone-else"), "private/#")).isFalse();
    }

    @Test
    void clientBlocksApplyToThatClientIdWhateverTheUser() {
        AclAuthorizer a = acl("""
                client sensor-1
                topic write sensors/1/#
                topic deny sensors/1/config
                user u
                topic readwrite sensors/#
                """);
        ClientIdentity sensor = ClientIdentity.of("sensor-1", "u");
        assertThat(a.canPublish(sensor, "sensors/1/t")).isTrue();
        assertThat(a.canPublish(sensor, "sensors/1/config")).as("the client block's deny wins").isFalse();
        assertThat(a.canPublish(ClientIdentity.of("sensor-2", "u"), "sensors/1/config")).isTrue();
        assertThat(a.canPublish(ClientIdentity.of("sensor-1", null), "sensors/1/t")).isTrue();
    }

    @Test
    void patternsApplyToEveryClient() {
        AclAuthorizer a = acl("""
                pattern readwrite users/%u/#
                pattern read devices/%c/#
                pattern write broadcast
                """);
        ClientIdentity alice = ClientIdentity.of("dev-a", "alice");
        assertThat(a.canSubscribe(alice, "users/alice/#")).isTrue();
        assertThat(a.canSubscribe(alice, "users/bob/#")).isFalse();
        assertThat(a.canSubscribe(alice, "users/+/#")).isFalse();
        assertThat(a.canReceive(alice, "devices/dev-a/x")).isTrue();
        assertThat(a.canReceive(alice, "devices/dev-b/x")).isFalse();
        assertThat(a.canPublish(ANONYMOUS, "broadcast")).isTrue();
        assertThat(a.canReceive(ANONYMOUS, "devices/anon/x")).as("%c applies to anonymous clients").isTrue();
        assertThat(a.canSubscribe(ANONYMOUS, "users/%u/#")).as("%u is never a literal").isFalse();
    }

    @ParameterizedTest(name = "username ''{0}'' gains nothing from pattern %u (CVE-2017-7650)")
    @ValueSource(strings = {"+", "#", "a/b", "", "+/+", "$SYS"})
    void patternInjectionGainsNothing(String username) {
        AclAuthorizer a = acl("""
                pattern readwrite %u/#
                pattern readwrite users/%u/#
                """);
        ClientIdentity attacker = ClientIdentity.of("attacker", username);
        for (String victim : List.of("alice", "a")) {
            assertThat(a.canSubscribe(attacker, victim + "/#")).isFalse();
            assertThat(a.canSubscribe(attacker, "users/" + victim + "/#")).isFalse();
            assertThat(a.canReceive(attacker, "users/" + victim + "/b")).isFalse();
            assertThat(a.canPublish(attacker, "users/" + victim + "/b")).isFalse();
        }
        assertThat(a.canSubscribe(attacker, "#")).isFalse();
        assertThat(a.canSubscribe(attacker, "$SYS/#")).isFalse();
        assertThat(a.canReceive(attacker, "$SYS/broker/uptime")).isFalse();
    }

    @ParameterizedTest(name = "client id ''{0}'' gains nothing from pattern %c")
    @ValueSource(strings = {"+", "#", "a/b", ""})
    void clientIdInjectionGainsNothing(String clientId) {
        AclAuthorizer a = acl("pattern readwrite devices/%c/#");
        ClientIdentity attacker = ClientIdentity.of(clientId, "mallory");
        assertThat(a.canSubscribe(attacker, "devices/victim/#")).isFalse();
        assertThat(a.canReceive(attacker, "devices/victim/x")).isFalse();
        assertThat(a.canReceive(attacker, "devices/a/b/x")).isFalse();
        assertThat(a.canPublish(attacker, "devices/a/b")).isFalse();
    }

    @Test
    void aDenyPatternThatCannotBeAppliedDeniesEverything() {
        AclAuthorizer a = acl("""
                pattern deny %u/private/#
                pattern readwrite #
                """);
        assertThat(a.canPublish(user("alice"), "bob/private/x")).isTrue();
        assertThat(a.canPublish(user("alice"), "alice/private/x")).isFalse();
        assertThat(a.canPublish(user("a/b"), "a/b/private/x"))
                .as("skipping the deny would have granted this").isFalse();
        assertThat(a.canPublish(user("a/b"), "anything")).isFalse();
        assertThat(a.canPublish(ANONYMOUS, "x/private/y"))
                .as("a %u deny does not concern a client without a username").isTrue();
    }

    @Test
    void dollarSysIsReachedOnlyByRulesThatNameIt() {
        AclAuthorizer wide = acl("""
                user u
                topic readwrite #
                topic readwrite +/#
                """);
        ClientIdentity u = user("u");
        assertThat(wide.canSubscribe(u, "#")).isTrue();
        assertThat(wide.canSubscribe(u, "$SYS/#")).isFalse();
        assertThat(wide.canSubscribe(u, "$SYS/broker/status")).isFalse();
        assertThat(wide.canReceive(u, "$SYS/broker/status")).isFalse();
        assertThat(wide.canPublish(u, "$SYS/broker/status")).isFalse();

        AclAuthorizer explicit = acl("""
                user u
                topic read $SYS/#
                """);
        assertThat(explicit.canSubscribe(u, "$SYS/broker/+")).isTrue();
        assertThat(explicit.canReceive(u, "$SYS/broker/status")).isTrue();
        assertThat(explicit.canPublish(u, "$SYS/broker/status")).isFalse();
    }

    @Test
    void anEmptyRuleSetDeniesEverything() {
        AclAuthorizer a = new AclAuthorizer(AclRules.EMPTY, true);
        assertThat(a.canPublish(user("u"), "a")).isFalse();
        assertThat(a.canSubscribe(user("u"), "a")).isFalse();
        assertThat(a.canReceive(user("u"), "a")).isFalse();
        assertThat(a.canPublish(ANONYMOUS, "a")).isFalse();
    }

    @Test
    void anUnknownClientIsDenied() {
        AclAuthorizer a = acl("pattern readwrite #");
        assertThat(a.canPublish(null, "a")).isFalse();
    }

    @Test
    void theAuthenticatorsListsAreGrantsNextToTheFile() {
        AclAuthorizer a = acl("""
                pattern deny secret/#
                user u
                topic read news/#
                """);
        ClientIdentity listed = new ClientIdentity("c", "u", List.of("up/%c", "up/c/#", "secret/x"),
                List.of("down/#", "secret/#"));
        assertThat(a.canPublish(listed, "up/c/1")).isTrue();
        assertThat(a.canPublish(listed, "up/%c")).as("lists are not patterns").isTrue();
        assertThat(a.canPublish(listed, "up/d/1")).isFalse();
        assertThat(a.canSubscribe(listed, "down/+")).isTrue();
        assertThat(a.canReceive(listed, "down/x")).isTrue();
        assertThat(a.canSubscribe(listed, "#")).as("lists grant by coverage too").isFalse();
        assertThat(a.canSubscribe(listed, "news/#")).as("the user block still applies").isTrue();
        assertThat(a.canPublish(listed, "secret/x")).as("the file's deny wins over the list").isFalse();
        assertThat(a.canReceive(listed, "secret/x")).isFalse();
        assertThat(a.canPublish(listed, "down/x")).as("a subscribe list does not grant publishing").isFalse();
    }

    @Test
    void emptyListsGrantNothingAndNullListsSayNothing() {
        AclAuthorizer a = new AclAuthorizer(AclRules.EMPTY, true);
        assertThat(a.canSubscribe(new ClientIdentity("c", "u", List.of(), List.of()), "a")).isFalse();
        assertThat(a.canSubscribe(new ClientIdentity("c", "u", null, null), "a")).isFalse();
        assertThat(a.canSubscribe(new ClientIdentity("c", "u", null, List.of("a")), "a")).isTrue();
    }

    @Test
    void invalidFiltersInListsGrantNothing() {
        AclAuthorizer a = new AclAuthorizer(AclRules.EMPTY, true);
        ClientIdentity c = new ClientIdentity("c", "u", List.of("a/#/b", "", "$share/g/#"),
                List.of("x+", "$share/g/#"));
        assertThat(a.canPublish(c, "a/x/b")).isFalse();
        assertThat(a.canPublish(c, "a")).isFalse();
        assertThat(a.canSubscribe(c, "#")).isFalse();
    }

    @Test
    void unverifiedUsernamesAreIgnored() {
        AclRules rules = AclRules.parse(TextFiles.lines("""
                topic read public/#
                user admin
                topic readwrite #
                """), "acl");
        AclAuthorizer a = new AclAuthorizer(rules, false);
        ClientIdentity claimsAdmin = ClientIdentity.of("c", "admin");
        assertThat(a.canSubscribe(claimsAdmin, "#")).isFalse();
        assertThat(a.canSubscribe(claimsAdmin, "public/#")).as("judged as anonymous").isTrue();
    }
}
