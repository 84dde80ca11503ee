package io.mqttx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Address parsing, topology, /proc parsing and source-address spreading. */
class SmallPartsTest {

    @Test
    void brokerAddressesAndTheirTlsSchemes() {
        assertThat(BrokerAddress.parse("tcp://127.0.0.1:1883")).isEqualTo(new BrokerAddress("127.0.0.1", 1883, false));
        assertThat(BrokerAddress.parse("localhost")).isEqualTo(new BrokerAddress("localhost", 1883, false));
        assertThat(BrokerAddress.parse("ssl://h:9999")).isEqualTo(new BrokerAddress("h", 9999, true));
        assertThat(BrokerAddress.parse("mqtts://h")).isEqualTo(new BrokerAddress("h", 8883, true));
        assertThat(BrokerAddress.parse("tcp://h:1").withTls(true).tls()).isTrue();
        assertThatThrownBy(() -> BrokerAddress.parse("http://h:80")).hasMessageContaining("scheme");
    }

    @Test
    void topologyFiltersAndExpectedCounts() {
        assertThat(Topology.WILDCARD.subscriptionFilter("bench", 3, 10)).isEqualTo("bench/#");
        assertThat(Topology.WILDCARD.expectedPerPublisher(3, 3, 100)).containsExactly(100, 100, 100);
        assertThat(Topology.OWN.subscriptionFilter("bench", 4, 3)).isEqualTo("bench/p1");
        assertThat(Topology.OWN.expectedPerPublisher(4, 3, 100)).containsExactly(0, 100, 0);
        assertThat(Topology.FANOUT.subscriptionFilter("t", 57, 1)).isEqualTo(Topology.publisherTopic("t", 0));
        assertThat(Topology.FANOUT.expectedPerPublisher(57, 1, 9)).containsExactly(9);
    }

    @Test
    void procStatCpuSurvivesSpacesAndParensInTheCommandName() {
        String stat = "4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 7 0 12345 "
                + "1000000 2500 18446744073709551615 1 1 0 0 0 0 0 4096 17003 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcStats.parseStatCpuNanos(stat)).isEqualTo(300 * 10_000_000L);
    }

    @Test
    void procStatusRss() {
        String status = "Name:\tmosquitto\nVmPeak:\t  20000 kB\nVmRSS:\t    5432 kB\nThreads:\t1\n";
        assertThat(ProcStats.parseStatusRssKib(status)).hasValue(5432);
        assertThat(ProcStats.parseStatusRssKib("Name:\tx\n")).isEmpty();
    }

    @Test
    void machineBusyTimeSplitsInterruptsAndLeavesOutIdle() {
        assertThat(ProcStats.parseMachineBusy("cpu  100 5 20 9000 300 1 2 3 0 0"))
                .isEqualTo(new ProcStats.MachineBusy((1 + 2) * 10_000_000L, (100 + 5 + 20 + 3) * 10_000_000L));
        assertThatThrownBy(() -> ProcStats.parseMachineBusy("cpu0 1 2 3 4 5 6 7")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ProcStats.machineBusy()).isPresent();
    }

    @Test
    void cpuPercentIsOfOneCore() {
        assertThat(ProcStats.percent(0, 3_000_000_000L, 2_000_000_000L)).hasValue(150.0);
        assertThat(ProcStats.percent(-1, 5, 10)).isEmpty();
    }

    @Test
    void ownCpuAndRssAreReadable() {
        assertThat(ProcStats.toolCpuNanos()).isPositive();
        assertThat(ProcStats.rssKib(ProcessHandle.current().pid()).orElse(0)).isPositive();
        assertThat(ProcStats.cpuNanos(ProcessHandle.current().pid())).isPresent();
    }

    @Test
    void sourceAddressesGoRoundRobinFrom127002() {
        assertThat(Fleet.sourceAddress(0, 0)).isNull();
        assertThat(Fleet.sourceAddress(0, 3)).isEqualTo(new InetSocketAddress("127.0.0.2", 0));
        assertThat(Fleet.sourceAddress(1, 3)).isEqualTo(new InetSocketAddress("127.0.0.3", 0));
        assertThat(Fleet.sourceAddress(5, 3)).isEqualTo(new InetSocketAddress("127.0.0.4", 0));
    }
}
