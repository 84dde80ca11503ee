package io.mqttx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultLineTest {

    @Test
    void formatsKeyValuesInInsertionOrder() {
        ResultLine line = new ResultLine()
                .put("mode", "pub")
                .put("clients", 1000)
                .put("secs", 8.314)
                .putRounded("msg_per_sec", 120336.6)
                .put("tls", false);
        assertThat(line.toString()).isEqualTo("RESULT mode=pub clients=1000 secs=8.31 msg_per_sec=120337 tls=false");
    }

    @Test
    void replacingAValueKeepsItsPlace() {
        ResultLine line = new ResultLine().put("mode", "e2e").put("status", "failed").put("sent", 3);
        line.put("status", "ok");
        assertThat(line.toString()).isEqualTo("RESULT mode=e2e status=ok sent=3");
    }

    @Test
    void missingFiguresReadNaAndValuesNeverContainSpaces() {
        ResultLine line = new ResultLine()
                .put("broker_cpu_pct", OptionalDouble.empty())
                .put("rate", Double.NaN)
                .put("note", "two words")
                .put("empty", "");
        assertThat(line.toString()).isEqualTo("RESULT broker_cpu_pct=NA rate=NA note=two_words empty=NA");
    }

    @Test
    void parsesWhatItPrints() {
        ResultLine line = new ResultLine().put("mode", "fanout").put("lost", 0).put("broker", "tcp://127.0.0.1:1883")
                .put("p99_us", "NA");
        ResultLine parsed = ResultLine.parse(line.toString());
        assertThat(parsed.asMap()).containsExactlyEntriesOf(line.asMap());
        assertThat(parsed.getLong("lost")).isZero();
    }

    @Test
    void rejectsKeysThatWouldBreakParsing() {
        assertThatThrownBy(() -> new ResultLine().put("a b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResultLine().put("a=b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResultLine.parse("SUMMARY x=1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResultLine.parse("RESULT x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentilesAreMicrosecondsOrNaWhenNothingWasRecorded() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L);
        }
        ResultLine line = new ResultLine();
        LatencyStats.putPercentiles(line, h);
        assertThat(line.getLong("p50_us")).isBetween(499L, 501L);
        assertThat(line.getLong("p99_us")).isBetween(989L, 991L);
        assertThat(line.getLong("max_us")).isBetween(999L, 1001L);

        ResultLine empty = new ResultLine();
        LatencyStats.putPercentiles(empty, new Histogram(3));
        assertThat(empty.toString()).isEqualTo("RESULT p50_us=NA p90_us=NA p99_us=NA p999_us=NA max_us=NA");
    }
}
