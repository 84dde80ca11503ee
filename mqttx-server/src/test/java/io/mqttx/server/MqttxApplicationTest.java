package io.mqttx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.MqttBroker;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.server.config.InvalidConfigurationException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import io.mqttx.broker.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot application in-process: wiring, lifecycle, and the start failures a user sees. The packaged jar
 * as a separate process is {@code MqttxJarIT}'s.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttxApplicationTest {

    private static ConfigurableApplicationContext run(String... args) {
        return new SpringApplicationBuilder(MqttxApplication.class).run(args);
    }

    @Test
    void startsTheBrokerServesClientsAndClosesItWithTheContext() throws Exception {
        int port;
        try (ConfigurableApplicationContext context = run("--mqttx.host=127.0.0.1", "--mqttx.socket.port=0",
                "--mqttx.enable-test-mode=true", "--mqttx.broker-id=in-process", "--mqttx.max-bytes-in-message=8092")) {
            MqttBroker broker = context.getBean(MqttBroker.class);
            port = broker.port();
            assertThat(broker.config().brokerId()).isEqualTo("in-process");
            assertThat(broker.config().limits().maxPacketSize()).as("bound by MqttxPropertiesBinder, with MQTTX's"
                    + " spelling over the packaged default").isEqualTo(8092);
            assertThat(broker.config().version()).as("from META-INF/build-info.properties").matches("\\d+\\.\\d+.*");
            String uri = "tcp://127.0.0.1:" + port;
            try (PahoClients.Client sub = PahoClients.connect(uri, "sub", true);
                 PahoClients.Client pub = PahoClients.connect(uri, "pub", true)) {
                sub.paho.subscribe("app/t", 1);
                pub.publish("app/t", "through spring", 1, false);
                PahoClients.Received r = sub.next();
                assertThat(r.topic()).isEqualTo("app/t");
                assertThat(r.text()).isEqualTo("through spring");
            }
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                .as("closing the context closes the listener").isInstanceOf(ConnectException.class);
    }

    @Test
    void aFeatureNotBuiltRefusesToStartWithOneLineNamingTheKey(CapturedOutput output) {
        assertThatThrownBy(() -> run("--mqttx.socket.port=0", "--mqttx.cluster.enable=true",
                "--mqttx.enable-topic-sub-pub-secure=true"))
                .hasRootCauseInstanceOf(InvalidConfigurationException.class)
                .satisfies(e -> assertThat(exitCode(e)).isEqualTo(2));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("mqttx.cluster.enable=true: clustering is not available in this version")
                .contains("mqttx.enable-topic-sub-pub-secure is true but nothing grants a topic");
    }

    @Test
    void anUnknownKeyRefusesToStart(CapturedOutput output) {
        assertThatThrownBy(() -> run("--mqttx.socket.port=0", "--mqttx.sokcet.port=1884"))
                .hasRootCauseInstanceOf(InvalidConfigurationException.class);
        assertThat(output).contains("mqttx.sokcet.port: unknown key");
    }

    @Test
    void aPortInUseFailsTheStartNamingTheListener(CapturedOutput output) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> run("--mqttx.host=127.0.0.1", "--mqttx.socket.port=" + port,
                    "--mqttx.enable-test-mode=true"))
                    .satisfies(e -> assertThat(exitCode(e)).isEqualTo(1));
            assertThat(output).contains("mqttx could not start its listeners (tcp 127.0.0.1:" + port + ")")
                    .containsIgnoringCase("address already in use");
        }
    }

    @Test
    void aStoreDirectoryOfAnotherProgramFailsTheStartWithOneMessage(CapturedOutput output,
                                                                    @TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("someone-else.txt"), "not a store");
        assertThatThrownBy(() -> run("--mqttx.host=127.0.0.1", "--mqttx.socket.port=0",
                "--mqttx.store.path=" + dir))
                .hasRootCauseInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(exitCode(e)).isEqualTo(1));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("mqttx could not open its store (mqttx.store.path=" + dir + "): ")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("someone-else.txt")).hasContent("not a store");
    }

    /** The exit code Spring Boot gives the JVM for a start failure: from the first ExitCodeGenerator in the chain. */
    private static int exitCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.boot.ExitCodeGenerator g) {
                return g.getExitCode();
            }
        }
        return 0;
    }
}
