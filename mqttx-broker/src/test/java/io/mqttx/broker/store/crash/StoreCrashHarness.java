package io.mqttx.broker.store.crash;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Kills a broker process with SIGKILL at random moments under QoS 1 and QoS 2 load, restarts it on the same data
 * directory, and checks what the subscribers got against what the broker acknowledged to the publishers:
 * <ul>
 *   <li>QoS 2: every acknowledged message exactly once, in publishing order; nothing at all twice;</li>
 *   <li>QoS 1: every acknowledged message at least once (no gaps); duplicates are allowed and counted.</li>
 * </ul>
 * All clients are Paho with persistent sessions whose in-memory state outlives the broker's restarts, as a real
 * client's would: publishers resend what was in flight with the same packet ids, and the QoS 2 subscriber keeps the
 * ids it has received until PUBREL.
 *
 * <p>The server is a command with {@code {port}} and {@code {dir}} placeholders: by default the packaged jar,
 * {@code java -jar <jar> --mqttx.socket.port={port} --mqttx.store.path={dir}} (adjust with
 * {@code -Dmqttx.crash.args} once the server's keys are settled), or {@link CrashTestServer} on this classpath.
 *
 * <pre>
 * java -cp ... io.mqttx.broker.store.crash.StoreCrashHarness &lt;server.jar | --classpath&gt; &lt;data-dir&gt; [kills] [seed]
 * ./mvnw -q test -pl mqttx-broker -Dtest=SigkillStoreCrashTest -Dmqttx.crash.jar=--classpath   (or a jar path)
 * scripts/crash-test.sh N [jar]
 * </pre>
 */
public final class StoreCrashHarness {
    private static final String Q1 = "crash/q1";
    private static final String Q2 = "crash/q2";

    /** What one run found. It passed if nothing acknowledged was lost and no QoS 2 message came twice or early. */
    public record Result(int kills, long acked1, long received1, long gaps1, long duplicates1, long acked2,
                         long received2, long lost2, long duplicates2, long outOfOrder2) {
        public boolean passed() {
            return gaps1 == 0 && lost2 == 0 && duplicates2 == 0 && outOfOrder2 == 0 && acked1 > 0 && acked2 > 0;
        }
    }

    private final List<String> command;
    private final Path dataDir;
    final Path log;
    private final int kills;
    private final Random random;

    private final ClientHolder sub1 = new ClientHolder("crash-sub-1");
    private final ClientHolder sub2 = new ClientHolder("crash-sub-2");
    private final ClientHolder pub1 = new ClientHolder("crash-pub-1");
    private final ClientHolder pub2 = new ClientHolder("crash-pub-2");
    private final Map<Long, Integer> received1 = new ConcurrentHashMap<>();
    private final List<Long> received2 = new CopyOnWriteArrayList<>();
    private final Set<Long> acked1 = ConcurrentHashMap.newKeySet();
    private final Set<Long> acked2 = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean publishing = new AtomicBoolean(true);
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    /**
     * @param command the server command with {@code {port}} and {@code {dir}} placeholders
     * @param dataDir the broker's store directory; its parent gets the server log
     */
    public StoreCrashHarness(List<String> command, Path dataDir, int kills, long seed) {
        this.command = List.copyOf(command);
        this.dataDir = dataDir;
        this.log = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + "-server.log");
        this.kills = kills;
        this.random = new Random(seed);
    }

    /**
     * The jar's arguments unless {@code -Dmqttx.crash.args} says otherwise: as {@link CrashTestServer}, queues long
     * enough that nothing is dropped while a subscriber is away during a kill (the jar's default of 1000 would drop
     * the oldest, which the harness rightly counts as lost).
     */
    public static final String DEFAULT_JAR_ARGS = "--mqttx.host=127.0.0.1 --mqttx.socket.port={port}"
            + " --mqttx.store.path={dir} --mqttx.limits.max-queued-messages=1000000";

    /** The command for a packaged server jar. */
    public static List<String> jarCommand(String jar) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-jar", jar));
        String args = System.getProperty("mqttx.crash.args", DEFAULT_JAR_ARGS);
        cmd.addAll(List.of(args.trim().split("\\s+")));
        return cmd;
    }

    /**
     * The command for {@link CrashTestServer} on this JVM's classpath; its store mode ({@code nosync}, {@code sync},
     * or {@code memory} to see the harness catch losses) from {@code -Dmqttx.crash.store}.
     */
    public static List<String> classpathCommand() {
        return List.of(javaBinary(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                CrashTestServer.class.getName(), "{dir}", "{port}", System.getProperty("mqttx.crash.store", "nosync"));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ---------------------------------------------------------------- the run

    public Result run() throws Exception {
        Thread p1 = null;
        Thread p2 = null;
        Process server = startServer();
        try {
            connectAll(true);
            p1 = new Thread(() -> publishLoop(pub1, Q1, 1, 50, acked1), "crash-pub-1");
            p2 = new Thread(() -> publishLoop(pub2, Q2, 2, 1, acked2), "crash-pub-2");
            p1.start();
            p2.start();
            for (int k = 0; k < kills; k++) {
                long upMillis = 300 + random.nextInt(2700);
                await().atMost(Duration.ofMillis(upMillis + 30_000)).pollDelay(Duration.ofMillis(upMillis))
                        .until(() -> true);
                server.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
                System.out.println("kill " + (k + 1) + " after " + upMillis + " ms: QoS 2 received so far "
                        + received2.size() + ", acknowledged " + acked2.size());
                server.waitFor(30, TimeUnit.SECONDS);
                server = startServer();
                connectAll(false);
            }
            publishing.set(false);
            p1.join(30_000);
            p2.join(30_000);
            // everything acknowledged must arrive; give the resends time, bounded
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    received1.keySet().containsAll(acked1) && received2.containsAll(acked2));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported as loss below
        } finally {
            publishing.set(false);
            for (ClientHolder c : List.of(pub1, pub2, sub1, sub2)) {
                c.close();
            }
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        return result();
    }

    /** Errors of the harness itself (a client that could not reconnect...); a run with any did not pass. */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private Result result() {
        long gaps1 = acked1.stream().filter(s -> !received1.containsKey(s)).count();
        long dup1 = received1.values().stream().mapToLong(n -> n - 1).sum();
        Map<Long, Integer> counts2 = new ConcurrentHashMap<>();
        long outOfOrder = 0;
        long previous = 0;
        for (int i = 0; i < received2.size(); i++) {
            long s = received2.get(i);
            counts2.merge(s, 1, Integer::sum);
            if (s <= previous) {
                outOfOrder++;
                System.out.println("QoS 2 message " + s + " arrived after " + previous + " (position " + i
                        + ", acknowledged: " + acked2.contains(s) + "; around it: "
                        + received2.subList(Math.max(0, i - 5), Math.min(received2.size(), i + 5)) + ")");
            }
            previous = Math.max(previous, s);
        }
        long lost2 = acked2.stream().filter(s -> !counts2.containsKey(s)).count();
        long dup2 = counts2.values().stream().mapToLong(n -> n - 1).sum();
        return new Result(kills, acked1.size(), received1.size(), gaps1, dup1, acked2.size(), counts2.size(), lost2,
                dup2, outOfOrder);
    }

    private Process startServer() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        for (String part : command) {
            cmd.add(part.replace("{port}", Integer.toString(port)).replace("{dir}", dataDir.toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        int bound = port;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited with " + p.exitValue() + "; see " + log);
            }
            return accepts(bound);
        });
        String uri = "tcp://127.0.0.1:" + port;
        for (ClientHolder c : List.of(sub1, sub2, pub1, pub2)) {
            c.uri = uri;
        }
        return p;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void connectAll(boolean first) throws MqttException {
        sub1.connect(callback(topicPayload -> received1.merge(topicPayload, 1, Integer::sum)));
        sub2.connect(callback(received2::add));
        if (first) {
            sub1.client.subscribe(Q1, 1).waitForCompletion(10_000);
            sub2.client.subscribe(Q2, 2).waitForCompletion(10_000);
        }
        pub1.connect(null);
        pub2.connect(null);
    }

    private interface SeqConsumer {
        void accept(long seq);
    }

    private MqttCallback callback(SeqConsumer onMessage) {
        return new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onMessage.accept(Long.parseLong(new String(message.getPayload(), StandardCharsets.US_ASCII)));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }

    /**
     * Publishes 1, 2, 3... with at most {@code window} in flight. A message counts as acknowledged when its token
     * completes; a failed one is never published again under a new packet id (that would be a duplicate of the
     * publisher's making): Paho resends it from its session state, or it is simply not counted.
     */
    private void publishLoop(ClientHolder pub, String topic, int qos, int window, Set<Long> acked) {
        Semaphore slots = new Semaphore(window);
        long seq = 0;
        try {
            while (publishing.get()) {
                if (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                MqttAsyncClient client = pub.client;
                if (client == null || !client.isConnected()) {
                    slots.release();
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                            .until(() -> !publishing.get() || (pub.client != null && pub.client.isConnected()));
                    continue;
                }
                long s = ++seq;
                try {
                    client.publish(topic, Long.toString(s).getBytes(StandardCharsets.US_ASCII), qos, false, null,
                            new IMqttActionListener() {
                                @Override
                                public void onSuccess(IMqttToken token) {
                                    acked.add(s);
                                    slots.release();
                                }

                                @Override
                                public void onFailure(IMqttToken token, Throwable e) {
                                    slots.release();
                                }
                            });
                } catch (MqttException e) {
                    slots.release(); // not sent at all (disconnected meanwhile): this number is skipped
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    /** One Paho client that lives across the broker's restarts, reconnected to each new port. */
    private static final class ClientHolder {
        final String clientId;
        final MemoryPersistence persistence = new MemoryPersistence();
        volatile MqttAsyncClient client;
        volatile String uri;

        ClientHolder(String clientId) {
            this.clientId = clientId;
        }

        void connect(MqttCallback callback) throws MqttException {
            if (client == null) {
                client = new MqttAsyncClient(uri, clientId, persistence);
                if (callback != null) {
                    client.setCallback(callback);
                }
            }
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setServerURIs(new String[] {uri});
            options.setMaxInflight(1000);
            options.setKeepAliveInterval(10);
            options.setConnectionTimeout(10);
            AtomicLong attempts = new AtomicLong();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (client.isConnected()) {
                    return true;
                }
                attempts.incrementAndGet();
                try {
                    client.connect(options).waitForCompletion(10_000);
                } catch (MqttException e) {
                    // the old connection is still being torn down, or the broker is not ready: try again
                }
                return client.isConnected();
            });
        }

        void close() {
            MqttAsyncClient c = client;
            if (c == null) {
                return;
            }
            try {
                if (c.isConnected()) {
                    c.disconnect(2000).waitForCompletion(3000);
                }
                c.close(true);
            } catch (MqttException e) {
                // closing after the run: nothing left to check
            }
        }
    }

    // ---------------------------------------------------------------- entry points

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: StoreCrashHarness <server.jar | --classpath> <data-dir> [kills] [seed]");
            System.exit(2);
        }
        List<String> cmd = args[0].equals("--classpath") ? classpathCommand() : jarCommand(args[0]);
        int kills = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : System.nanoTime();
        StoreCrashHarness test = new StoreCrashHarness(cmd, Path.of(args[1]), kills, seed);
        Result r = test.run();
        System.out.println("seed=" + seed + " " + r + (r.passed() ? " PASSED" : " FAILED"));
        System.exit(r.passed() && test.failures.isEmpty() ? 0 : 1);
    }
}
