package io.mqttx.broker.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users and their password hashes, one {@code username:$pbkdf2-sha512$...} per line, in {@link UserFile}'s syntax:
 * a plaintext password, a weak hash or a duplicate user fails loading with its line number.
 */
public final class PasswordFile {
    static final String WHAT = "password file";

    private final Map<String, PasswordHash> users;

    private PasswordFile(Map<String, PasswordHash> users) {
        this.users = users;
    }

    public static PasswordFile load(Path path) {
        return parse(UserFile.read(path, WHAT), path.toString(), PasswordHash.MIN_ITERATIONS);
    }

    static PasswordFile parse(List<String> lines, String source, int minIterations) {
        return new PasswordFile(UserFile.parse(lines, source, WHAT, PasswordHash.PREFIX + "...",
                text -> PasswordHash.parse(text, minIterations)));
    }

    public Optional<PasswordHash> lookup(String username) {
        return Optional.ofNullable(users.get(username));
    }

    public int size() {
        return users.size();
    }

    public List<String> usernames() {
        return new ArrayList<>(users.keySet());
    }

    /** The most common iteration count, so that checking an unknown user costs what checking a known one does. */
    int typicalIterations() {
        return UserFile.mostCommon(users.values().stream().map(PasswordHash::iterations).toList(),
                PasswordHash.MIN_ITERATIONS);
    }
}
