package io.mqttx.broker.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work for subscribers' own threads, collected while one message is routed and handed over with one task per thread
 * once every subscriber has taken it: a message to a hundred subscribers on two event loops costs two task
 * submissions (and at most two wake-ups), not a hundred. Each thread gets its work in the order it was added, so a
 * subscriber sees one publisher's messages in order. Used by one thread, for one routing.
 */
public final class Handoff {
    private static final Logger log = LoggerFactory.getLogger(Handoff.class);

    /** Usually as many as there are event loops: a scan beats a map. */
    private final List<Executor> executors = new ArrayList<>(2);
    private final List<List<Runnable>> work = new ArrayList<>(2);

    /** Queues {@code task} for {@code executor}; nothing runs before {@link #handOver()}. */
    public void add(Executor executor, Runnable task) {
        for (int i = 0; i < executors.size(); i++) {
            if (executors.get(i) == executor) {
                work.get(i).add(task);
                return;
            }
        }
        executors.add(executor);
        List<Runnable> tasks = new ArrayList<>(4);
        tasks.add(task);
        work.add(tasks);
    }

    /**
     * Submits each thread's work as one task, even to the calling thread: it runs after the caller's current task,
     * as a delivery always has (the publisher's atomic store unit is written when routing ends).
     */
    public void handOver() {
        for (int i = 0; i < executors.size(); i++) {
            List<Runnable> tasks = work.get(i);
            executors.get(i).execute(tasks.size() == 1 ? tasks.get(0) : () -> runAll(tasks));
        }
        executors.clear();
        work.clear();
    }

    /** One subscriber's failure must not cost the others in the batch their message. */
    private static void runAll(List<Runnable> tasks) {
        for (Runnable task : tasks) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("a delivery failed; the other deliveries of this message go on", e);
            }
        }
    }
}
