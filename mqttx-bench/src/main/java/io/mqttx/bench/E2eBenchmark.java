package io.mqttx.bench;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * {@code e2e} and {@code fanout}: publishers and subscribers in this process; delivered messages
 * per second, publish-to-delivery latency, and lost, duplicated and reordered messages.
 */
public final class E2eBenchmark {

    private final E2eSettings settings;
    private final PrintStream log;

    /** @param log progress and notes for a person watching, or null for none */
    public E2eBenchmark(E2eSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public RunResult run() {
        E2eSettings s = settings;
        ClientSettings c = s.client();
        int runTag = ThreadLocalRandom.current().nextInt();
        String idPrefix = c.clientIdPrefix() + "-" + Integer.toHexString(runTag);
        ResultLine line = new ResultLine()
                .put("mode", s.mode())
                .put("status", "failed")
                .put("broker", c.broker().toString())
                .put("v", c.version() == MqttVersion.MQTT_5 ? "5" : "3.1.1")
                .put("pubs", s.publishers())
                .put("subs", s.subscribers())
                .put("sub_mode", s.topology().name().toLowerCase(Locale.ROOT))
                .put("count", s.count())
                .put("size", s.size())
                .put("qos", s.qos())
                .put("inflight", s.qos() == 0 ? ResultLine.NOT_AVAILABLE : Integer.toString(s.inflight()))
                .putRounded("rate", s.ratePerSecond())
                .put("warmup", s.warmupCount());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        MqttClient.FailureSink sink = (cl, t) -> failure.compareAndSet(null,
                new BenchException(cl.clientId() + ": " + PubBenchmark.message(t), t));
        Fleet.ConnectReport subs = null;
        Fleet.ConnectReport pubs = null;
        try (Fleet fleet = new Fleet(c)) {
            long connectStart = System.nanoTime();
            subs = fleet.connect(s.subscribers(), i -> new MqttClient(idPrefix + "-s" + i, c, sink), true, 0);
            if (!subs.complete()) {
                return PubBenchmark.finish(line, RunResult.Status.FAILED, "subscribers: connect failed: " + subs.failureMessage());
            }
            Subscriber.Counters subCounters = new Subscriber.Counters();
            Subscriber[] subscribers = new Subscriber[s.subscribers()];
            CountDownLatch done = new CountDownLatch(s.publishers() + s.subscribers());
            List<CompletableFuture<Void>> subAcks = new ArrayList<>();
            MqttQoS qos = MqttQoS.valueOf(s.qos());
            for (int i = 0; i < s.subscribers(); i++) {
                MqttClient client = subs.clients()[i];
                Subscriber sub = new Subscriber(
                        new SequenceTracker(runTag, s.topology().expectedPerPublisher(i, s.publishers(), s.count())),
                        subCounters, s.warmupCount(), done::countDown);
                subscribers[i] = sub;
                // Attached before SUBSCRIBE goes out (same event loop, in order), so no message can slip past it.
                client.channel().eventLoop().execute(() -> {
                    client.attach(sub);
                    sub.start();
                });
                subAcks.add(client.subscribe(s.topology().subscriptionFilter(s.topic(), i, s.publishers()), qos));
            }
            awaitAll(subAcks, c.connectTimeout(), "SUBACK");

            pubs = fleet.connect(s.publishers(), i -> new MqttClient(idPrefix + "-p" + i, c, sink), true, 0);
            line.put("connect_secs", (System.nanoTime() - connectStart) / 1e9);
            if (!pubs.complete()) {
                return PubBenchmark.finish(line, RunResult.Status.FAILED, "publishers: connect failed: " + pubs.failureMessage());
            }
            note("connected %d subscribers and %d publishers (%s); %d x %d messages of %d bytes at QoS %d%s",
                    s.subscribers(), s.publishers(), fleet.transport(), s.publishers(), s.count(), s.size(), s.qos(),
                    s.ratePerSecond() > 0 ? String.format(Locale.ROOT, ", %.0f msg/s in total", s.ratePerSecond()) : "");

            Publisher.Counters pubCounters = new Publisher.Counters();
            double ratePerPublisher = s.ratePerSecond() / s.publishers();
            ProcStats.CpuSnapshot before = ProcStats.CpuSnapshot.take(s.brokerPid());
            for (int i = 0; i < s.publishers(); i++) {
                MqttClient client = pubs.clients()[i];
                Publisher p = new Publisher(client, runTag, i, Topology.publisherTopic(s.topic(), i), s.qos(), s.size(),
                        s.count(), s.inflight(), ratePerPublisher, (double) i / s.publishers(), pubCounters,
                        done::countDown);
                client.channel().eventLoop().execute(() -> {
                    client.attach(p);
                    p.start();
                });
            }
            long expectedDeliveries = 0;
            for (int i = 0; i < s.subscribers(); i++) {
                for (long n : s.topology().expectedPerPublisher(i, s.publishers(), s.count())) {
                    expectedDeliveries += n;
                }
            }
            long expectedTotal = expectedDeliveries;
            long toPublish = (long) s.publishers() * s.count();
            PhaseWaiter.Outcome outcome = PhaseWaiter.await(done, failure,
                    () -> pubCounters.acked().sum() + subCounters.delivered().sum(),
                    s.timeout(), s.stallTimeout(), log,
                    () -> "acked " + pubCounters.acked().sum() + "/" + toPublish
                            + ", delivered " + subCounters.delivered().sum() + "/" + expectedTotal);
            ProcStats.CpuSnapshot after = ProcStats.CpuSnapshot.take(s.brokerPid());

            long expected = 0;
            long distinct = 0;
            long lost = 0;
            long dup = 0;
            long ooo = 0;
            long unexpected = 0;
            long lastDelivery = 0;
            for (int i = 0; i < s.subscribers(); i++) {
                Subscriber sub = subscribers[i];
                Subscriber.Snapshot snap = onLoop(subs.clients()[i], sub::snapshot);
                expected += snap.expected();
                distinct += snap.distinct();
                lost += snap.lost();
                dup += snap.duplicates();
                ooo += snap.outOfOrder();
                unexpected += snap.unexpected();
                lastDelivery = Math.max(lastDelivery, snap.lastDeliveryNanos());
            }
            long delivered = subCounters.delivered().sum();
            long sent = pubCounters.sent().sum();
            long acked = pubCounters.acked().sum();
            // Up to the last delivery, so a stall spent waiting for missing messages does not dilute the rate.
            long end = delivered > 0 && outcome != PhaseWaiter.Outcome.DONE ? lastDelivery : after.wallNanos();
            double secs = Math.max(1, end - before.wallNanos()) / 1e9;
            Histogram latency = subCounters.latency().drain();

            line.put("sent", sent).put("acked", acked).put("expected", expected).put("delivered", delivered)
                    .put("secs", secs)
                    .putRounded("msg_per_sec", delivered / secs)
                    .putRounded("pub_per_sec", sent / secs);
            LatencyStats.putPercentiles(line, latency);
            line.put("lost", lost).put("dup", dup).put("ooo", ooo).put("unexpected", unexpected);
            after.putUsageSince(before, line);
            line.put("transport", fleet.transport());
            disconnect(subs, pubs);
            if (outcome == PhaseWaiter.Outcome.FAILED) {
                return PubBenchmark.finish(line, RunResult.Status.FAILED, "run broke off: " + PubBenchmark.message(failure.get()));
            }
            if (lost > 0 || acked != toPublish || distinct != expected) {
                return PubBenchmark.finish(line, RunResult.Status.INCOMPLETE, lost + " of " + expected
                        + " expected deliveries missing, " + (toPublish - acked) + " of " + toPublish
                        + " publishes unacknowledged: " + PhaseWaiter.describe(outcome, s.timeout(), s.stallTimeout()));
            }
            return PubBenchmark.finish(line, RunResult.Status.OK, null);
        } catch (BenchException e) {
            disconnect(subs, pubs);
            return PubBenchmark.finish(line, RunResult.Status.FAILED, e.getMessage());
        }
    }

    private static void disconnect(Fleet.ConnectReport subs, Fleet.ConnectReport pubs) {
        // Publishers first, so subscribers do not see their connections go while messages are in flight.
        if (pubs != null) {
            Fleet.disconnectAll(pubs.clients(), Duration.ofSeconds(10));
        }
        if (subs != null) {
            Fleet.disconnectAll(subs.clients(), Duration.ofSeconds(10));
        }
    }

    private static void awaitAll(List<CompletableFuture<Void>> futures, Duration timeout, String what) {
        try {
            CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BenchException("no " + what + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new BenchException(PubBenchmark.message(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted waiting for " + what, e);
        }
    }

    /** Runs {@code task} on the client's event loop, where its state lives, and waits for the answer. */
    static <T> T onLoop(MqttClient client, java.util.concurrent.Callable<T> task) {
        try {
            return client.channel().eventLoop().submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted collecting results", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchException("cannot collect results from " + client.clientId() + ": " + e, e);
        }
    }

    private void note(String format, Object... args) {
        if (log != null) {
            log.printf(format + "%n", args);
        }
    }
}
