package io.mqttx.broker.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The syntax shared by the files that hold one {@code username:secret} per line (the password file, the SCRAM
 * credentials file): blank lines and lines starting with {@code #} are ignored. Loading is all or nothing: a line
 * that is not a valid entry fails it with the line number and never the line's text, which may hold a password
 * written in clear by mistake. Skipping such a line silently is how Mosquitto's CVE-2018-12551 let malformed entries
 * authenticate.
 */
public final class UserFile {
    private static final Logger log = LoggerFactory.getLogger(UserFile.class);

    private UserFile() {
    }

    /**
     * The file's lines (strict UTF-8).
     *
     * @param what the file's name in messages, e.g. "password file"
     */
    public static List<String> read(Path path, String what) {
        return TextFiles.readLines(path, what);
    }

    /**
     * Users and their secrets, in file order.
     *
     * @param value parses the text after {@code username:}; throws {@link IllegalArgumentException} with a reason
     *              that never repeats that text
     * @throws SecurityConfigurationException naming {@code source} and the line
     */
    public static <V> Map<String, V> parse(List<String> lines, String source, String what, String expected,
                                           Function<String, V> value) {
        Map<String, V> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (isIgnorable(line)) {
                continue;
            }
            int colon = line.indexOf(':');
            try {
                if (colon < 0) {
                    throw new IllegalArgumentException("expected username:" + expected);
                }
                String username = line.substring(0, colon);
                String why = checkUsername(username);
                if (why != null) {
                    throw new IllegalArgumentException(why);
                }
                if (users.containsKey(username)) {
                    throw new IllegalArgumentException("user '" + username + "' appears twice");
                }
                users.put(username, value.apply(line.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new SecurityConfigurationException(source + ":" + (i + 1) + ": " + e.getMessage()
                        + "; the " + what + " is not used");
            }
        }
        return Collections.unmodifiableMap(users);
    }

    public static boolean isIgnorable(String line) {
        String t = TextFiles.trim(line);
        return t.isEmpty() || t.startsWith("#");
    }

    /** Whether {@code line} is {@code username}'s entry. */
    public static boolean isEntryOf(String line, String username) {
        return !isIgnorable(line) && line.startsWith(username + ":");
    }

    /** Why a username cannot be stored in such a file, or null if it can. */
    public static String checkUsername(String username) {
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

    /** Decodes one base64 field of an entry; the refusal names the field, never its text. */
    public static byte[] base64(String s, String what) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64");
        }
    }

    /** The file still works, but whoever can read it can run an offline dictionary attack on its secrets. */
    public static void warnIfReadableByOthers(Path file, String what) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                log.warn("the {} {} is readable by group or others; restrict it with chmod 600", what, file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }

    /** The most common of {@code counts}, or {@code fallback} for none. */
    public static int mostCommon(Iterable<Integer> counts, int fallback) {
        Map<Integer, Integer> seen = new LinkedHashMap<>();
        for (Integer c : counts) {
            seen.merge(c, 1, Integer::sum);
        }
        return seen.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(fallback);
    }
}
