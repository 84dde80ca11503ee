package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
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
}
