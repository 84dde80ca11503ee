package io.mqttx.bench;

import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line. Options are spelled like the well-known mqtt-bench ({@code -broker},
 * {@code -clients}, {@code -count}, ...); the double-dash forms work too.
 *
 * <p>Exit codes: 0 all good, 1 the run failed (broker unreachable, connection dropped), 2 bad
 * arguments, 3 the run finished but messages or connections went missing.
 */
@Command(name = "mqttx-bench", mixinStandardHelpOptions = true, version = "mqttx-bench 0.1",
        description = "MQTT load generator. Ends with one line: RESULT key=value ...",
        subcommands = {Main.Pub.class, Main.E2e.class, Main.Fanout.class, Main.Conn.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a mode: pub, e2e, fanout or conn");
    }

    /** Options every mode shares: where the broker is and how clients connect. */
    static final class Common {
        @Option(names = {"-broker", "--broker"}, defaultValue = "tcp://127.0.0.1:1883",
                description = "Broker address: tcp://host:port, ssl://host:port (default ${DEFAULT-VALUE})")
        String broker;

        @Option(names = {"-v", "--mqtt-version"}, defaultValue = "3.1.1",
                description = "MQTT version: 3.1.1 (also 3, 4, 311) or 5 (default ${DEFAULT-VALUE})")
        String version;

        @Option(names = {"-tls", "--tls"}, description = "Use TLS, trusting any certificate (benchmarking only)")
        boolean tls;

        @Option(names = {"-keepalive", "--keepalive"}, defaultValue = "60", description = "Keepalive in seconds (default ${DEFAULT-VALUE})")
        int keepAlive;

        @Option(names = {"-clean", "--clean"}, defaultValue = "true", arity = "1",
                description = "Clean session / clean start: true or false (default ${DEFAULT-VALUE})")
        boolean clean;

        @Option(names = {"-username", "--username"}, description = "User name")
        String username;

        @Option(names = {"-password", "--password"}, description = "Password")
        String password;

        @Option(names = {"-client-prefix", "--client-prefix"}, defaultValue = "bench", description = "Client id prefix (default ${DEFAULT-VALUE})")
        String clientPrefix;

        @Option(names = {"-threads", "--threads"}, description = "Event loop threads (default: number of cores)")
        Integer threads;

        @Option(names = {"-connect-concurrency", "--connect-concurrency"}, defaultValue = "100",
                description = "Handshakes in progress at once (default ${DEFAULT-VALUE})")
        int connectConcurrency;

        @Option(names = {"-connect-rate", "--connect-rate"}, defaultValue = "0",
                description = "New connections per second, 0 for no limit (default ${DEFAULT-VALUE})")
        double connectRate;

        @Option(names = {"-connect-timeout", "--connect-timeout"}, defaultValue = "10",
                description = "Seconds for TCP connect plus CONNACK (default ${DEFAULT-VALUE})")
        int connectTimeout;

        @Option(names = {"-source-addrs", "--source-addrs"}, defaultValue = "0",
                description = "Bind clients round-robin to 127.0.0.2 .. 127.0.0.(N+1); 0: automatic above "
                        + Fleet.CONNECTIONS_PER_SOURCE_ADDRESS + " clients to a loopback broker (default ${DEFAULT-VALUE})")
        int sourceAddrs;

        @Option(names = {"-pid", "--pid"}, description = "Broker process id: adds its CPU use (and RSS in conn mode)")
        Long pid;

        @Option(names = {"-quiet", "--quiet"}, description = "Print only the RESULT line (and errors)")
        boolean quiet;

        ClientSettings toClientSettings() {
            int t = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
            return new ClientSettings(BrokerAddress.parse(broker).withTls(tls), parseVersion(version), keepAlive, clean,
                    username, password, clientPrefix, t, connectConcurrency, connectRate,
                    Duration.ofSeconds(connectTimeout), sourceAddrs);
        }

        OptionalLong brokerPid() {
            return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
        }

        PrintStream log() {
            return quiet ? null : System.err;
        }
    }

    /** Options of the modes that publish. */
    static final class Messages {
        @Option(names = {"-count", "--count"}, defaultValue = "1000", description = "Messages per publisher (default ${DEFAULT-VALUE})")
        int count;

        @Option(names = {"-size", "--size"}, defaultValue = "1024", description = "Payload bytes (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = {"-qos", "--qos"}, defaultValue = "1", description = "QoS 0, 1 or 2 (default ${DEFAULT-VALUE})")
        int qos;

        @Option(names = {"-inflight", "--inflight"}, defaultValue = "32",
                description = "Unacknowledged QoS 1/2 messages per publisher (default ${DEFAULT-VALUE})")
        int inflight;

        @Option(names = {"-topic", "--topic"}, defaultValue = "bench",
                description = "Topic root: publisher i publishes to <topic>/p<i> (default ${DEFAULT-VALUE})")
        String topic;

        @Option(names = {"-timeout", "--timeout"}, defaultValue = "600",
                description = "Seconds the publishing phase may take in all (default ${DEFAULT-VALUE})")
        int timeout;

        @Option(names = {"-warmup-count", "--warmup-count"}, defaultValue = "0",
                description = "e2e/fanout: leave each publisher's first N messages out of the latency percentiles (default ${DEFAULT-VALUE})")
        int warmupCount;

        @Option(names = {"-stall-timeout", "--stall-timeout"}, defaultValue = "15",
                description = "Give up when nothing is acknowledged or delivered for this many seconds (default ${DEFAULT-VALUE})")
        int stallTimeout;
    }

    abstract static class Mode implements Callable<Integer> {
        @Mixin
        Common common = new Common();

        abstract RunResult execute();

        @Override
        public Integer call() {
            RunResult result = execute();
            System.out.flush();
            if (result.message() != null) {
                System.err.println((result.status() == RunResult.Status.FAILED ? "ERROR: " : "INCOMPLETE: ") + result.message());
            }
            System.out.println(result.line());
            System.out.flush();
            return result.status().exitCode();
        }
    }

    @Command(name = "pub", mixinStandardHelpOptions = true,
            description = "Each client publishes -count messages to its own topic; publish-to-ack throughput and latency.")
    static final class Pub extends Mode {
        @Mixin
        Messages messages = new Messages();

        @Option(names = {"-clients", "--clients"}, defaultValue = "10", description = "Publishing clients (default ${DEFAULT-VALUE})")
        int clients;

        PubSettings settings() {
            return new PubSettings(common.toClientSettings(), clients, messages.count, messages.size, messages.qos,
                    messages.inflight, messages.topic, Duration.ofSeconds(messages.timeout),
                    Duration.ofSeconds(messages.stallTimeout), common.brokerPid());
        }

        @Override
        RunResult execute() {
            return new PubBenchmark(settings(), common.log()).run();
        }
    }

    @Command(name = "e2e", mixinStandardHelpOptions = true,
            description = "Publishers to subscribers through the broker: delivered msg/s, end-to-end latency, loss, duplicates, reordering.")
    static final class E2e extends Mode {
        @Mixin
        Messages messages = new Messages();

        @Option(names = {"-pubs", "--pubs"}, defaultValue = "10", description = "Publishers (default ${DEFAULT-VALUE})")
        int pubs;

        @Option(names = {"-subs", "--subs"}, defaultValue = "10", description = "Subscribers (default ${DEFAULT-VALUE})")
        int subs;

        @Option(names = {"-sub-mode", "--sub-mode"}, defaultValue = "wildcard",
                description = "wildcard: all on <topic>/#, each gets every message; own: subscriber i on <topic>/p<i mod pubs> (default ${DEFAULT-VALUE})")
        String subMode;

        @Option(names = {"-rate", "--rate"}, defaultValue = "0",
                description = "Total publish rate in msg/s over all publishers, 0 for as fast as possible (default ${DEFAULT-VALUE})")
        double rate;

        E2eSettings settings() {
            Topology topology = switch (subMode.toLowerCase(Locale.ROOT)) {
                case "wildcard" -> Topology.WILDCARD;
                case "own" -> Topology.OWN;
                default -> throw new IllegalArgumentException("-sub-mode must be wildcard or own, not " + subMode);
            };
            return new E2eSettings(common.toClientSettings(), topology, pubs, subs, messages.count, messages.size,
                    messages.qos, messages.inflight, rate, messages.topic, Duration.ofSeconds(messages.timeout),
                    Duration.ofSeconds(messages.stallTimeout), messages.warmupCount, common.brokerPid());
        }

        @Override
        RunResult execute() {
            return new E2eBenchmark(settings(), common.log()).run();
        }
    }

    @Command(name = "fanout", mixinStandardHelpOptions = true,
            description = "One publisher, -subs subscribers of its topic: delivered msg/s and loss.")
    static final class Fanout extends Mode {
        @Mixin
        Messages messages = new Messages();

        @Option(names = {"-subs", "--subs"}, defaultValue = "100", description = "Subscribers (default ${DEFAULT-VALUE})")
        int subs;

        @Option(names = {"-rate", "--rate"}, defaultValue = "0",
                description = "Publish rate in msg/s, 0 for as fast as possible (default ${DEFAULT-VALUE})")
        double rate;

        E2eSettings settings() {
            return new E2eSettings(common.toClientSettings(), Topology.FANOUT, 1, subs, messages.count, messages.size,
                    messages.qos, messages.inflight, rate, messages.topic, Duration.ofSeconds(messages.timeout),
                    Duration.ofSeconds(messages.stallTimeout), messages.warmupCount, common.brokerPid());
        }

        @Override
        RunResult execute() {
            return new E2eBenchmark(settings(), common.log()).run();
        }
    }

    @Command(name = "conn", mixinStandardHelpOptions = true,
            description = "Connection storm (connects/s, CONNACK latency); with -hold, keeps the connections open idle and reports the broker's RSS (-pid).")
    static final class Conn extends Mode {
        @Option(names = {"-clients", "--clients"}, defaultValue = "1000", description = "Connections (default ${DEFAULT-VALUE})")
        int clients;

        @Option(names = {"-hold", "--hold"}, defaultValue = "0",
                description = "Seconds to keep all connections open once up (default ${DEFAULT-VALUE})")
        int hold;

        @Option(names = {"-max-failures", "--max-failures"}, defaultValue = "100",
                description = "Stop opening connections after this many failed (default ${DEFAULT-VALUE})")
        int maxFailures;

        ConnSettings settings() {
            return new ConnSettings(common.toClientSettings(), clients, Duration.ofSeconds(hold), maxFailures,
                    common.brokerPid());
        }

        @Override
        RunResult execute() {
            return new ConnBenchmark(settings(), common.log()).run();
        }
    }

    static MqttVersion parseVersion(String v) {
        return switch (v.trim()) {
            case "3", "4", "3.1.1", "311" -> MqttVersion.MQTT_3_1_1;
            case "5", "5.0" -> MqttVersion.MQTT_5;
            default -> throw new IllegalArgumentException("MQTT version must be 3.1.1 or 5, not " + v);
        };
    }
}
