package io.mqttx.broker.testkit;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** The client side of SCRAM-SHA-256 (RFC 5802), as the HiveMQ client's mechanism. */
public final class ScramClient implements Mqtt5EnhancedAuthMechanism {
    private final String user;
    private final String password;
    /** Exchanges in which the server proved itself (CONNECT and re-authentications). */
    public final AtomicInteger successes = new AtomicInteger();
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClient(String user, String password) {
        this.user = user;
        this.password = password;
    }

    @Override
    public MqttUtf8String getMethod() {
        return MqttUtf8String.of("SCRAM-SHA-256");
    }

    @Override
    public int getTimeout() {
        return 10;
    }

    private byte[] clientFirst() {
        byte[] nonce = new byte[18];
        new SecureRandom().nextBytes(nonce);
        clientFirstBare = "n=" + user + ",r=" + Base64.getEncoder().encodeToString(nonce);
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect,
                                          Mqtt5EnhancedAuthBuilder auth) {
        auth.data(clientFirst());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder auth) {
        auth.data(clientFirst());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth,
                                                 Mqtt5AuthBuilder next) {
        try {
            String serverFirst = StandardCharsets.UTF_8.decode(auth.getData().orElseThrow()).toString();
            String nonce = attribute(serverFirst, 'r');
            byte[] salt = Base64.getDecoder().decode(attribute(serverFirst, 's'));
            int iterations = Integer.parseInt(attribute(serverFirst, 'i'));
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            String withoutProof = "c=biws,r=" + nonce;
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] signature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ signature[i]);
            }
            expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
            next.data((withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                    .getBytes(StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(true);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private boolean serverProven(ByteBuffer data) {
        String serverFinal = StandardCharsets.UTF_8.decode(data).toString();
        return ("v=" + Base64.getEncoder().encodeToString(expectedServerSignature)).equals(serverFinal);
    }

    @Override
    public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        boolean ok = connAck.getEnhancedAuth().flatMap(a -> a.getData()).map(this::serverProven).orElse(false);
        if (ok) {
            successes.incrementAndGet();
        }
        return CompletableFuture.completedFuture(ok);
    }

    @Override
    public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
        boolean ok = auth.getData().map(this::serverProven).orElse(false);
        if (ok) {
            successes.incrementAndGet();
        }
        return CompletableFuture.completedFuture(ok);
    }

    @Override
    public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
    }

    @Override
    public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
    }

    @Override
    public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    @Override
    public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** Reads one attribute of a SCRAM message. */
    private static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new AssertionError("no " + name + " in " + message);
    }
}
