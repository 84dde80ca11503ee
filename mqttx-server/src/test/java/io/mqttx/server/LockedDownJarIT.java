package io.mqttx.server;

import static io.mqttx.server.JarProcesses.freePort;
import static io.mqttx.server.JarProcesses.mosquitto;
import static io.mqttx.server.JarProcesses.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mqttx.broker.testkit.PahoClients;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's locked-down broker, as a process: TLS and secure WebSocket only, users from a password file made with
 * {@code java -jar mqttx.jar passwd}, anonymous clients refused, topics granted by an ACL file.
 */
class LockedDownJarIT {
    private static final String STORE_PASSWORD = "it-store-password";
    @RegisterExtension
    final JarProcesses jar = new JarProcesses();

    /** A self-signed server certificate for 127.0.0.1 in server.p12, and the same certificate as ca.pem. */
    private void serverCertificate() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        jar.run("keytool-gen", List.of(keytool, "-genkeypair", "-alias", "mqttx", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "pkcs12", "-keystore", "server.p12", "-storepass", STORE_PASSWORD), 0);
        jar.run("keytool-export", List.of(keytool, "-exportcert", "-rfc", "-alias", "mqttx", "-keystore",
                "server.p12", "-storepass", STORE_PASSWORD, "-file", "ca.pem"), 0);
    }

    private SSLContext trustingTheServer() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(jar.dir.resolve("ca.pem"))) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("mqttx", cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static List<String> tls(String tool, int port, String... args) {
        List<String> cmd = new ArrayList<>(mosquitto(tool, port, "--cafile", "ca.pem"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void onlyUsersOfThePasswordFileGetInAndOnlyToTheirTopics() throws Exception {
        serverCertificate();
        jar.assertExit(jar.start("passwd", jar.java("passwd", "passwd", "alice"), "alice-secret\n"), "passwd", 0);
        Files.writeString(jar.dir.resolve("acl"), """
                # alice may use sensors/ and nothing else; anonymous clients cannot connect at all
                user alice
                topic readwrite sensors/#
                """);
        int tlsPort = freePort();
        int wssPort = freePort();
        // ./application.yml next to where the jar is started, as the README shows it (plus the WebSocket listener)
        Files.writeString(jar.dir.resolve("application.yml"), """
                mqttx:
                  socket:
                    enable: false
                  ssl:
                    enable: true
                    port: %d
                    key-store-location: ./server.p12
                    key-store-password: %s
                  websocket:
                    enable: true
                    port: %d
                  auth:
                    password-file: ./passwd
                  acl:
                    file: ./acl
                  enable-topic-sub-pub-secure: true
                  store:
                    path: ./data
                """.formatted(tlsPort, STORE_PASSWORD, wssPort));
        Process broker = jar.startBroker("mqttx", tlsPort);
        await("WSS port open").atMost(JarProcesses.START_BOUND).until(() -> JarProcesses.portOpen(wssPort));
        assertThat(read(jar.log("mqttx")))
                .contains("authentication: password file ./passwd (1 users), anonymous clients refused")
                .contains("authorization: ACL file ./acl").contains("listening for MQTT (tls")
                .contains("listening for MQTT (wss").doesNotContain("listening for MQTT (tcp")
                .doesNotContain("no authentication configured");

        // alice over TLS: subscribes to her topic and gets what she publishes there
        Process sub = jar.start("sub-alice", List.of("stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1",
                "-p", String.valueOf(tlsPort), "--cafile", "ca.pem", "-u", "alice", "-P", "alice-secret",
                "-t", "sensors/#", "-q", "1", "-C", "1", "-W", "20", "-v", "-d"));
        await("SUBACK").atMost(JarProcesses.CLIENT_BOUND)
                .until(() -> read(jar.log("sub-alice")).contains("Subscribed") || !sub.isAlive());
        assertThat(read(jar.log("sub-alice"))).contains("Subscribed (mid: 1): 1");
        jar.run("pub-alice", tls("mosquitto_pub", tlsPort, "-u", "alice", "-P", "alice-secret", "-t", "sensors/t1",
                "-q", "1", "-m", "21.5"), 0);
        assertThat(jar.assertExit(sub, "sub-alice", 0)).contains("sensors/t1 21.5");

        // a wrong password and no username at all: refused in CONNACK (mosquitto_pub's exit status is its code)
        assertThat(jar.run("pub-wrong-password", tls("mosquitto_pub", tlsPort, "-u", "alice", "-P", "wrong",
                "-t", "sensors/t1", "-m", "x"), 4)).contains("bad user name or password");
        assertThat(jar.run("pub-anonymous", tls("mosquitto_pub", tlsPort, "-t", "sensors/t1", "-m", "x"), 5))
                .contains("not authorised");

        // the ACL grants alice nothing outside sensors/: SUBACK 0x80
        assertThat(jar.run("sub-denied", tls("mosquitto_sub", tlsPort, "-u", "alice", "-P", "alice-secret",
                "-t", "secret/#", "-q", "1", "-E", "-d"), 0)).contains("Subscribed (mid: 1): 128")
                .contains("All subscription requests were denied");

        // the same rules over secure WebSocket (Paho)
        String wss = "wss://127.0.0.1:" + wssPort + "/mqtt";
        MqttConnectOptions alice = new MqttConnectOptions();
        alice.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        alice.setSocketFactory(trustingTheServer().getSocketFactory());
        alice.setUserName("alice");
        alice.setPassword("alice-secret".toCharArray());
        try (PahoClients.Client c = PahoClients.connect(wss, "alice-wss", alice)) {
            c.paho.subscribe("sensors/ws", 1);
            c.publish("sensors/ws", "over wss", 1, false);
            assertThat(c.next().text()).isEqualTo("over wss");
        }
        MqttConnectOptions anonymous = new MqttConnectOptions();
        anonymous.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        anonymous.setSocketFactory(trustingTheServer().getSocketFactory());
        assertThatThrownBy(() -> PahoClients.connect(wss, "anonymous-wss", anonymous).close())
                .isInstanceOf(MqttSecurityException.class);

        jar.stop(broker, "mqttx");
    }

    @Test
    void aMissingPasswordFileRefusesToStart() throws Exception {
        String out = jar.startRefused("mqttx", 2, "--mqttx.socket.port=" + freePort(),
                "--mqttx.enable-test-mode=true", "--mqttx.auth.password-file=./no-such-file");
        assertThat(out).contains("no-such-file");
    }
}
