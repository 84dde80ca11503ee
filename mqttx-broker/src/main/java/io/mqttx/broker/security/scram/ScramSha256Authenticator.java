package io.mqttx.broker.security.scram;

import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.security.AuthenticationResult;
import io.mqttx.broker.security.Credentials;
import io.mqttx.broker.security.EnhancedAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as an MQTT 5 enhanced authentication method, without channel binding. The
 * client proves it knows the password without sending it; the server proves it knows the credential. An unknown
 * user runs the same exchange on a made-up credential and fails only at the proof, so names cannot be probed.
 */
public final class ScramSha256Authenticator implements EnhancedAuthenticator {
    public static final String METHOD = "SCRAM-SHA-256";
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Function<String, ScramCredential> credentials;
    private final java.util.function.Supplier<String> serverNonces;
    private final byte[] decoyKey = new byte[32];
    private final int decoyIterations;

    /** @param credentials looks a user up; returns null for an unknown user */
    public ScramSha256Authenticator(Function<String, ScramCredential> credentials) {
        this(credentials, ScramCredential.MIN_ITERATIONS, randomNonces(new SecureRandom()));
    }

    /** With a given source of server nonces: for checking the exchange against RFC 7677's example. */
    ScramSha256Authenticator(Function<String, ScramCredential> credentials,
                             java.util.function.Supplier<String> serverNonces) {
        this(credentials, ScramCredential.MIN_ITERATIONS, serverNonces);
    }

    /**
     * @param decoyIterations the iteration count an unknown user is answered with: that of most known users, so
     *                        the count does not tell which names exist
     */
    private ScramSha256Authenticator(Function<String, ScramCredential> credentials, int decoyIterations,
                                     java.util.function.Supplier<String> serverNonces) {
        this.credentials = credentials;
        this.decoyIterations = decoyIterations;
        this.serverNonces = serverNonces;
        new SecureRandom().nextBytes(decoyKey);
    }

    /** The users of a credentials file. */
    public static ScramSha256Authenticator of(ScramCredentialsFile file) {
        return new ScramSha256Authenticator(file::lookup, file.typicalIterations(), randomNonces(new SecureRandom()));
    }

    private static java.util.function.Supplier<String> randomNonces(SecureRandom random) {
        return () -> {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            return B64.encodeToString(bytes);
        };
    }

    public static ScramSha256Authenticator of(Map<String, ScramCredential> users) {
        return new ScramSha256Authenticator(Map.copyOf(users)::get);
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Exchange begin(Credentials client) {
        return new ScramExchange();
    }

    private final class ScramExchange implements Exchange {
        private int round;
        private String gs2Header;
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;
        private String username;
        private ScramCredential credential;
        private boolean known;

        /** The client-first message: {@code gs2-header n=user,r=client-nonce}. */
        private Step first(byte[] clientFirst) {
            String message = new String(clientFirst == null ? new byte[0] : clientFirst, StandardCharsets.UTF_8);
            // gs2-header: "n,," (no channel binding) or "y,," (client could but thinks we cannot); no authzid
            if (!(message.startsWith("n,,") || message.startsWith("y,,"))) {
                return Step.failure(ReasonCode.BAD_AUTHENTICATION_METHOD);
            }
            gs2Header = message.substring(0, 3);
            clientFirstBare = message.substring(3);
            String user = attribute(clientFirstBare, 'n');
            String clientNonce = attribute(clientFirstBare, 'r');
            if (user == null || clientNonce == null || clientNonce.isEmpty()) {
                return Step.failure(ReasonCode.NOT_AUTHORIZED);
            }
            username = user.replace("=2C", ",").replace("=3D", "=");
            credential = credentials.apply(username);
            known = credential != null;
            if (!known) {
                // the same made-up salt each time for one name, as a real user's would be, different between names
                byte[] salt = java.util.Arrays.copyOf(ScramCredential.hmac(decoyKey,
                        username.getBytes(StandardCharsets.UTF_8)), ScramCredentialsFile.MIN_SALT_BYTES);
                credential = new ScramCredential(salt, decoyIterations, new byte[32], new byte[32]);
            }
            nonce = clientNonce + serverNonces.get();
            serverFirst = "r=" + nonce + ",s=" + B64.encodeToString(credential.salt()) + ",i="
                    + credential.iterations();
            return Step.proceed(serverFirst.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Step next(byte[] data) {
            if (round++ == 0) {
                return first(data);
            }
            if (round > 2) {
                return Step.failure(ReasonCode.PROTOCOL_ERROR);
            }
            String clientFinal = new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8);
            int proofAt = clientFinal.lastIndexOf(",p=");
            if (proofAt < 0) {
                return Step.failure(ReasonCode.NOT_AUTHORIZED);
            }
            String withoutProof = clientFinal.substring(0, proofAt);
            String channelBinding = attribute(withoutProof, 'c');
            String finalNonce = attribute(withoutProof, 'r');
            byte[] proof;
            try {
                proof = B64D.decode(clientFinal.substring(proofAt + 3));
            } catch (IllegalArgumentException e) {
                return Step.failure(ReasonCode.NOT_AUTHORIZED);
            }
            String expectedBinding = B64.encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
            if (!expectedBinding.equals(channelBinding) || !nonce.equals(finalNonce) || proof.length != 32) {
                return Step.failure(ReasonCode.NOT_AUTHORIZED);
            }
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                    .getBytes(StandardCharsets.UTF_8);
            byte[] clientSignature = ScramCredential.hmac(credential.storedKey(), authMessage);
            byte[] clientKey = new byte[32];
            for (int i = 0; i < 32; i++) {
                clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
            }
            boolean proven = MessageDigest.isEqual(ScramCredential.sha256(clientKey), credential.storedKey());
            if (!proven || !known) {
                return Step.failure(ReasonCode.NOT_AUTHORIZED);
            }
            byte[] serverSignature = ScramCredential.hmac(credential.serverKey(), authMessage);
            return Step.success(("v=" + B64.encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8),
                    AuthenticationResult.ALLOWED, username);
        }
    }

    /** The value of a one-letter attribute {@code x=value} in a comma-separated SCRAM message, or null. */
    static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        return null;
    }
}
