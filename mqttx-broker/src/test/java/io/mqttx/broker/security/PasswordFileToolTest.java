package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.security.scram.ScramCredential;
import io.mqttx.broker.security.scram.ScramCredentialsFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileToolTest {
    private static final int TEST_ITERATIONS = 1000;
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** With the real cost: one test shows what the command line writes. */
    private int runAtFullCost(String stdin, String... args) {
        return tool(stdin, PasswordHash.MIN_ITERATIONS).run(args);
    }

    /** At a test cost: the files are read back with {@link #load}. */
    private int run(String stdin, String... args) {
        return tool(stdin, TEST_ITERATIONS).run(args);
    }

    private static PasswordFile load(Path file) {
        return PasswordFile.parse(TextFiles.readLines(file, "password file"), file.toString(), TEST_ITERATIONS);
    }

    private PasswordFileTool tool(String stdin, int iterations) {
        return new PasswordFileTool(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                null, new SecureRandom(), iterations);
    }

    @Test
    void addsAUserToANewOwnerOnlyFileThatTheBrokerLoads() throws Exception {
        Path file = dir.resolve("passwd");
        assertThat(runAtFullCost("s3cret\n", file.toString(), "carol")).isEqualTo(PasswordFileTool.OK);
        PasswordFile loaded = PasswordFile.load(file);
        assertThat(loaded.lookup("carol")).hasValueSatisfying(h -> {
            assertThat(h.iterations()).isEqualTo(210_000);
            assertThat(h.matches("s3cret".toCharArray())).isTrue();
        });
        assertThat(Files.readString(file)).doesNotContain("s3cret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("added carol");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left").hasSize(1);
        }
    }

    @Test
    void updatesOneUserKeepingTheRestAndComments() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "# team\n" + PasswordFixtures.ALICE + "\n" + PasswordFixtures.BOB + "\n");
        assertThat(run("new-pass\r\n", file.toString(), "alice")).isEqualTo(PasswordFileTool.OK);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("# team");
        assertThat(lines.get(1)).startsWith("alice:$pbkdf2-sha512$1000$").isNotEqualTo(PasswordFixtures.ALICE);
        assertThat(lines.get(2)).isEqualTo(PasswordFixtures.BOB);
        assertThat(load(file).lookup("alice").orElseThrow().matches("new-pass".toCharArray())).isTrue();
    }

    @Test
    void replacesAWeakEntryOfTheSameUser() throws Exception {
        Path file = dir.resolve("passwd");
        String weak = "alice:" + PasswordHash.of("old".toCharArray(), new byte[16], 101).format();
        Files.writeString(file, weak + "\n");
        assertThat(run("better\n", file.toString(), "alice")).isEqualTo(PasswordFileTool.OK);
        assertThat(load(file).size()).isEqualTo(1);
    }

    @Test
    void deletesAUser() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, PasswordFixtures.ALICE + "\n" + PasswordFixtures.BOB + "\n");
        assertThat(run("", "-D", file.toString(), "alice")).isEqualTo(PasswordFileTool.OK);
        assertThat(load(file).usernames()).containsExactly("bob");
        assertThat(run("", "-D", file.toString(), "alice")).isEqualTo(PasswordFileTool.FAILED);
    }

    @Test
    void leavesAMalformedFileAlone() throws Exception {
        Path file = dir.resolve("passwd");
        String content = PasswordFixtures.ALICE + "\nbob:plaintext\n";
        Files.writeString(file, content);
        assertThat(run("x\n", file.toString(), "carol")).isEqualTo(PasswordFileTool.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(":2: ");
        assertThat(Files.readString(file)).isEqualTo(content);
    }

    @Test
    void refusesEmptyPasswordsBadUsernamesAndBadUsage() {
        Path file = dir.resolve("passwd");
        assertThat(run("\n", file.toString(), "carol")).isEqualTo(PasswordFileTool.FAILED);
        assertThat(run("x\n", file.toString(), "ca:rol")).isEqualTo(PasswordFileTool.FAILED);
        assertThat(run("x\n", file.toString(), "#carol")).isEqualTo(PasswordFileTool.FAILED);
        assertThat(run("x\n", file.toString())).isEqualTo(PasswordFileTool.USAGE);
        assertThat(run("x\n", "-X", file.toString(), "carol")).isEqualTo(PasswordFileTool.USAGE);
        assertThat(Files.exists(file)).isFalse();
    }

    /** The credential the file holds is what the password derives with the file's salt and count. */
    private static boolean scramMatches(ScramCredential stored, String password) {
        ScramCredential derived = ScramCredential.fromPassword(password.toCharArray(), stored.salt(),
                stored.iterations());
        return Arrays.equals(derived.storedKey(), stored.storedKey())
                && Arrays.equals(derived.serverKey(), stored.serverKey());
    }

    @Test
    void scramAddsAUserToANewOwnerOnlyCredentialsFileAtTheDefaultCount() throws Exception {
        Path file = dir.resolve("scram");
        assertThat(run("pencil\n", "--scram", file.toString(), "carol")).isEqualTo(PasswordFileTool.OK);
        assertThat(Files.readString(file)).startsWith("carol:SCRAM-SHA-256$100000:").doesNotContain("pencil");
        ScramCredential carol = ScramCredentialsFile.load(file).lookup("carol");
        assertThat(carol.iterations()).isEqualTo(ScramCredentialsFile.DEFAULT_ITERATIONS);
        assertThat(carol.salt()).hasSize(16);
        assertThat(scramMatches(carol, "pencil")).isTrue();
        assertThat(scramMatches(carol, "pencil2")).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("added carol");
    }

    @Test
    void scramUpdatesAndDeletesUsersKeepingTheRest() throws Exception {
        Path file = dir.resolve("scram");
        assertThat(run("a-pass\n", "--scram", "--iterations", "4096", file.toString(), "alice"))
                .isEqualTo(PasswordFileTool.OK);
        assertThat(run("b-pass\n", "--scram", "--iterations", "4096", file.toString(), "bob"))
                .isEqualTo(PasswordFileTool.OK);
        String bob = Files.readAllLines(file).get(1);
        assertThat(run("a-new\n", "--iterations", "5000", "--scram", file.toString(), "alice"))
                .isEqualTo(PasswordFileTool.OK);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).isEqualTo(bob);
        ScramCredential alice = ScramCredentialsFile.load(file).lookup("alice");
        assertThat(alice.iterations()).isEqualTo(5000);
        assertThat(scramMatches(alice, "a-new")).isTrue();
        assertThat(run("", "-D", "--scram", file.toString(), "bob")).isEqualTo(PasswordFileTool.OK);
        assertThat(ScramCredentialsFile.load(file).size()).isEqualTo(1);
        assertThat(ScramCredentialsFile.load(file).lookup("bob")).isNull();
    }

    @Test
    void scramLeavesAMalformedFileOrAPasswordFileAlone() throws Exception {
        Path passwd = dir.resolve("passwd");
        String content = PasswordFixtures.ALICE + "\n";
        Files.writeString(passwd, content);
        assertThat(run("x\n", "--scram", passwd.toString(), "carol")).isEqualTo(PasswordFileTool.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(":1: ").contains("not a SCRAM-SHA-256$ entry");
        assertThat(Files.readString(passwd)).isEqualTo(content);
    }

    @Test
    void scramRefusesAWeakCountAndBadUsage() {
        Path file = dir.resolve("scram");
        assertThat(run("x\n", "--scram", "--iterations", "4095", file.toString(), "carol"))
                .isEqualTo(PasswordFileTool.USAGE);
        assertThat(run("x\n", "--scram", "--iterations", "lots", file.toString(), "carol"))
                .isEqualTo(PasswordFileTool.USAGE);
        assertThat(run("x\n", "--iterations", "5000", file.toString(), "carol"))
                .as("--iterations is SCRAM's").isEqualTo(PasswordFileTool.USAGE);
        assertThat(run("x\n", "--scram", file.toString(), "carol", "--iterations"))
                .isEqualTo(PasswordFileTool.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("passwd --scram");
        assertThat(Files.exists(file)).isFalse();
    }
}
