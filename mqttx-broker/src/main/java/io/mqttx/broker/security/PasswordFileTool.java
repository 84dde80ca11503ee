package io.mqttx.broker.security;

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
 * Adds, updates and deletes users of a password file, like {@code mosquitto_passwd}:
 *
 * <pre>
 * passwd FILE USER      set USER's password: asked twice on the console, else read from the first line of stdin
 * passwd -D FILE USER   delete USER
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

    /** The command-line entry: {@code FILE USER} or {@code -D FILE USER}. Exits with 0, 1 (failed) or 2 (usage). */
    public static void main(String... args) {
        System.exit(new PasswordFileTool(System.in, System.out, System.err, System.console(), new SecureRandom(),
                PasswordHash.MIN_ITERATIONS).run(args));
    }

    int run(String... args) {
        boolean delete = args.length == 3 && args[0].equals("-D");
        if (!(args.length == 2 || delete)) {
            err.println("usage: passwd FILE USER       set USER's password (read from the console, or stdin)");
            err.println("       passwd -D FILE USER    delete USER");
            return USAGE;
        }
        Path file = Path.of(delete ? args[1] : args[0]);
        String username = delete ? args[2] : args[1];
        String why = PasswordFile.checkUsername(username);
        if (why != null) {
            err.println("invalid username: " + why);
            return FAILED;
        }
        try {
            List<String> lines = Files.exists(file) ? TextFiles.readLines(file, "password file") : List.of();
            // the user's own line is about to be replaced: only the others must already be valid
            List<String> others = new ArrayList<>(lines.size());
            int found = -1;
            for (int i = 0; i < lines.size(); i++) {
                boolean own = !PasswordFile.isIgnorable(lines.get(i)) && lines.get(i).startsWith(username + ":");
                if (own && found < 0) {
                    found = i;
                }
                others.add(own ? "" : lines.get(i));
            }
            PasswordFile.parse(others, file.toString(), PasswordHash.MIN_ITERATIONS);

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
                    entry = username + ":" + PasswordHash.create(password, iterations, random).format();
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
