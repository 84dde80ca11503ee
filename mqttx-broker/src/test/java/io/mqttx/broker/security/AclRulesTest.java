package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.security.AclRules.Access;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AclRulesTest {

    @Test
    void parsesMosquittoStyleFiles() {
        AclRules rules = AclRules.parse(TextFiles.lines("""
                # anonymous clients
                topic read public/#
                  topic deny public/secret

                user alice
                topic readwrite alice/#
                topic a/b c
                user bob smith
                topic write in/#
                client sensor-1
                topic write sensors/1/#
                pattern read devices/%c/#
                pattern deny %u/private/#
                """), "acl");
        assertThat(rules.anonymous()).extracting(AclRules.Rule::access).containsExactly(Access.READ, Access.DENY);
        assertThat(rules.forUser("alice")).extracting(r -> r.filter().text()).containsExactly("alice/#", "a/b c");
        assertThat(rules.forUser("alice").get(1).access()).as("access defaults to readwrite")
                .isEqualTo(Access.READWRITE);
        assertThat(rules.forUser("bob smith")).hasSize(1);
        assertThat(rules.forClient("sensor-1")).extracting(AclRules.Rule::line).containsExactly(11);
        assertThat(rules.patterns()).hasSize(2);
        assertThat(rules.size()).isEqualTo(8);
        assertThat(rules.dependsOnUsernames()).isTrue();
        assertThat(rules.grantsByClientId()).isTrue();
    }

    @Test
    void repeatedUserBlocksAreMerged() {
        AclRules rules = AclRules.parse(List.of("user a", "topic x", "user b", "topic y", "user a", "topic z"), "acl");
        assertThat(rules.forUser("a")).extracting(r -> r.filter().text()).containsExactly("x", "z");
    }

    @Test
    void anEmptyFileHasNoRules() {
        AclRules rules = AclRules.parse(TextFiles.lines("# nothing\n\n"), "acl");
        assertThat(rules.isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "line 3 ''{0}'' fails loading")
    @ValueSource(strings = {
            "topic",
            "topic read",
            "topc read a",
            "Topic read a",
            "user",
            "client",
            "topic read a/#/b",
            "topic read a+",
            "topic read home/%u/#",
            "pattern read home/x%u/#",
            "pattern read",
            "topic read $share/g/a",
            "deny a/b",
    })
    void malformedLinesFailLoadingWithTheLineNumber(String bad) {
        List<String> lines = List.of("# header", "topic read ok/#", bad, "topic read also-ok");
        assertThatThrownBy(() -> AclRules.parse(lines, "/etc/mqttx/acl"))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageStartingWith("/etc/mqttx/acl:3: ");
    }

    @Test
    void aFileThatIsNotUtf8FailsLoading(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("acl");
        Files.write(file, new byte[] {'t', 'o', 'p', 'i', 'c', ' ', (byte) 0xC3, (byte) 0x28});
        assertThatThrownBy(() -> AclRules.load(file))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void aMissingFileFailsLoading(@TempDir Path dir) {
        assertThatThrownBy(() -> AclRules.load(dir.resolve("absent")))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageContaining("cannot read the ACL file");
    }

    @Test
    void loadsFromDiskWithCrLfAndABom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("acl");
        Files.writeString(file, "\uFEFFtopic read a/#\r\nuser u\r\ntopic write b\r\n", StandardCharsets.UTF_8);
        AclRules rules = AclRules.load(file);
        assertThat(rules.anonymous()).extracting(r -> r.filter().text()).containsExactly("a/#");
        assertThat(rules.forUser("u")).extracting(r -> r.filter().text()).containsExactly("b");
    }
}
