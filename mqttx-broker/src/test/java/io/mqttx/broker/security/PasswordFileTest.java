package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CVE-2018-12551 class: a malformed line fails loading, it is never skipped. */
class PasswordFileTest {

    @Test
    void loadsUsersSkippingCommentsAndBlankLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "# users\n\n" + PasswordFixtures.ALICE + "\r\n   \n" + PasswordFixtures.BOB + "\n");
        PasswordFile f = PasswordFile.load(file);
        assertThat(f.usernames()).containsExactly("alice", "bob");
        assertThat(f.lookup("alice")).isPresent();
        assertThat(f.lookup("carol")).isEmpty();
        assertThat(f.typicalIterations()).isEqualTo(210_000);
    }

    @ParameterizedTest(name = "line 3 ''{0}''")
    @ValueSource(strings = {
            "carol:secret",
            "carol",
            ":$pbkdf2-sha512$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
            " carol:$pbkdf2-sha512$",
            "carol:$pbkdf2-sha512$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
            "carol:$pbkdf2-sha512$101$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
            "carol:$7$101$somethingelse",
    })
    void aMalformedLineFailsLoadingWithItsNumber(String bad) {
        List<String> lines = List.of(PasswordFixtures.ALICE, "# comment", bad, PasswordFixtures.BOB);
        assertThatThrownBy(() -> PasswordFile.parse(lines, "/etc/mqttx/passwd", PasswordHash.MIN_ITERATIONS))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageStartingWith("/etc/mqttx/passwd:3: ")
                .satisfies(e -> assertThat(e.getMessage()).as("no secret echoed").doesNotContain("secret"));
    }

    @Test
    void aDuplicateUserFailsLoading() {
        List<String> lines = List.of(PasswordFixtures.ALICE, PasswordFixtures.ALICE);
        assertThatThrownBy(() -> PasswordFile.parse(lines, "f", PasswordHash.MIN_ITERATIONS))
                .hasMessageStartingWith("f:2: ")
                .hasMessageContaining("twice");
    }

    @Test
    void anUnreadableFileFailsLoading(@TempDir Path dir) {
        assertThatThrownBy(() -> PasswordFile.load(dir.resolve("missing")))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageContaining("cannot read the password file");
        assertThatThrownBy(() -> PasswordFile.load(dir))
                .isInstanceOf(SecurityConfigurationException.class);
    }

    @Test
    void anEmptyFileLoadsWithNoUsers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "# nobody yet\n");
        assertThat(PasswordFile.load(file).size()).isZero();
    }
}
