package io.mqttx.broker.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users and their password hashes, one {@code username:$pbkdf2-sha512$...} per line; blank lines and lines starting
 * with {@code #} are ignored. Loading is all or nothing: a line that is not a valid entry (a plaintext password, a
 * weak hash, a duplicate user) fails loading with its line number. Skipping it silently is how Mosquitto's
 * CVE-2018-12551 let malformed entries authenticate.
 */
public final class PasswordFile {
    private final Map<String, PasswordHash> users;

    private PasswordFile(Map<String, PasswordHash> users) {
        this.users = users;
    }

    public static PasswordFile load(Path path) {
        return parse(TextFiles.readLines(path, "password file"), path.toString(), PasswordHash.MIN_ITERATIONS);
    }

    static PasswordFile parse(List<String> lines, String source, int minIterations) {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (isIgnorable(line)) {
                continue;
            }
            int colon = line.indexOf(':');
            String username = colon < 0 ? null : line.substring(0, colon);
            try {
                if (colon < 0) {
                    throw new IllegalArgumentException("expected username:" + PasswordHash.PREFIX + "...");
                }
                String why = checkUsername(username);
                if (why != null) {
                    throw new IllegalArgumentException(why);
                }
                if (users.containsKey(username)) {
                    throw new IllegalArgumentException("user '" + username + "' appears twice");
                }
                users.put(username, PasswordHash.parse(line.substring(colon + 1), minIterations));
            } catch (IllegalArgumentException e) {
                // the message names the user at most: the line may hold a password written in clear by mistake
                throw new SecurityConfigurationException(source + ":" + (i + 1) + ": " + e.getMessage()
                        + "; the password file is not used");
            }
        }
        return new PasswordFile(Collections.unmodifiableMap(users));
    }

    static boolean isIgnorable(String line) {
        String t = TextFiles.trim(line);
        return t.isEmpty() || t.startsWith("#");
    }

    /** Why a username cannot be stored in the file, or null if it can. */
    static String checkUsername(String username) {
        if (username.isEmpty()) {
            return "empty username";
        }
        if (username.startsWith("#")) {
            return "a username starting with '#' would read as a comment";
        }
        if (!TextFiles.trim(username).equals(username)) {
            return "username with leading or trailing blanks";
        }
        for (int i = 0; i < username.length(); i++) {
            char c = username.charAt(i);
            if (c == ':') {
                return "username with ':'";
            }
            if (Character.isISOControl(c)) {
                return "username with a control character";
            }
        }
        return null;
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
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (PasswordHash h : users.values()) {
            counts.merge(h.iterations(), 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(PasswordHash.MIN_ITERATIONS);
    }
}
