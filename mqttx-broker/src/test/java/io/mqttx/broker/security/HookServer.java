package io.mqttx.broker.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A real HTTP server (the JDK's) standing in for an authentication service; records what it was sent. */
final class HookServer implements AutoCloseable {
    /** How to answer one request. */
    record Answer(int status, String body) {
    }

    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();
    /** Held closed by {@link #stall}: requests to /stall wait on it until the server closes. */
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hook-server");
        t.setDaemon(true);
        return t;
    });
    private volatile Function<String, Answer> answers;

    HookServer(Function<String, Answer> answers) throws IOException {
        this.answers = answers;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/auth", this::handle);
        server.createContext("/elsewhere", exchange -> {
            // where a redirect would lead: it accepts, so following the redirect would let the client in
            requests.add("elsewhere:" + read(exchange));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/stall", exchange -> {
            requests.add(read(exchange));
            try {
                stalled.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(executor);
        server.start();
    }

    void answer(Function<String, Answer> a) {
        answers = a;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = read(exchange);
        requests.add(body);
        contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
        Answer a = answers.apply(body);
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        if (a.status() >= 300 && a.status() < 400) {
            exchange.getResponseHeaders().add("Location", uri("/elsewhere").toString());
        }
        exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String read(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stalled.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
