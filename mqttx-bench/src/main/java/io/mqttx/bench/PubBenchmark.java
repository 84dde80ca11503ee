package io.mqttx.bench;

import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/** {@code pub}: many clients publishing to their own topics; publish-to-acknowledgement throughput and latency. */
public final class PubBenchmark {

    private final PubSettings settings;
    private final PrintStream log;

    /** @param log progress and notes for a person watching, or null for none */
    public PubBenchmark(PubSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public RunResult run() {
        PubSettings s = settings;
        ClientSettings c = s.client();
        int runTag = ThreadLocalRandom.current().nextInt();
        String idPrefix = c.clientIdPrefix() + "-" + Integer.toHexString(runTag) + "-p";
        ResultLine line = new ResultLine()
                .put("mode", "pub")
                .put("status", RunResult.Status.FAILED.name().toLowerCase(java.util.Locale.ROOT))
                .put("broker", c.broker().toString())
                .put("v", c.version() == MqttVersion.MQTT_5 ? "5" : "3.1.1")
                .put("clients", s.clients())
                .put("count", s.count())
                .put("size", s.size())
                .put("qos", s.qos())
                .put("inflight", s.qos() == 0 ? ResultLine.NOT_AVAILABLE : Integer.toString(s.inflight()));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Fleet fleet = new Fleet(c)) {
            Fleet.ConnectReport cr = fleet.connect(s.clients(),
                    i -> new MqttClient(idPrefix + i, c, (cl, t) -> failure.compareAndSet(null, t)), true, 0);
            line.put("connect_secs", cr.elapsedNanos() / 1e9);
            if (!cr.complete()) {
                Fleet.disconnectAll(cr.clients(), Duration.ofSeconds(5));
                return finish(line, RunResult.Status.FAILED, "connect failed: " + cr.failureMessage());
            }
            note("connected %d clients in %.2f s (%s); publishing %d x %d messages of %d bytes at QoS %d",
                    s.clients(), cr.elapsedNanos() / 1e9, fleet.transport(), s.clients(), s.count(), s.size(), s.qos());

            Publisher.Counters counters = new Publisher.Counters();
            CountDownLatch done = new CountDownLatch(s.clients());
            Duration timeout = s.timeout();
            ProcStats.CpuSnapshot before = ProcStats.CpuSnapshot.take(s.brokerPid());
            for (int i = 0; i < s.clients(); i++) {
                MqttClient client = cr.clients()[i];
                Publisher p = new Publisher(client, runTag, i, s.topic() + "/p" + i, s.qos(), s.size(), s.count(),
                        s.inflight(), 0, 0, counters, done::countDown);
                client.channel().eventLoop().execute(() -> {
                    client.attach(p);
                    p.start();
                });
            }
            long expected = (long) s.clients() * s.count();
            PhaseWaiter.Outcome outcome = PhaseWaiter.await(done, failure, () -> counters.acked().sum(),
                    timeout, s.stallTimeout(), log,
                    () -> "acked " + counters.acked().sum() + "/" + expected);
            ProcStats.CpuSnapshot after = ProcStats.CpuSnapshot.take(s.brokerPid());
            long wall = after.wallNanos() - before.wallNanos();
            long sent = counters.sent().sum();
            long acked = counters.acked().sum();
            Histogram latency = counters.ackLatency().drain();
            Fleet.disconnectAll(cr.clients(), Duration.ofSeconds(10));

            line.put("sent", sent).put("acked", acked).put("secs", wall / 1e9)
                    .putRounded("msg_per_sec", acked / (wall / 1e9))
                    .put("mib_per_sec", acked * (double) s.size() / (1 << 20) / (wall / 1e9));
            if (s.qos() == 0) {
                // QoS 0 has no per-message acknowledgement; a percentile of write times would mislead.
                LatencyStats.putPercentiles(line, new Histogram(3));
            } else {
                LatencyStats.putPercentiles(line, latency);
            }
            after.putUsageSince(before, line);
            line.put("transport", fleet.transport());
            if (outcome == PhaseWaiter.Outcome.FAILED) {
                return finish(line, RunResult.Status.FAILED, "run broke off: " + message(failure.get()));
            }
            if (outcome != PhaseWaiter.Outcome.DONE || acked != expected) {
                return finish(line, RunResult.Status.INCOMPLETE, (expected - acked) + " of " + expected
                        + " messages unacknowledged: " + PhaseWaiter.describe(outcome, timeout, s.stallTimeout()));
            }
            return finish(line, RunResult.Status.OK, null);
        } catch (BenchException e) {
            return finish(line, RunResult.Status.FAILED, e.getMessage());
        }
    }

    private void note(String format, Object... args) {
        if (log != null) {
            log.printf(format + "%n", args);
        }
    }

    static String message(Throwable t) {
        return t == null ? "unknown error" : t.getMessage() == null ? t.toString() : t.getMessage();
    }

    static RunResult finish(ResultLine line, RunResult.Status status, String message) {
        line.put("status", status.name().toLowerCase(java.util.Locale.ROOT));
        return new RunResult(status, line, message);
    }
}
