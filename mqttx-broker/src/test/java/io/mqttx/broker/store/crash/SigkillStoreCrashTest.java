package io.mqttx.broker.store.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreCrashHarness} as a test that runs only when asked: {@code -Dmqttx.crash.jar=<server.jar>}, or
 * {@code -Dmqttx.crash.jar=--classpath} for {@link CrashTestServer}; {@code -Dmqttx.crash.kills} (5) and
 * {@code -Dmqttx.crash.seed} repeat a run.
 */
class SigkillStoreCrashTest {
    @TempDir
    Path tmp;

    @Test
    @EnabledIfSystemProperty(named = "mqttx.crash.jar", matches = ".+")
    void sigkillUnderLoadLosesNothingAcknowledgedAndDeliversQos2ExactlyOnceInOrder() throws Exception {
        String jar = System.getProperty("mqttx.crash.jar");
        List<String> cmd = jar.equals("--classpath") ? StoreCrashHarness.classpathCommand()
                : StoreCrashHarness.jarCommand(new File(jar).getPath());
        long seed = Long.getLong("mqttx.crash.seed", System.nanoTime());
        StoreCrashHarness test = new StoreCrashHarness(cmd, tmp.resolve("store"),
                Integer.getInteger("mqttx.crash.kills", 5), seed);
        StoreCrashHarness.Result r = test.run();
        System.out.println("seed=" + seed + " " + r);
        assertThat(test.failures).isEmpty();
        assertThat(r.acked1()).as("QoS 1 messages acknowledged").isPositive();
        assertThat(r.acked2()).as("QoS 2 messages acknowledged").isPositive();
        assertThat(r.gaps1()).as("acknowledged QoS 1 messages never delivered (seed %d)", seed).isZero();
        assertThat(r.lost2()).as("acknowledged QoS 2 messages never delivered (seed %d)", seed).isZero();
        assertThat(r.duplicates2()).as("QoS 2 messages delivered twice (seed %d)", seed).isZero();
        assertThat(r.outOfOrder2()).as("QoS 2 messages out of order (seed %d)", seed).isZero();
        Files.deleteIfExists(test.log);
    }
}
