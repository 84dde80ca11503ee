package io.mqttx.broker.security;

import io.mqttx.broker.security.scram.ScramCredential;
import io.mqttx.broker.security.scram.ScramCredentialsFile;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adds, updates and deletes users of a password file, like {@code mosquitto_passwd}, or of a SCRAM-SHA-256
 * credentials file:
 *
 * <pre>
 * passwd FILE USER      set USER's password: asked twice on the console, else read from the first line of stdin
 * passwd -D FILE USER   delete USER
 * passwd --scram [--iterations N] [-D] FILE USER   the same in a {@link ScramCredentialsFile}
 * </pre>
 *
 * The password never appears on the command line (where {@code ps} and shell history would keep it). The file is
 * created if missing and always rewritten whole, owner-only (0600), through a temporary file renamed over it, so a
 * crash leaves the old file or the new one, never half of one. A file with a malformed line is not touched.
 */
public final class PasswordFileTool {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;
    private final Console console;
    private final SecureRandom random;
    private final int iterations;

    PasswordFileTool(InputStream stdin, PrintStream out, PrintStream err, Console console, SecureRandom random,
                     int iterations) {
        this.iterations = iterations;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
        this.console = console;
        this.random = random;
    }

    /** The command-line entry (see the class comment). Exits with 0, 1 (failed) or 2 (usage). */
    public static void main(String... args) {
        System.exit(new PasswordFileTool(System.in, System.out, System.err, System.console(), new SecureRandom(),
                PasswordHash.MIN_ITERATIONS).run(args));
    }

    /** What differs between the password file and the SCRAM credentials file. */
    private interface Format {
        /** The file's name in messages. */
        String what();

        /** Throws {@link SecurityConfigurationException} if a line is not a valid entry. */
        void check(List<String> lines, String source);

        /** The text after {@code user:} for a new password. */
        String entry(char[] password);
    }

    private Format passwordFile() {
        return new Format() {
            public String what() {
                return PasswordFile.WHAT;
            }

            public void check(List<String> lines, String source) {
                PasswordFile.parse(lines, source, PasswordHash.MIN_ITERATIONS);
            }

            public String entry(char[] password) {
                return PasswordHash.create(password, iterations, random).format();
            }
        };
    }

    private Format scramFile(int scramIterations) {
        return new Format() {
            public String what() {
                return ScramCredentialsFile.WHAT;
            }

            public void check(List<String> lines, String source) {
                ScramCredentialsFile.parse(lines, source);
            }

            public String entry(char[] password) {
                byte[] salt = new byte[ScramCredentialsFile.MIN_SALT_BYTES];
                random.nextBytes(salt);
                return ScramCredentialsFile.format(ScramCredential.fromPassword(password, salt, scramIterations));
            }
        };
    }

    int run(String... args) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean delete = rest.remove("-D");
        boolean scram = rest.remove("--scram");
        int scramIterations = ScramCredentialsFile.DEFAULT_ITERATIONS;
        int at = rest.indexOf("--iterations");
        if (scram && at >= 0 && at + 1 < rest.size()) {
            try {
                scramIterations = Integer.parseInt(rest.get(at + 1));
            } catch (NumberFormatException e) {
                scramIterations = -1;
            }
            rest.subList(at, at + 2).clear();
            if (scramIterations < ScramCredential.MIN_ITERATIONS
                    || scramIterations > ScramCredentialsFile.MAX_ITERATIONS) {
                err.println("--iterations must be between " + ScramCredential.MIN_ITERATIONS + " and "
                        + ScramCredentialsFile.MAX_ITERATIONS);
                return USAGE;
            }
        }
        if (rest.size() != 2 || rest.stream().anyMatch(a -> a.startsWith("-"))) {
            err.println("usage: passwd FILE USER       set USER's password (read from the console, or stdin)");
            err.println("       passwd -D FILE USER    delete USER");
            err.println("       passwd --scram [--iterations N] [-D] FILE USER");
            err.println("                              the same in a SCRAM-SHA-256 credentials file (N: "
                    + ScramCredentialsFile.DEFAULT_ITERATIONS + ")");
            return USAGE;
        }
        Format format = scram ? scramFile(scramIterations) : passwordFile();
        Path file = Path.of(rest.get(0));
        String username = rest.get(1);
        String why = UserFile.checkUsername(username);
        if (why != null) {
            err.println("invalid username: " + why);
            return FAILED;
        }
        try {
            List<String> lines = Files.exists(file) ? UserFile.read(file, format.what()) : List.of();
            // the user's own line is about to be replaced: only the others must already be valid
            List<String> others = new ArrayList<>(lines.size());
            int found = -1;
            for (int i = 0; i < lines.size(); i++) {
                boolean own = UserFile.isEntryOf(lines.get(i), username);
                if (own && found < 0) {
                    found = i;
                }
                others.add(own ? "" : lines.get(i));
            }
            format.check(others, file.toString());

            String entry = null;
            if (delete) {
                if (found < 0) {
                    err.println("no user '" + username + "' in " + file);
                    return FAILED;
                }
            } else {
                char[] password = readPassword();
                if (password == null) {
                    return FAILED;
                }
                try {
                    entry = username + ":" + format.entry(password);
                } finally {
                    Arrays.fill(password, '\0');
                }
            }
            List<String> result = new ArrayList<>(lines.size() + 1);
            for (int i = 0; i < lines.size(); i++) {
                if (i == found && entry != null) {
                    result.add(entry);
                } else if (others.get(i).equals(lines.get(i))) {
                    result.add(lines.get(i));
                }
            }
            if (found < 0) {
                result.add(entry);
            }
            write(file, result);
            out.println((delete ? "deleted " : found < 0 ? "added " : "updated ") + username + " in " + file);
            return OK;
        } catch (SecurityConfigurationException e) {
            err.println(e.getMessage());
            return FAILED;
        } catch (IOException e) {
            err.println("cannot write " + file + ": " + e);
            return FAILED;
        }
    }

    /** The new password, or null after telling the user why there is none. */
    private char[] readPassword() throws IOException {
        if (console != null) {
            char[] first = console.readPassword("Password: ");
            char[] second = console.readPassword("Password again: ");
            if (first == null || second == null) {
                err.println("no password entered");
                return null;
            }
            boolean same = Arrays.equals(first, second);
            Arrays.fill(second, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                err.println("the passwords differ");
                return null;
            }
            return checked(first);
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = stdin.read(); b >= 0 && b != '\n'; b = stdin.read()) {
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            return checked(password);
        } catch (CharacterCodingException e) {
            err.println("the password read from stdin is not valid UTF-8");
            return null;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private char[] checked(char[] password) {
        if (password.length == 0) {
            err.println("empty password refused");
            return null;
        }
        return password;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path tmp = posix
                ? Files.createTempFile(dir, ".passwd-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".passwd-", ".tmp");
        try {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(l).append('\n');
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = StandardCharsets.UTF_8.encode(sb.toString());
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
