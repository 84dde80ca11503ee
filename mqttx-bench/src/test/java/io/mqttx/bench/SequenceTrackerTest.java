package io.mqttx.bench;

import static io.mqttx.bench.SequenceTracker.Outcome.DUPLICATE;
import static io.mqttx.bench.SequenceTracker.Outcome.IN_ORDER;
import static io.mqttx.bench.SequenceTracker.Outcome.OUT_OF_ORDER;
import static io.mqttx.bench.SequenceTracker.Outcome.UNEXPECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {

    private static final int TAG = 77;

    @Test
    void inOrderStreamIsCompleteWithNothingLost() {
        SequenceTracker t = new SequenceTracker(TAG, new long[] {3, 2});
        assertThat(t.record(TAG, 0, 0)).isEqualTo(IN_ORDER);
        assertThat(t.record(TAG, 1, 0)).isEqualTo(IN_ORDER);
        assertThat(t.record(TAG, 0, 1)).isEqualTo(IN_ORDER);
        assertThat(t.record(TAG, 1, 1)).isEqualTo(IN_ORDER);
        assertThat(t.complete()).isFalse();
        assertThat(t.record(TAG, 0, 2)).isEqualTo(IN_ORDER);
        assertThat(t.complete()).isTrue();
        assertThat(t.lost()).isZero();
        assertThat(t.duplicates()).isZero();
        assertThat(t.outOfOrder()).isZero();
        assertThat(t.distinct()).isEqualTo(5);
    }

    @Test
    void gapsCountAsLostUntilFilledAndLateArrivalsAsOutOfOrder() {
        SequenceTracker t = new SequenceTracker(TAG, new long[] {5});
        t.record(TAG, 0, 0);
        t.record(TAG, 0, 3);
        assertThat(t.lost()).isEqualTo(3);
        assertThat(t.record(TAG, 0, 1)).isEqualTo(OUT_OF_ORDER);
        assertThat(t.record(TAG, 0, 2)).isEqualTo(OUT_OF_ORDER);
        assertThat(t.record(TAG, 0, 4)).isEqualTo(IN_ORDER);
        assertThat(t.lost()).isZero();
        assertThat(t.outOfOrder()).isEqualTo(2);
        assertThat(t.complete()).isTrue();
    }

    @Test
    void outOfOrderIsPerPublisher() {
        SequenceTracker t = new SequenceTracker(TAG, new long[] {10, 10});
        t.record(TAG, 0, 5);
        assertThat(t.record(TAG, 1, 0)).as("publisher 1 has its own order").isEqualTo(IN_ORDER);
        assertThat(t.record(TAG, 0, 4)).isEqualTo(OUT_OF_ORDER);
    }

    @Test
    void repeatsAreDuplicatesWhetherLateOrNot() {
        SequenceTracker t = new SequenceTracker(TAG, new long[] {3});
        t.record(TAG, 0, 0);
        t.record(TAG, 0, 1);
        assertThat(t.record(TAG, 0, 1)).isEqualTo(DUPLICATE);
        assertThat(t.record(TAG, 0, 0)).isEqualTo(DUPLICATE);
        assertThat(t.duplicates()).isEqualTo(2);
        assertThat(t.outOfOrder()).as("a duplicate is not also reordered").isZero();
        assertThat(t.distinct()).isEqualTo(2);
        assertThat(t.lost()).isEqualTo(1);
    }

    @Test
    void foreignOrUnknownMessagesAreUnexpectedAndDoNotCount() {
        SequenceTracker t = new SequenceTracker(TAG, new long[] {2, 0});
        assertThat(t.record(TAG + 1, 0, 0)).as("another run's message").isEqualTo(UNEXPECTED);
        assertThat(t.record(TAG, 1, 0)).as("a publisher this subscriber should not hear").isEqualTo(UNEXPECTED);
        assertThat(t.record(TAG, 2, 0)).as("no such publisher").isEqualTo(UNEXPECTED);
        assertThat(t.record(TAG, 0, 2)).as("beyond the publisher's count").isEqualTo(UNEXPECTED);
        assertThat(t.record(TAG, 0, -1)).isEqualTo(UNEXPECTED);
        assertThat(t.unexpected()).isEqualTo(5);
        assertThat(t.distinct()).isZero();
        assertThat(t.lost()).isEqualTo(2);
    }

    @Test
    void expectingNothingIsCompleteAtOnce() {
        SequenceTracker t = new SequenceTracker(TAG, new long[] {0, 0});
        assertThat(t.complete()).isTrue();
        assertThat(t.expectedTotal()).isZero();
    }

    @Test
    void rejectsCountsABitSetCannotHold() {
        assertThatThrownBy(() -> new SequenceTracker(TAG, new long[] {1L << 40}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
