package io.mqttx.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.store.crash.StoreCrashHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A few rounds of the core's SIGKILL crash harness against the packaged jar on its embedded store: under QoS 1 and 2
 * load the broker is killed and restarted, and nothing it acknowledged may be lost, no QoS 2 message delivered twice
 * or out of order. {@code scripts/crash-test.sh N mqttx-server/target/mqttx.jar} runs many more.
 */
class JarSigkillCrashIT {
    @RegisterExtension
    final JarProcesses jar = new JarProcesses();

    @Test
    void sigkillUnderLoadLosesNothingAcknowledged() throws Exception {
        long seed = Long.getLong("mqttx.crash.seed", System.nanoTime());
        int kills = Integer.getInteger("mqttx.crash.kills", 3);
        Path store = jar.dir.resolve("store");
        StoreCrashHarness harness = new StoreCrashHarness(StoreCrashHarness.jarCommand(jar.jar.toString()), store,
                kills, seed);
        StoreCrashHarness.Result r = harness.run();
        System.out.println("mqttx.jar crash test: seed=" + seed + " " + r);
        assertThat(harness.failures()).as("seed %d, server log %s", seed, store.resolveSibling("store-server.log"))
                .isEmpty();
        assertThat(r.kills()).isEqualTo(kills);
        // nothing acknowledged lost, no QoS 2 message twice or out of order, and load on both QoS levels
        assertThat(r.passed()).as("seed %d: %s", seed, r).isTrue();
    }
}
