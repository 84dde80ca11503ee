package io.mqttx.broker.security.scram;

import io.mqttx.broker.security.PasswordHash;
import io.mqttx.broker.security.UserFile;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * SCRAM-SHA-256 users, one per line in the RFC 5803 form that LDAP servers and SASL tools write:
 *
 * <pre>
 * username:SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;
 * </pre>
 *
 * (base64), in {@link UserFile}'s syntax: blank lines and {@code #} comments are ignored, and a malformed line, a
 * duplicate user, fewer than {@link ScramCredential#MIN_ITERATIONS} iterations, a salt shorter than 16 bytes or keys
 * that are not 32 bytes fail loading with the line number. Made with {@code java -jar mqttx.jar passwd --scram}.
 */
public final class ScramCredentialsFile {
    public static final String PREFIX = "SCRAM-SHA-256$";
    public static final String WHAT = "SCRAM credentials file";
    /**
     * Iterations of new entries. Unlike a password hash, the SCRAM client derives the salted password itself, on every
     * connect: the count protects a leaked file, but every device pays it per connection. 100,000 is 25 times RFC
     * 7677's minimum and takes tens of milliseconds on a server core; OWASP's 600,000 for PBKDF2-SHA256 would cost a
     * small device seconds. Set a lower count per user with {@code passwd --scram --iterations N}.
     */
    public static final int DEFAULT_ITERATIONS = 100_000;
    public static final int MAX_ITERATIONS = PasswordHash.MAX_ITERATIONS;
    public static final int MIN_SALT_BYTES = 16;
    private static final int KEY_BYTES = 32;

    private final Map<String, ScramCredential> users;

    private ScramCredentialsFile(Map<String, ScramCredential> users) {
        this.users = users;
    }

    public static ScramCredentialsFile load(Path path) {
        return parse(UserFile.read(path, WHAT), path.toString());
    }

    public static ScramCredentialsFile parse(List<String> lines, String source) {
        return new ScramCredentialsFile(UserFile.parse(lines, source, WHAT,
                PREFIX + "<iterations>:<salt>$<StoredKey>:<ServerKey>", ScramCredentialsFile::parseEntry));
    }

    /** The text after {@code user:}; the reason of a refusal never repeats it. */
    static ScramCredential parseEntry(String text) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a " + PREFIX + " entry (plaintext and other formats are refused;"
                    + " set the password with: passwd --scram FILE USER)");
        }
        String[] halves = text.substring(PREFIX.length()).split("\\$", -1);
        String[] first = halves[0].split(":", -1);
        String[] second = halves.length == 2 ? halves[1].split(":", -1) : new String[0];
        if (halves.length != 2 || first.length != 2 || second.length != 2) {
            throw new IllegalArgumentException("expected " + PREFIX + "<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(first[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iterations is not a number");
        }
        if (iterations < ScramCredential.MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException(iterations + " iterations; between " + ScramCredential.MIN_ITERATIONS
                    + " and " + MAX_ITERATIONS + " are accepted (re-set the password with passwd --scram)");
        }
        byte[] salt = UserFile.base64(first[1], "salt");
        if (salt.length < MIN_SALT_BYTES) {
            throw new IllegalArgumentException("salt of " + salt.length + " bytes; at least " + MIN_SALT_BYTES);
        }
        byte[] storedKey = UserFile.base64(second[0], "StoredKey");
        byte[] serverKey = UserFile.base64(second[1], "ServerKey");
        if (storedKey.length != KEY_BYTES || serverKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("StoredKey and ServerKey must be " + KEY_BYTES + " bytes (SHA-256)");
        }
        return new ScramCredential(salt, iterations, storedKey, serverKey);
    }

    /** The text after {@code user:} for {@code credential}. */
    public static String format(ScramCredential credential) {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + credential.iterations() + ":" + b64.encodeToString(credential.salt()) + "$"
                + b64.encodeToString(credential.storedKey()) + ":" + b64.encodeToString(credential.serverKey());
    }

    /** A user's credential, or null. */
    public ScramCredential lookup(String username) {
        return users.get(username);
    }

    public int size() {
        return users.size();
    }

    /** The most common iteration count: what an unknown user is answered with, so it looks like a known one. */
    public int typicalIterations() {
        return UserFile.mostCommon(users.values().stream().map(ScramCredential::iterations).toList(),
                DEFAULT_ITERATIONS);
    }
}
