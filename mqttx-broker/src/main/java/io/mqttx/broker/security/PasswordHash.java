package io.mqttx.broker.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA512 password hash, written {@code $pbkdf2-sha512$<iterations>$<base64 salt>$<base64 hash>}.
 * The format names its algorithm and cost, so that stronger settings can be introduced later without ambiguity.
 *
 * <p>Deriving costs about 100-200 ms of CPU at the minimum 210,000 iterations (OWASP 2023 for PBKDF2-SHA512; also
 * Mosquitto 2.1's default). That is the point, and also why {@link #matches} must never run on a Netty event loop.
 */
public final class PasswordHash {
    public static final String PREFIX = "$pbkdf2-sha512$";
    public static final int MIN_ITERATIONS = 210_000;
    /** A typo of a few zeros would make every login take minutes: refused like any other malformed line. */
    public static final int MAX_ITERATIONS = 10_000_000;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 64;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA512";

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt.clone();
        this.hash = hash.clone();
    }

    /** Hashes a new password with a fresh random salt, at {@link #MIN_ITERATIONS}. */
    public static PasswordHash create(char[] password, SecureRandom random) {
        return create(password, MIN_ITERATIONS, random);
    }

    /** As {@link #create(char[], SecureRandom)}; tests pass a lower cost than a password file would accept. */
    static PasswordHash create(char[] password, int iterations, SecureRandom random) {
        if (password.length == 0) {
            throw new IllegalArgumentException("empty password");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS);
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return of(password, salt, iterations);
    }

    /** Without the checks of {@link #create}: for tests that cannot afford 210,000 iterations per hash. */
    static PasswordHash of(char[] password, byte[] salt, int iterations) {
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /**
     * Parses the text after {@code user:}. Throws {@link IllegalArgumentException} with a reason that never repeats
     * the text (it may be a plaintext password written by mistake).
     */
    static PasswordHash parse(String text, int minIterations) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a " + PREFIX + " hash (plaintext and other hash formats are"
                    + " refused; set the password with the passwd tool)");
        }
        String[] parts = text.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected " + PREFIX + "<iterations>$<salt>$<hash>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iterations is not a number");
        }
        if (iterations < minIterations || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException(iterations + " iterations; between " + minIterations + " and "
                    + MAX_ITERATIONS + " are accepted (re-set the password with the passwd tool)");
        }
        byte[] salt = UserFile.base64(parts[1], "salt");
        byte[] hash = UserFile.base64(parts[2], "hash");
        if (salt.length < SALT_BYTES) {
            throw new IllegalArgumentException("salt of " + salt.length + " bytes; at least " + SALT_BYTES);
        }
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("hash of " + hash.length + " bytes; SHA-512 gives " + HASH_BYTES);
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Derives the candidate's hash (slow: see the class comment) and compares in constant time. */
    public boolean matches(char[] candidate) {
        if (candidate.length == 0) {
            return false;
        }
        byte[] derived = derive(candidate, salt, iterations);
        try {
            return MessageDigest.isEqual(derived, hash);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    public int iterations() {
        return iterations;
    }

    public String format() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // every Java 17 runtime has this algorithm; without it no password can be checked
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return PREFIX + iterations + "$...";
    }
}
