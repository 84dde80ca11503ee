package io.mqttx.broker.security.scram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.security.SecurityConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The RFC 5803 credentials file: every malformed line refuses the whole file, with its number and no secret. */
class ScramCredentialsFileTest {
    /** RFC 7677's example user: password "pencil", this salt, 4096 iterations. */
    private static final byte[] RFC_SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static final ScramCredential PENCIL = ScramCredential.fromPassword("pencil".toCharArray(), RFC_SALT, 4096);
    private static final String USER = "user:" + ScramCredentialsFile.format(PENCIL);
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String SALT = Base64.getEncoder().encodeToString(new byte[16]);

    @Test
    void formatsTheRfc5803FormAndReadsItBack(@TempDir Path dir) throws Exception {
        assertThat(USER).startsWith("user:SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$").matches(
                "user:SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}");
        String other = "other:SCRAM-SHA-256$100000:" + SALT + "$" + KEY + ":" + KEY;
        Path file = dir.resolve("scram");
        Files.writeString(file, "\uFEFF# users\r\n\n" + USER + "\r\n   \n" + other + "\n", StandardCharsets.UTF_8);
        ScramCredentialsFile f = ScramCredentialsFile.load(file);
        assertThat(f.size()).isEqualTo(2);
        ScramCredential read = f.lookup("user");
        assertThat(read.iterations()).isEqualTo(4096);
        assertThat(read.salt()).isEqualTo(RFC_SALT);
        assertThat(read.storedKey()).isEqualTo(PENCIL.storedKey());
        assertThat(read.serverKey()).isEqualTo(PENCIL.serverKey());
        assertThat(f.lookup("nobody")).isNull();
        assertThat(ScramCredentialsFile.parse(List.of(other, USER, other.replace("other:", "third:")), "f")
                .typicalIterations()).isEqualTo(100_000);
        assertThat(ScramCredentialsFile.parse(List.of("# none yet"), "f").size()).isZero();
    }

    @ParameterizedTest(name = "line 3 ''{0}''")
    @ValueSource(strings = {
            "carol:pencil-secret",
            "carol",
            ":SCRAM-SHA-256$4096:" + "AAAAAAAAAAAAAAAAAAAAAA==" + "$" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" + ":"
                    + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            " carol:SCRAM-SHA-256$4096:",
            "carol:SCRAM-SHA-1$4096:AAAAAAAAAAAAAAAAAAAAAA==$AAAA:AAAA",
            "carol:SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==",
            "carol:SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==$secretKeyA",
            "carol:SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==$a:b$c:d",
            "carol:SCRAM-SHA-256$many:AAAAAAAAAAAAAAAAAAAAAA==$AAAA:AAAA",
            "carol:SCRAM-SHA-256$4095:AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:"
                    + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "carol:SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==$secret!!:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "carol:SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:secret!!",
            "carol:SCRAM-SHA-256$4096:secret!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:"
                    + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "carol:SCRAM-SHA-256$4096:AAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:"
                    + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "carol:SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==$AAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "carol:SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:AAAA",
            "carol:SCRAM-SHA-256$99999999:AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:"
                    + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    })
    void aMalformedLineRefusesTheFileWithItsNumber(String bad) {
        List<String> lines = List.of(USER, "# comment", bad, USER.replace("user:", "bob:"));
        assertThatThrownBy(() -> ScramCredentialsFile.parse(lines, "/etc/mqttx/scram"))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageStartingWith("/etc/mqttx/scram:3: ")
                .hasMessageEndingWith("; the SCRAM credentials file is not used")
                .satisfies(e -> assertThat(e.getMessage()).as("no secret echoed").doesNotContain("secret")
                        .doesNotContain("AAAA"));
    }

    @Test
    void aDuplicateUserRefusesTheFile() {
        assertThatThrownBy(() -> ScramCredentialsFile.parse(List.of(USER, "", USER), "f"))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageStartingWith("f:3: ")
                .hasMessageContaining("'user' appears twice");
    }

    @Test
    void anUnreadableOrNonUtf8FileRefusesToLoad(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ScramCredentialsFile.load(dir.resolve("missing")))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageContaining("cannot read the SCRAM credentials file");
        Path latin1 = dir.resolve("latin1");
        Files.write(latin1, new byte[] {'c', (byte) 0xE9, ':', 'x'});
        assertThatThrownBy(() -> ScramCredentialsFile.load(latin1))
                .isInstanceOf(SecurityConfigurationException.class)
                .hasMessageContaining("not valid UTF-8");
    }
}
