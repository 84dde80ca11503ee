package io.mqttx.bench.jmh;

import io.mqttx.broker.config.BrokerConfig.ShareStrategy;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.routing.Delivery;
import io.mqttx.broker.routing.Subscriber;
import io.mqttx.broker.routing.TopicTree;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one published message costs the topic tree when it holds many subscriptions. The topic space is
 * {@code site/S/dev/D/mM} (100 sites x 1,000 devices x 10 metrics, a million topics). Of the subscriptions, 85 %
 * are exact topics, 9 % {@code site/S/dev/D/+}, 1 % {@code site/S/dev/+/mM}, 4.9 % {@code site/S/dev/D/#} and
 * 0.1 % {@code site/S/#}; each has a subscriber of its own. With a million subscriptions a topic of the space
 * matches about 22 of them (most through the two broad wildcards). Each call matches one of 4,096 topics drawn from
 * the same space, so the walk, not a lucky cache line, is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class TopicTreeMatchBenchmark {
    private static final int SITES = 100;
    private static final int DEVICES = 1000;
    private static final int METRICS = 10;
    private static final int TOPICS = 4096;

    @Param({"1000", "1000000"})
    public int subscriptions;

    private TopicTree tree;
    private String[] topics;
    private int next;

    private record Named(String clientId) implements Subscriber {
        @Override
        public void deliver(Delivery delivery) {
            throw new UnsupportedOperationException("never routed");
        }
    }

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(42);
        tree = new TopicTree(ShareStrategy.ROUND);
        for (int i = 0; i < subscriptions; i++) {
            int s = random.nextInt(SITES);
            int d = random.nextInt(DEVICES);
            int m = random.nextInt(METRICS);
            int kind = random.nextInt(1000);
            String filter;
            if (kind < 850) {
                filter = topic(s, d, m);
            } else if (kind < 940) {
                filter = "site/" + s + "/dev/" + d + "/+";
            } else if (kind < 950) {
                filter = "site/" + s + "/dev/+/m" + m;
            } else if (kind < 999) {
                filter = "site/" + s + "/dev/" + d + "/#";
            } else {
                filter = "site/" + s + "/#";
            }
            tree.subscribe(new Named("c" + i), Subscription.of(filter, 1), 0);
        }
        topics = new String[TOPICS];
        for (int i = 0; i < TOPICS; i++) {
            topics[i] = topic(random.nextInt(SITES), random.nextInt(DEVICES), random.nextInt(METRICS));
        }
    }

    private static String topic(int site, int device, int metric) {
        return "site/" + site + "/dev/" + device + "/m" + metric;
    }

    /** A topic of the subscribed space: typically a few exact hits and some wildcard hits. */
    @Benchmark
    public List<TopicTree.Target> matchSubscribedSpace() {
        String topic = topics[next++ & (TOPICS - 1)];
        // a fresh String per message, as the decoder makes one: its hash is not cached
        return tree.match(new String(topic), "publisher");
    }

    /** A topic nobody subscribed to, below a site: only the wildcard branches are walked. */
    @Benchmark
    public List<TopicTree.Target> matchUnsubscribedTopic() {
        String topic = topics[next++ & (TOPICS - 1)];
        return tree.match(topic + "/x", "publisher");
    }
}
