package io.mqttx.bench;

import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code conn}: a connection storm (connections per second, CONNACK latency), then optionally
 * holding every connection idle to see what the broker pays per connection in memory.
 */
public final class ConnBenchmark {

    /** File descriptors the JVM itself keeps open (jars, epoll, pipes), besides one per connection. */
    private static final int JVM_OWN_DESCRIPTORS = 64;

    private final ConnSettings settings;
    private final PrintStream log;

    /** @param log progress and notes for a person watching, or null for none */
    public ConnBenchmark(ConnSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public RunResult run() {
        ConnSettings s = settings;
        ClientSettings c = s.client();
        int runTag = ThreadLocalRandom.current().nextInt();
        String idPrefix = c.clientIdPrefix() + "-" + Integer.toHexString(runTag) + "-c";
        ResultLine line = new ResultLine()
                .put("mode", "conn")
                .put("status", "failed")
                .put("broker", c.broker().toString())
                .put("v", c.version() == MqttVersion.MQTT_5 ? "5" : "3.1.1")
                .put("clients", s.clients())
                .put("hold_secs", s.hold().toMillis() / 1000.0);
        OptionalLong fdLimit = ProcStats.openFilesLimit();
        int attemptable = s.clients();
        if (fdLimit.isPresent() && s.clients() + JVM_OWN_DESCRIPTORS > fdLimit.getAsLong()) {
            // Stop short of the limit: with no descriptor left the JVM cannot even read /proc for the RSS.
            attemptable = (int) Math.max(1, fdLimit.getAsLong() - JVM_OWN_DESCRIPTORS);
            note("warning: this process may open %d files (ulimit -n), so only %d of %d connections will be tried",
                    fdLimit.getAsLong(), attemptable, s.clients());
        }
        AtomicInteger dropped = new AtomicInteger();
        OptionalLong rssBefore = rss(s.brokerPid());
        try (Fleet fleet = new Fleet(c)) {
            ProcStats.CpuSnapshot before = ProcStats.CpuSnapshot.take(s.brokerPid());
            Fleet.ConnectReport cr = fleet.connect(attemptable,
                    i -> new MqttClient(idPrefix + i, c, (cl, t) -> dropped.incrementAndGet()), false, s.maxFailures());
            ProcStats.CpuSnapshot afterConnect = ProcStats.CpuSnapshot.take(s.brokerPid());
            double secs = cr.elapsedNanos() / 1e9;
            line.put("connected", cr.connected())
                    .put("failed", cr.failed())
                    .put("not_tried", s.clients() - cr.attempted())
                    .put("secs", secs)
                    .putRounded("conn_per_sec", cr.connected() / secs);
            LatencyStats.putPercentiles(line, cr.connAckLatency().drain());
            afterConnect.putUsageSince(before, line);
            line.put("source_addrs", cr.sourceAddresses());
            note("connected %d of %d in %.2f s (%s)%s", cr.connected(), s.clients(), secs, fleet.transport(),
                    cr.failed() > 0 ? "; first failure: " + cr.failureMessage() : "");
            if (cr.connected() == 0) {
                return PubBenchmark.finish(line, RunResult.Status.FAILED, "no connection: " + cr.failureMessage());
            }
            if (!s.hold().isZero()) {
                note("holding %d idle connections for %d s", cr.connected(), s.hold().toSeconds());
                hold(s.hold());
            }
            ProcStats.CpuSnapshot afterHold = ProcStats.CpuSnapshot.take(s.brokerPid());
            OptionalLong rssAfter = rss(s.brokerPid());
            line.put("dropped", dropped.get());
            line.put("broker_rss_kb", rssAfter.isPresent() ? Long.toString(rssAfter.getAsLong()) : ResultLine.NOT_AVAILABLE);
            line.put("broker_rss_before_kb",
                    rssBefore.isPresent() ? Long.toString(rssBefore.getAsLong()) : ResultLine.NOT_AVAILABLE);
            line.put("rss_per_conn_bytes", rssBefore.isPresent() && rssAfter.isPresent()
                    ? Long.toString((rssAfter.getAsLong() - rssBefore.getAsLong()) * 1024 / cr.connected())
                    : ResultLine.NOT_AVAILABLE);
            line.put("broker_hold_cpu_pct", s.hold().isZero() || afterHold.brokerCpuNanos().isEmpty()
                    ? ResultLine.NOT_AVAILABLE
                    : String.format(java.util.Locale.ROOT, "%.2f", ProcStats.percent(
                            afterConnect.brokerCpuNanos().getAsLong(), afterHold.brokerCpuNanos().getAsLong(),
                            afterHold.wallNanos() - afterConnect.wallNanos()).orElse(Double.NaN)));
            line.put("transport", fleet.transport());
            Fleet.disconnectAll(cr.clients(), Duration.ofSeconds(30));
            if (cr.connected() < s.clients() || dropped.get() > 0) {
                return PubBenchmark.finish(line, RunResult.Status.INCOMPLETE, cr.connected() + " of " + s.clients()
                        + " connected, " + cr.failed() + " failed, " + (s.clients() - cr.attempted()) + " not tried"
                        + (attemptable < s.clients() ? " (open files limit)" : "") + ", " + dropped.get() + " dropped while held"
                        + (cr.failed() > 0 ? "; first failure: " + cr.failureMessage() : ""));
            }
            return PubBenchmark.finish(line, RunResult.Status.OK, null);
        } catch (BenchException e) {
            return PubBenchmark.finish(line, RunResult.Status.FAILED, e.getMessage());
        }
    }

    private static void hold(Duration hold) {
        try {
            // Nothing counts down: this is a bounded wait that an interrupt (Ctrl-C) can cut short.
            new CountDownLatch(1).await(hold.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static OptionalLong rss(OptionalLong pid) {
        return pid.isPresent() ? ProcStats.rssKib(pid.getAsLong()) : OptionalLong.empty();
    }

    private void note(String format, Object... args) {
        if (log != null) {
            log.printf(format + "%n", args);
        }
    }
}
