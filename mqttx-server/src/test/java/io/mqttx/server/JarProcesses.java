package io.mqttx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the packaged jar and the mosquitto clients as processes for the {@code *IT} tests
 * ({@code @RegisterExtension final JarProcesses jar = new JarProcesses();}): each test gets its own fresh directory
 * under {@code target/it-work} (the processes' working directory, with their output as log files), and whatever is
 * still running after the test is killed. Needs mosquitto-clients; without them a test fails rather than skips, so a
 * machine that lacks them cannot pass unnoticed.
 */
final class JarProcesses implements BeforeEachCallback, AfterEachCallback {
    /** Generous: two cores shared by several builds make a JVM start take seconds. */
    static final Duration START_BOUND = Duration.ofSeconds(60);
    static final Duration STOP_BOUND = Duration.ofSeconds(30);
    static final Duration CLIENT_BOUND = Duration.ofSeconds(20);

    final Path jar = Path.of(System.getProperty("mqttx.jar", "target/mqttx.jar")).toAbsolutePath();
    final Path work = Path.of("target", "it-work").toAbsolutePath();
    /** This test's directory: working directory of every process it starts, and where their logs go. */
    Path dir;
    private final List<Process> processes = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        for (String client : List.of("mosquitto_pub", "mosquitto_sub")) {
            try {
                new ProcessBuilder(client, "--help").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException e) {
                throw new AssertionError(client + " is missing: install the mosquitto-clients package", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(jar).as("the packaged jar (run through mvn verify)").isRegularFile();
        dir = work.resolve(context.getRequiredTestClass().getSimpleName() + "-"
                + context.getRequiredTestMethod().getName());
        deleteRecursively(dir);
        Files.createDirectories(dir);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        processes.clear();
    }

    /** {@code java -Xmx256m -jar mqttx.jar args...} */
    List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A mosquitto client against 127.0.0.1:port. */
    static List<String> mosquitto(String tool, int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** Starts a process in this test's directory, its output (stdout and stderr) in {@code name.log}. */
    Process start(String name, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log(name).toFile());
        try {
            Process p = pb.start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        }
    }

    /** Starts a process, writes {@code stdin} to it and closes its input. */
    Process start(String name, List<String> command, String stdin) throws IOException {
        Process p = start(name, command);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    /**
     * Starts the jar with {@code args} and expects it to refuse to start: it exits with {@code exitStatus} within
     * {@link #START_BOUND}, its output has Spring Boot's failure report and no stack trace. Returns that output.
     */
    String startRefused(String name, int exitStatus, String... args) throws Exception {
        Process broker = start(name, java(args));
        assertThat(broker.waitFor(START_BOUND.toSeconds(), TimeUnit.SECONDS)).as("%s exited", name).isTrue();
        String out = read(log(name));
        assertThat(broker.exitValue()).as(out).isEqualTo(exitStatus);
        assertThat(out).contains("APPLICATION FAILED TO START").as("no stack trace").doesNotContain("\tat ");
        return out;
    }

    /**
     * Starts the jar and waits until {@code port} accepts connections and the broker has logged that it started (every
     * listener bound, what it restored counted: the port of the first listener opens before that line is written);
     * fails with the log if it exits first.
     */
    Process startBroker(String name, int port, String... args) throws IOException {
        Process broker = start(name, java(args));
        await("port " + port + " open").atMost(START_BOUND).pollInterval(Duration.ofMillis(20))
                .until(() -> (portOpen(port) && read(log(name)).contains(") started in ")) || !broker.isAlive());
        assertThat(broker.isAlive()).as("broker running; log:%n%s", read(log(name))).isTrue();
        return broker;
    }

    /**
     * SIGTERM, and the clean stop it promises: exit status 143, the log ends with "mqttx stopped", and nothing in
     * the whole run logged an error or a stack trace.
     */
    void stop(Process broker, String name) throws IOException, InterruptedException {
        broker.destroy();
        assertThat(broker.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)).as("stopped within %s", STOP_BOUND)
                .isTrue();
        String log = read(log(name));
        assertThat(broker.exitValue()).as("exit status after SIGTERM; log:%n%s", log).isEqualTo(143);
        assertThat(log).contains("mqttx stopped").doesNotContain("ERROR").as("no stack trace").doesNotContain("\tat ");
    }

    /** Waits for a client process and checks its exit status; returns its output. */
    String assertExit(Process p, String name, int expected) throws IOException, InterruptedException {
        assertThat(p.waitFor(CLIENT_BOUND.toSeconds(), TimeUnit.SECONDS)).as("%s ended", p.info().command())
                .isTrue();
        String out = read(log(name));
        assertThat(p.exitValue()).as("exit status of %s; output:%n%s", p.info().commandLine().orElse(name), out)
                .isEqualTo(expected);
        return out;
    }

    /** Runs a client to its end; returns its output. */
    String run(String name, List<String> command, int expectedExit) throws IOException, InterruptedException {
        return assertExit(start(name, command), name, expectedExit);
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    static boolean portOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> s = Files.walk(path)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
