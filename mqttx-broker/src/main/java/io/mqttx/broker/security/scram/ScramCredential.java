package io.mqttx.broker.security.scram;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the server keeps of a SCRAM-SHA-256 user (RFC 5802 section 3): never the password, only the salt, the
 * iteration count and the two keys derived from it.
 */
public record ScramCredential(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    /** RFC 7677 asks for at least 4096. */
    public static final int MIN_ITERATIONS = 4096;

    public static ScramCredential fromPassword(char[] password, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return fromPassword(password, salt, iterations);
    }

    public static ScramCredential fromPassword(char[] password, byte[] salt, int iterations) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("SCRAM iterations below " + MIN_ITERATIONS);
        }
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        return new ScramCredential(salt.clone(), iterations, sha256(clientKey),
                hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)));
    }

    static byte[] saltedPassword(char[] password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
