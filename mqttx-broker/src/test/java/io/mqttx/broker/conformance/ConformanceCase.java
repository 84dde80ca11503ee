package io.mqttx.broker.conformance;

import io.mqttx.broker.testkit.Packets;
import java.util.List;

/**
 * One row of a conformance table: what a client sends, byte for byte, and exactly what the server must answer.
 * Pure data (hex strings), so the same table can drive any broker, or seed a fuzzer.
 *
 * @param name  the spec statement and what is broken, e.g. {@code "MQTT-3.3.1-4 PUBLISH with QoS 3"}
 * @param steps sent in order; after each one its expected bytes must arrive, and nothing else
 * @param end   whether the server closes the connection after the last step's reply ({@link End#CLOSED}), or
 *              keeps serving it ({@link End#OPEN}: proven by a clean DISCONNECT afterwards)
 */
public record ConformanceCase(String name, List<Step> steps, End end) {

    public ConformanceCase {
        steps = List.copyOf(steps);
    }

    /**
     * @param send   hex bytes to send (may hold several packets)
     * @param expect hex bytes the server must send in reply, exactly; empty for silence
     */
    public record Step(String send, String expect) {
        public Step {
            send = Packets.normalize(send);
            expect = Packets.normalize(expect);
        }
    }

    public enum End { CLOSED, OPEN }

    /** Everything a client sends in this case, concatenated: a seed for a fuzzer. */
    public String allSent() {
        StringBuilder sb = new StringBuilder();
        for (Step s : steps) {
            sb.append(s.send());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
