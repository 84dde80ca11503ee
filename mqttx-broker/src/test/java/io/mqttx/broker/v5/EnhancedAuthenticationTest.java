package io.mqttx.broker.v5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.security.scram.ScramCredential;
import io.mqttx.broker.security.scram.ScramSha256Authenticator;
import io.mqttx.broker.testkit.RawClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MQTT 5 enhanced authentication (section 4.12) with SCRAM-SHA-256, driven by the HiveMQ client's AUTH support. */
class EnhancedAuthenticationTest {
    private MqttBroker broker;

    @BeforeEach
    void start() {
        // raw replies are compared byte for byte: without Reason Strings (free text; ReasonStringTest covers them)
        BrokerConfig config = BrokerConfig.builder().listeners(List.of(ListenerConfig.tcp("127.0.0.1", 0)))
                .reasonStrings(false).build();
        broker = new MqttBroker(config).withEnhancedAuthentication(ScramSha256Authenticator.of(
                Map.of("alice", ScramCredential.fromPassword("wonderland".toCharArray(), 4096)))).start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /** The client side of SCRAM-SHA-256 (RFC 5802), as the HiveMQ client's mechanism. */
    static final class ScramClient implements Mqtt5EnhancedAuthMechanism {
        private final String user;
        private final String password;
        final AtomicInteger successes = new AtomicInteger();
        private String clientFirstBare;
        private byte[] expectedServerSignature;

        ScramClient(String user, String password) {
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
                String nonce = ScramTestSupport.attribute(serverFirst, 'r');
                byte[] salt = Base64.getDecoder().decode(ScramTestSupport.attribute(serverFirst, 's'));
                int iterations = Integer.parseInt(ScramTestSupport.attribute(serverFirst, 'i'));
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
    }

    /** Reads one attribute of a SCRAM message. */
    static final class ScramTestSupport {
        static String attribute(String message, char name) {
            for (String part : message.split(",")) {
                if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                    return part.substring(2);
                }
            }
            throw new AssertionError("no " + name + " in " + message);
        }
    }

    private Mqtt5BlockingClient client(String id, ScramClient scram) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(broker.port())
                .enhancedAuth(scram).buildBlocking();
    }

    @Test
    void scramSucceedsAndTheServerProvesItselfToo() {
        ScramClient scram = new ScramClient("alice", "wonderland");
        Mqtt5BlockingClient c = client("alice-1", scram);
        Mqtt5ConnAck ack = c.connect();
        assertThat(ack.getReasonCode().isError()).isFalse();
        assertThat(scram.successes).hasValue(1);
        c.disconnect();
    }

    @Test
    void aWrongPasswordIsRefusedWithNotAuthorized() {
        Mqtt5BlockingClient c = client("alice-2", new ScramClient("alice", "guess"));
        assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class,
                e -> assertThat(e.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x87));
    }

    @Test
    void reAuthenticationSucceedsOnAConnectedClient_MQTT_4_12_1() {
        ScramClient scram = new ScramClient("alice", "wonderland");
        Mqtt5BlockingClient c = client("alice-3", scram);
        c.connect();
        c.reauth();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> scram.successes.get() == 2);
        assertThat(c.getState().isConnected()).isTrue();
        c.disconnect();
    }

    @Test
    void anUnknownMethodGetsBadAuthenticationMethod_MQTT_4_12_0_1() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            // CONNECT v5 id "x", properties: Authentication Method "PLAIN-X"
            raw.send("10 18 00 04 4d 51 54 54 05 02 00 3c 0a 15 00 07 50 4c 41 49 4e 2d 58 00 01 78");
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).startsWith("2003008c");
        }
    }

    @Test
    void packetsOtherThanAuthBeforeConnackAreAProtocolError_MQTT_3_1_2_30() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            // CONNECT v5 with method SCRAM-SHA-256 and client-first data, then a PINGREQ before finishing
            String method = "53 43 52 41 4d 2d 53 48 41 2d 32 35 36"; // 13 bytes
            String first = "6e 2c 2c 6e 3d 61 2c 72 3d 78"; // "n,,n=a,r=x", 10 bytes
            raw.send("10 2b 00 04 4d 51 54 54 05 02 00 3c 1d 15 00 0d " + method + " 16 00 0a " + first
                    + " 00 01 78");
            assertThat(raw.read(2, Duration.ofSeconds(5))[0]).isEqualTo((byte) 0xF0); // AUTH continue
            raw.send("c0 00");
            assertThat(raw.readUntilClosed(Duration.ofSeconds(5))).contains("2003008200");
        }
    }
}
