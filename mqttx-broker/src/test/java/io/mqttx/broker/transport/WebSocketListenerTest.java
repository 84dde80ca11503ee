package io.mqttx.broker.transport;

import static io.mqttx.broker.transport.TransportTestSupport.broker;
import static io.mqttx.broker.transport.TransportTestSupport.paho;
import static io.mqttx.broker.transport.TransportTestSupport.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** MQTT over WebSocket (RFC 6455, MQTT section 6) with Paho, the HiveMQ client, the JDK's client and raw HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketListenerTest {
    private static final HexFormat HEX = HexFormat.of();

    private TestPki pki;
    private SSLContext trustingClient;

    @BeforeAll
    void pki(@TempDir Path dir) throws Exception {
        pki = TestPki.create(dir, "ws");
        trustingClient = pki.clientContext(null);
    }

    private static TestBroker wsBroker() {
        return broker(ListenerConfig.tcp("127.0.0.1", 0), ListenerConfig.websocket("127.0.0.1", 0, "/mqtt"));
    }

    @Test
    void pahoOverWebSocketSharesSessionsWithTcpClients() throws Exception {
        try (TestBroker b = wsBroker();
             Client ws = paho("ws://127.0.0.1:" + b.broker().port("ws") + "/mqtt", "ws-client", null);
             Client tcp = paho("tcp://127.0.0.1:" + b.broker().port("tcp"), "tcp-client", null)) {
            assertThat(roundTrip(tcp, ws, "t/to-ws", "over tcp, out on ws")).isEqualTo("over tcp, out on ws");
            assertThat(roundTrip(ws, tcp, "t/to-tcp", "over ws, out on tcp")).isEqualTo("over ws, out on tcp");
            // a payload larger than one TCP segment and than Paho's WebSocket buffer
            String big = "x".repeat(200_000);
            assertThat(roundTrip(ws, ws, "t/big", big)).isEqualTo(big);
        }
    }

    @Test
    void pahoOverSecureWebSocket() throws Exception {
        ListenerConfig wss = ListenerConfig.secureWebsocket("127.0.0.1", 0, "/mqtt", pki.serverTls().build());
        try (TestBroker b = broker(wss);
             Client a = paho("wss://127.0.0.1:" + b.port() + "/mqtt", "wss-a", trustingClient);
             Client c = paho("wss://127.0.0.1:" + b.port() + "/mqtt", "wss-b", trustingClient)) {
            assertThat(roundTrip(a, c, "t/wss", "secure")).isEqualTo("secure");
        }
    }

    @Test
    void hiveMqMqtt5ClientOverWebSocket() throws Exception {
        try (TestBroker b = wsBroker()) {
            Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5()
                    .identifier("hivemq-ws")
                    .serverHost("127.0.0.1").serverPort(b.broker().port("ws"))
                    .webSocketConfig().serverPath("mqtt").subprotocol("mqtt").applyWebSocketConfig()
                    .buildBlocking();
            client.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
                client.subscribeWith().topicFilter("t/hive").qos(MqttQos.EXACTLY_ONCE).send();
                client.publishWith().topic("t/hive").qos(MqttQos.EXACTLY_ONCE)
                        .payload("v5 over ws".getBytes(StandardCharsets.UTF_8)).send();
                Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
                assertThat(got).isPresent();
                assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("v5 over ws");
                assertThat(got.get().getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void theHandshakeSelectsAnMqttSubprotocolAndRefusesOthers() throws Exception {
        try (TestBroker b = wsBroker()) {
            int port = b.broker().port("ws");
            assertThat(upgrade(port, "/mqtt", "mqtt", null)).startsWith("http/1.1 101")
                    .contains("sec-websocket-protocol: mqtt\r\n");
            assertThat(upgrade(port, "/mqtt", "chat, mqttv3.1", null)).startsWith("http/1.1 101")
                    .contains("sec-websocket-protocol: mqttv3.1\r\n");
            assertThat(upgrade(port, "/mqtt", "mqttv3.1.1", null)).startsWith("http/1.1 101");
            assertThat(upgrade(port, "/mqtt", "chat", null)).startsWith("http/1.1 400");
            assertThat(upgrade(port, "/mqtt", "mqtt5, wamp", null)).startsWith("http/1.1 400");
            // MQTT 6.0.0-3 asks clients for the header, but Mosquitto and EMQX let a client without it in; so do we
            assertThat(upgrade(port, "/mqtt", null, null)).startsWith("http/1.1 101")
                    .doesNotContain("sec-websocket-protocol");
        }
    }

    @Test
    void anotherPathIsNotFoundAndAQueryStringIsIgnored() throws Exception {
        try (TestBroker b = wsBroker()) {
            int port = b.broker().port("ws");
            assertThat(upgrade(port, "/", "mqtt", null)).startsWith("http/1.1 404");
            assertThat(upgrade(port, "/mqtt/more", "mqtt", null)).startsWith("http/1.1 404");
            assertThat(upgrade(port, "/mqttx", "mqtt", null)).startsWith("http/1.1 404");
            assertThat(upgrade(port, "/mqtt?token=abc", "mqtt", null)).startsWith("http/1.1 101");
        }
    }

    @Test
    void anOriginAllowListRefusesOtherSitesPages() throws Exception {
        ListenerConfig ws = ListenerConfig.websocket("127.0.0.1", 0, "/mqtt")
                .withAllowedOrigins(List.of("https://app.example.com"));
        try (TestBroker b = broker(ws)) {
            assertThat(upgrade(b.port(), "/mqtt", "mqtt", "https://evil.example.net")).startsWith("http/1.1 403");
            assertThat(upgrade(b.port(), "/mqtt", "mqtt", "https://APP.example.com")).startsWith("http/1.1 101");
            assertThat(upgrade(b.port(), "/mqtt", "mqtt", null)).startsWith("http/1.1 101");
        }
    }

    @Test
    void packetsMaySpanFramesAndFramesMayHoldSeveralPacketsAndDisconnectClosesTheWebSocket() throws Exception {
        try (TestBroker b = wsBroker()) {
            RecordingListener listener = new RecordingListener();
            WebSocket ws = open(b.broker().port("ws"), listener);
            // CONNECT (3.1.1, clean session, client id "ws-raw") cut in the middle of its protocol name
            byte[] connect = Packets.bytes(Packets.connect311("ws-raw"));
            ws.sendBinary(ByteBuffer.wrap(connect, 0, 5), true).join();
            ws.sendBinary(ByteBuffer.wrap(connect, 5, connect.length - 5), true).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.hex().startsWith("20020000"));

            // SUBSCRIBE a/b QoS 0 and PINGREQ in one frame
            ws.sendBinary(ByteBuffer.wrap(Packets.bytes(Packets.cat(Packets.subscribe(1, "a/b", 0), Packets.PINGREQ))), true).join();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> listener.hex().contains("9003000100") && listener.hex().contains("d000"));

            // PUBLISH a/b "hi" as one WebSocket message in two fragments (a continuation frame)
            byte[] publish = HEX.parseHex("30070003612f626869");
            ws.sendBinary(ByteBuffer.wrap(publish, 0, 3), false).join();
            ws.sendBinary(ByteBuffer.wrap(publish, 3, publish.length - 3), true).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.hex().endsWith("30070003612f626869"));

            // DISCONNECT: the broker ends the WebSocket with a normal close frame, not just a dropped TCP connection
            ws.sendBinary(ByteBuffer.wrap(Packets.bytes(Packets.DISCONNECT)), true).join();
            assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @Test
    void aTextFrameClosesTheConnection() throws Exception {
        try (TestBroker b = wsBroker()) {
            RecordingListener listener = new RecordingListener();
            WebSocket ws = open(b.broker().port("ws"), listener);
            ws.sendBinary(ByteBuffer.wrap(Packets.bytes(Packets.connect311("ws-raw"))), true).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.hex().startsWith("20020000"));
            await().atMost(Duration.ofSeconds(5)).until(() -> b.broker().metrics().activeConnections() == 1);

            ws.sendText("10 12 00 04 ...", true); // [MQTT-6.0.0-1]: data only in binary frames
            assertThat(listener.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1003);
            await().atMost(Duration.ofSeconds(5)).until(() -> b.broker().metrics().activeConnections() == 0);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static WebSocket open(int port, WebSocket.Listener listener) {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("mqtt")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/mqtt"), listener)
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }

    /** Sends an upgrade request and returns the response head, lower case, once the broker has answered. */
    private static String upgrade(int port, String path, String subprotocols, String origin) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder()
                    .append("GET ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            if (subprotocols != null) {
                request.append("Sec-WebSocket-Protocol: ").append(subprotocols).append("\r\n");
            }
            if (origin != null) {
                request.append("Origin: ").append(origin).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                head.write(c);
            }
            return head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        }
    }

    /** Keeps every binary byte the broker sends, and the close code. */
    private static final class RecordingListener implements WebSocket.Listener {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        synchronized String hex() {
            return HEX.formatHex(received.toByteArray());
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            synchronized (this) {
                received.writeBytes(bytes);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            closed.completeExceptionally(new AssertionError("the broker sent a text frame: " + data));
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
