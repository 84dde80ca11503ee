package io.mqttx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InflightWindowTest {

    @Test
    void handsOutDistinctIdsUpToCapacity() {
        InflightWindow w = new InflightWindow(4);
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            assertThat(w.hasFree()).isTrue();
            ids.add(w.acquire(i));
        }
        assertThat(ids).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(w.hasFree()).isFalse();
        assertThat(w.inFlight()).isEqualTo(4);
        assertThatThrownBy(() -> w.acquire(9)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void qos1AckReturnsSendTimeAndFreesTheId() {
        InflightWindow w = new InflightWindow(2);
        int a = w.acquire(100);
        int b = w.acquire(200);
        assertThat(w.complete(b, false)).isEqualTo(200);
        assertThat(w.complete(a, false)).isEqualTo(100);
        assertThat(w.inFlight()).isZero();
        assertThat(w.acquire(300)).isIn(a, b);
    }

    @Test
    void acksInAnyOrderAndRepeatedAcksAreRejected() {
        InflightWindow w = new InflightWindow(3);
        int a = w.acquire(1);
        w.acquire(2);
        assertThat(w.complete(a, false)).isEqualTo(1);
        assertThat(w.complete(a, false)).as("second PUBACK for the same id").isEqualTo(-1);
        assertThat(w.complete(0, false)).isEqualTo(-1);
        assertThat(w.complete(4, false)).isEqualTo(-1);
        assertThat(w.inFlight()).isEqualTo(1);
    }

    @Test
    void qos2NeedsPubrecBeforePubcomp() {
        InflightWindow w = new InflightWindow(2);
        int id = w.acquire(50);
        assertThat(w.complete(id, true)).as("PUBCOMP before PUBREC").isEqualTo(-1);
        assertThat(w.received(id)).isTrue();
        assertThat(w.received(id)).as("repeated PUBREC").isFalse();
        assertThat(w.complete(id, false)).as("PUBACK in a QoS 2 flow").isEqualTo(-1);
        assertThat(w.inFlight()).isEqualTo(1);
        assertThat(w.complete(id, true)).isEqualTo(50);
        assertThat(w.inFlight()).isZero();
        assertThat(w.received(id)).as("PUBREC for a free id").isFalse();
    }

    @Test
    void capacityIsBoundedByThePacketIdSpace() {
        assertThatThrownBy(() -> new InflightWindow(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InflightWindow(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new InflightWindow(65535).capacity()).isEqualTo(65535);
    }
}
