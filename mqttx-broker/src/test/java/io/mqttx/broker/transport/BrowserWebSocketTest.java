package io.mqttx.broker.transport;

import static io.mqttx.broker.transport.TransportTestSupport.broker;
import static io.mqttx.broker.transport.TransportTestSupport.paho;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mqttx.broker.config.ListenerConfig;
import io.mqttx.broker.config.TlsConfig;
import io.mqttx.broker.testkit.PahoClients;
import io.mqttx.broker.testkit.PahoClients.Client;
import io.mqttx.broker.testkit.TestBroker;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser: headless Chromium loads a page with MQTT.js (npm package {@code mqtt}, its browser bundle), which
 * talks to the broker over ws:// and wss:// and exchanges messages both ways with a Java Paho client on the same
 * listener. The page reports each step and its outcome back to a small JDK HTTP server that also serves it.
 *
 * <p>Needs Debian's {@code chromium} (or {@code CHROMIUM} naming a binary) and {@code npm ci} run in
 * {@code mqttx-broker/src/test/js}. Without them the test is skipped, except when the {@code CI} environment variable
 * is set: CI must run it, so there it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserWebSocketTest {
    private static final long EXCHANGE_SECONDS = 45;

    private Path chromium;
    private Path bundle;
    private TestPki pki;
    private SSLContext trustingClient;
    private Path dir;
    private Path profile;
    private String missingPrerequisites;

    @BeforeAll
    void prerequisites(@TempDir Path dir) throws Exception {
        this.dir = dir;
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        bundle = base.resolve("src/test/js/node_modules/mqtt/dist/mqtt.min.js");
        chromium = findChromium().orElse(null);
        List<String> missing = new ArrayList<>();
        if (chromium == null) {
            missing.add("Chromium (apt-get install chromium, or set CHROMIUM to its binary)");
        }
        if (!Files.isRegularFile(bundle)) {
            missing.add("MQTT.js bundle " + bundle + " (run npm ci in mqttx-broker/src/test/js)");
        }
        missingPrerequisites = missing.isEmpty() ? null : "browser test needs " + String.join(" and ", missing);
        pki = TestPki.create(dir, "browser");
        trustingClient = pki.clientContext(null);
    }

    /** Per test rather than per class, so that a skip is counted and its reason shown for each test. */
    @BeforeEach
    void requirePrerequisites() {
        if (missingPrerequisites != null) {
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
                fail(missingPrerequisites + "; CI is set, so this is a failure, not a skip");
            }
            Assumptions.abort(missingPrerequisites);
        }
    }

    @Test
    void mqttJsInChromiumExchangesMessagesWithPahoOverWebSocket() throws Exception {
        try (TestBroker b = broker(ListenerConfig.websocket("127.0.0.1", 0, "/mqtt"))) {
            String url = "ws://127.0.0.1:" + b.port() + "/mqtt";
            exchange(url, 5, null, null);
        }
    }

    @Test
    void mqttJsInChromiumExchangesMessagesWithPahoOverSecureWebSocket() throws Exception {
        TestPki.Identity server = pki.server();
        Path keyStore = pki.keyStore(server, "browser-server.p12", "PKCS12");
        ListenerConfig wss = ListenerConfig.secureWebsocket("127.0.0.1", 0, "/mqtt",
                TlsConfig.builder(keyStore.toString(), TestPki.PASSWORD).build());
        try (TestBroker b = broker(wss)) {
            String url = "wss://127.0.0.1:" + b.port() + "/mqtt";
            // Chromium trusts exactly this server key, by the SHA-256 of its SubjectPublicKeyInfo
            exchange(url, 4, trustingClient, "--ignore-certificate-errors-spki-list="
                    + TestPki.spkiHash(server.certificate()));
        }
    }

    /**
     * Paho subscribes to browser/out; the page subscribes to browser/in and publishes a greeting to browser/out; Paho
     * answers on browser/in; the page reports what it received.
     */
    private void exchange(String brokerUrl, int mqttVersion, SSLContext tls, String extraFlag) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        List<String> pageLog = new CopyOnWriteArrayList<>();
        HttpServer pages = pageServer(result, pageLog);
        Process browser = null;
        Path browserLog = dir.resolve("chromium-" + System.nanoTime() + ".log");
        try (Client java = paho(brokerUrl, "java-side", tls)) {
            java.paho.subscribe("browser/out", 1);
            String page = "http://127.0.0.1:" + pages.getAddress().getPort() + "/page?"
                    + "broker=" + URLEncoder.encode(brokerUrl, StandardCharsets.UTF_8)
                    + "&version=" + mqttVersion + "&client=browser-side&in=browser%2Fin&out=browser%2Fout";
            browser = launch(page, extraFlag, browserLog);

            // the page may give up early (it reports why): wait for its greeting or its report, whichever is first
            try {
                Process started = browser;
                await().atMost(Duration.ofSeconds(EXCHANGE_SECONDS))
                        .until(() -> !java.received.isEmpty() || result.isDone() || !started.isAlive());
            } catch (ConditionTimeoutException e) {
                fail("no message from the browser within " + EXCHANGE_SECONDS + " s"
                        + diagnostics(pageLog, result, browserLog));
            }
            PahoClients.Received greeting = java.received.poll();
            if (greeting == null) {
                fail((browser.isAlive() ? "the page ended before its greeting" : "Chromium exited with "
                        + browser.exitValue()) + diagnostics(pageLog, result, browserLog));
            }
            assertThat(greeting.topic()).isEqualTo("browser/out");
            assertThat(greeting.text()).isEqualTo("hello from the browser");

            java.publish("browser/in", "hello from java", 1, false);
            String outcome;
            try {
                outcome = result.get(EXCHANGE_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the page reported nothing within " + EXCHANGE_SECONDS + " s"
                        + diagnostics(pageLog, result, browserLog));
            }
            assertThat(field(outcome, "error")).as("page error%s", diagnostics(pageLog, result, browserLog))
                    .isEmpty();
            assertThat(field(outcome, "topic")).contains("browser/in");
            assertThat(field(outcome, "payload")).contains("hello from java");
        } finally {
            pages.stop(0);
            stop(browser);
            removeSingletonFolder();
        }
    }

    private Process launch(String url, String extraFlag, Path log) throws IOException {
        profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(chromium.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
        if (extraFlag != null) {
            command.add(extraFlag);
        }
        command.add(url);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Chromium keeps its singleton socket in a folder of its own under the system temporary folder (TMPDIR cannot
     * point into the test's folder: a Unix socket path must stay under 108 bytes) and links it from the profile.
     * That folder, found through the link, is removed; nothing else in the temporary folder is touched.
     */
    private void removeSingletonFolder() throws IOException {
        Path link = profile == null ? null : profile.resolve("SingletonSocket");
        if (link == null || !Files.isSymbolicLink(link)) {
            return;
        }
        Path folder = Files.readSymbolicLink(link).getParent();
        if (folder != null && folder.getFileName().toString().startsWith("org.chromium.Chromium.")) {
            try (var files = Files.list(folder)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(folder);
        }
    }

    /** Ends the browser this test started and the renderer processes it spawned, and nothing else. */
    private static void stop(Process browser) throws InterruptedException {
        if (browser == null) {
            return;
        }
        List<ProcessHandle> children = browser.descendants().toList();
        browser.destroy();
        if (!browser.waitFor(5, TimeUnit.SECONDS)) {
            browser.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    private HttpServer pageServer(CompletableFuture<String> result, List<String> pageLog) throws IOException {
        String html;
        try (InputStream in = BrowserWebSocketTest.class.getResourceAsStream("/browser/mqtt-exchange.html")) {
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        byte[] page = html.getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/page" -> respond(exchange, 200, "text/html; charset=utf-8", page);
                case "/mqtt.min.js" -> respond(exchange, 200, "text/javascript", Files.readAllBytes(bundle));
                case "/log" -> {
                    pageLog.add(body(exchange));
                    respond(exchange, 204, null, null);
                }
                case "/result" -> {
                    result.complete(body(exchange));
                    respond(exchange, 204, null, null);
                }
                default -> respond(exchange, 404, null, null);
            }
        });
        server.start();
        return server;
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().set("Content-Type", type);
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    /** The string value of a top-level field of the page's small JSON report, or empty. */
    private static Optional<String> field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String diagnostics(List<String> pageLog, CompletableFuture<String> result, Path browserLog) {
        String chromiumOutput;
        try {
            // without a system bus in containers Chromium logs D-Bus errors that say nothing about the test
            chromiumOutput = !Files.exists(browserLog) ? "(none)" : Files.readAllLines(browserLog).stream()
                    .filter(line -> !line.contains("dbus")).limit(60).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            chromiumOutput = "(unreadable: " + e + ")";
        }
        return "\npage log: " + pageLog + "\npage result: " + result.getNow("(none)")
                + "\nchromium output:\n" + chromiumOutput;
    }

    private static Optional<Path> findChromium() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String folder : path.split(File.pathSeparator)) {
                Path candidate = Path.of(folder, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
