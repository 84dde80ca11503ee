package io.mqttx.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.testkit.Packets;
import io.mqttx.broker.testkit.RawClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Plays a {@link ConformanceCase} against a broker on a fresh raw socket and asserts every answer. */
public final class CaseRunner {
    /**
     * How long a violation may take to close the connection. Well under the connect timeout and keepalive the
     * table brokers run with, so a case the broker merely waits out (instead of refusing) fails.
     */
    public static final Duration CLOSE_WITHIN = Duration.ofSeconds(3);

    private CaseRunner() {
    }

    public static void run(ConformanceCase c, int port) throws IOException {
        try {
            play(c, port);
        } catch (AssertionError e) {
            // RawClient's own failures (timeouts, early close) do not know which case they are in
            throw new AssertionError(c.name() + ": " + e.getMessage(), e);
        }
    }

    private static void play(ConformanceCase c, int port) throws IOException {
        try (RawClient raw = new RawClient(port)) {
            List<ConformanceCase.Step> steps = c.steps();
            for (int i = 0; i < steps.size(); i++) {
                ConformanceCase.Step step = steps.get(i);
                boolean last = i == steps.size() - 1;
                raw.send(Packets.bytes(step.send()));
                if (last && c.end() == ConformanceCase.End.CLOSED) {
                    assertThat(raw.readUntilClosed(CLOSE_WITHIN))
                            .as("%s: bytes before the close", c.name())
                            .isEqualTo(step.expect());
                    return;
                }
                if (!step.expect().isEmpty()) {
                    byte[] got = raw.read(step.expect().length() / 2, CLOSE_WITHIN);
                    assertThat(Packets.hex(got)).as("%s: reply to step %d", c.name(), i + 1)
                            .isEqualTo(step.expect());
                }
            }
            // still served: a normal DISCONNECT ends it, and nothing unexpected came before
            raw.send(Packets.bytes(Packets.DISCONNECT));
            assertThat(raw.readUntilClosed(CLOSE_WITHIN)).as("%s: bytes after the expected reply", c.name())
                    .isEmpty();
        }
    }
}
