package io.mqttx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    private static <T> T parse(Class<T> mode, String... args) {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult pr = cl.parseArgs(args);
        return mode.cast(pr.subcommand().commandSpec().userObject());
    }

    @Test
    void pubTakesMqttBenchStyleFlags() {
        PubSettings s = parse(Main.Pub.class, "pub", "-broker", "tcp://10.1.2.3:2883", "-clients", "1000",
                "-count", "500", "-size", "64", "-qos", "2", "-inflight", "8", "-pid", "99").settings();
        assertThat(s.client().broker()).isEqualTo(new BrokerAddress("10.1.2.3", 2883, false));
        assertThat(s.clients()).isEqualTo(1000);
        assertThat(s.count()).isEqualTo(500);
        assertThat(s.size()).isEqualTo(64);
        assertThat(s.qos()).isEqualTo(2);
        assertThat(s.inflight()).isEqualTo(8);
        assertThat(s.brokerPid()).hasValue(99);
        assertThat(s.client().version()).isEqualTo(MqttVersion.MQTT_3_1_1);
    }

    @Test
    void doubleDashSpellingsWorkToo() {
        PubSettings s = parse(Main.Pub.class, "pub", "--clients", "3", "--qos", "0").settings();
        assertThat(s.clients()).isEqualTo(3);
        assertThat(s.qos()).isZero();
    }

    @Test
    void defaults() {
        PubSettings s = parse(Main.Pub.class, "pub").settings();
        assertThat(s.client().broker()).isEqualTo(new BrokerAddress("127.0.0.1", 1883, false));
        assertThat(s.inflight()).isEqualTo(32);
        assertThat(s.client().keepAliveSeconds()).isEqualTo(60);
        assertThat(s.client().cleanSession()).isTrue();
        assertThat(s.brokerPid()).isEmpty();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void mqtt5TlsKeepaliveAndSession() {
        PubSettings s = parse(Main.Pub.class, "pub", "-v", "5", "-tls", "-keepalive", "30", "-clean", "false",
                "-broker", "tcp://h:8883").settings();
        assertThat(s.client().version()).isEqualTo(MqttVersion.MQTT_5);
        assertThat(s.client().broker().tls()).isTrue();
        assertThat(s.client().keepAliveSeconds()).isEqualTo(30);
        assertThat(s.client().cleanSession()).isFalse();
        assertThat(Main.parseVersion("311")).isEqualTo(MqttVersion.MQTT_3_1_1);
        assertThatThrownBy(() -> Main.parseVersion("3.1")).hasMessageContaining("3.1.1 or 5");
    }

    @Test
    void e2eTopologyAndRate() {
        E2eSettings s = parse(Main.E2e.class, "e2e", "-pubs", "4", "-subs", "2", "-sub-mode", "own", "-rate", "1000",
                "-count", "50", "-warmup-count", "5").settings();
        assertThat(s.topology()).isEqualTo(Topology.OWN);
        assertThat(s.publishers()).isEqualTo(4);
        assertThat(s.subscribers()).isEqualTo(2);
        assertThat(s.ratePerSecond()).isEqualTo(1000.0);
        assertThat(s.warmupCount()).isEqualTo(5);
        assertThat(s.mode()).isEqualTo("e2e");
    }

    @Test
    void fanoutIsOnePublisherToManySubscribers() {
        E2eSettings s = parse(Main.Fanout.class, "fanout", "-subs", "100", "-qos", "0").settings();
        assertThat(s.topology()).isEqualTo(Topology.FANOUT);
        assertThat(s.publishers()).isEqualTo(1);
        assertThat(s.subscribers()).isEqualTo(100);
        assertThat(s.mode()).isEqualTo("fanout");
    }

    @Test
    void connHoldAndSourceAddresses() {
        ConnSettings s = parse(Main.Conn.class, "conn", "-clients", "100000", "-hold", "30", "-source-addrs", "5",
                "-connect-rate", "2000").settings();
        assertThat(s.clients()).isEqualTo(100_000);
        assertThat(s.hold()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.client().sourceAddresses()).isEqualTo(5);
        assertThat(s.client().connectRatePerSecond()).isEqualTo(2000.0);
    }

    @Test
    void invalidValuesAreRejectedWithAMessage() {
        assertThatThrownBy(() -> parse(Main.Pub.class, "pub", "-qos", "3").settings()).hasMessageContaining("qos");
        assertThatThrownBy(() -> parse(Main.E2e.class, "e2e", "-size", "8").settings())
                .hasMessageContaining("at least " + Payload.HEADER_BYTES);
        assertThatThrownBy(() -> parse(Main.E2e.class, "e2e", "-sub-mode", "shared").settings())
                .hasMessageContaining("wildcard or own");
        assertThatThrownBy(() -> parse(Main.Pub.class, "pub", "-topic", "a/#").settings())
                .hasMessageContaining("wildcards");
    }

    @Test
    void unknownOptionOrMissingModeExitsWithUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine().setErr(new PrintWriter(err));
        assertThat(cl.execute("pub", "-nosuch", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("-nosuch");
        StringWriter err2 = new StringWriter();
        assertThat(Main.commandLine().setErr(new PrintWriter(err2)).execute()).isEqualTo(2);
        assertThat(err2.toString()).contains("choose a mode");
    }
}
