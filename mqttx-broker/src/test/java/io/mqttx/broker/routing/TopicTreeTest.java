package io.mqttx.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.config.BrokerConfig.ShareStrategy;
import io.mqttx.broker.protocol.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicTreeTest {

    /** A subscriber that only has a name: the tree never calls deliver. */
    private record Named(String clientId) implements Subscriber {
        @Override
        public void deliver(Delivery delivery) {
            throw new AssertionError("the tree does not deliver");
        }
    }

    private final TopicTree tree = new TopicTree(ShareStrategy.ROUND);

    private List<String> receivers(String topic) {
        List<String> out = new ArrayList<>();
        for (TopicTree.Target t : tree.match(topic, "publisher")) {
            out.add(t.subscriber().clientId());
        }
        return out;
    }

    @Test
    void matchesExactAndWildcardSubscriptions() {
        tree.subscribe(new Named("exact"), Subscription.of("a/b/c", 1), 0);
        tree.subscribe(new Named("plus"), Subscription.of("a/+/c", 1), 0);
        tree.subscribe(new Named("hash"), Subscription.of("a/#", 1), 0);
        tree.subscribe(new Named("root"), Subscription.of("#", 1), 0);
        tree.subscribe(new Named("other"), Subscription.of("b/#", 1), 0);
        assertThat(receivers("a/b/c")).containsExactlyInAnyOrder("exact", "plus", "hash", "root");
        assertThat(receivers("a")).containsExactlyInAnyOrder("hash", "root");
        assertThat(receivers("$SYS/a")).isEmpty(); // MQTT-4.7.2-1
    }

    @Test
    void overlappingSubscriptionsGiveOneTargetAtTheHighestQos() {
        Named c = new Named("c");
        tree.subscribe(c, Subscription.of("a/+", 0), 1);
        tree.subscribe(c, Subscription.of("a/#", 2), 2);
        tree.subscribe(c, Subscription.of("a/b", 1), 0);
        List<TopicTree.Target> targets = tree.match("a/b", "p");
        assertThat(targets).hasSize(1);
        assertThat(targets.get(0).qos()).isEqualTo(2);
        assertThat(targets.get(0).subscriptionIds()).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void noLocalSkipsThePublishersOwnSubscription() {
        tree.subscribe(new Named("me"), new Subscription("t", 1, true, false, 0), 0);
        assertThat(tree.match("t", "me")).isEmpty();
        assertThat(tree.match("t", "someone")).hasSize(1);
    }

    @Test
    void unsubscribeRemovesAndPrunes() {
        tree.subscribe(new Named("x"), Subscription.of("a/b/c", 1), 0);
        assertThat(tree.unsubscribe("x", "a/b/c")).isTrue();
        assertThat(tree.unsubscribe("x", "a/b/c")).isFalse();
        assertThat(receivers("a/b/c")).isEmpty();
    }

    @Test
    void sharedGroupRoundRobinsOverItsMembers() {
        for (String id : List.of("m1", "m2", "m3")) {
            tree.subscribe(new Named(id), Subscription.of("$share/g/s/+", 1), 0);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            List<TopicTree.Target> targets = tree.match("s/x", "p");
            assertThat(targets).hasSize(1);
            assertThat(targets.get(0).sharedFilter()).isEqualTo("$share/g/s/+");
            counts.merge(targets.get(0).subscriber().clientId(), 1, Integer::sum);
        }
        assertThat(counts).containsOnly(Map.entry("m1", 10), Map.entry("m2", 10), Map.entry("m3", 10));
    }

    @Test
    void deepTopicsAreMatchedWithoutRecursion() {
        String deep = "x/".repeat(30_000) + "end";
        tree.subscribe(new Named("deep"), Subscription.of(deep, 0), 0);
        tree.subscribe(new Named("all"), Subscription.of("#", 0), 0);
        assertThat(receivers(deep)).containsExactlyInAnyOrder("deep", "all");
    }

    @Test
    void manyMatchingSubscribersAreEachMergedIntoOneTarget() {
        // past the pairwise merge: 50 clients, each matching through two filters
        for (int i = 0; i < 50; i++) {
            Named c = new Named("c" + i);
            tree.subscribe(c, Subscription.of("m/+", 0), i + 1);
            tree.subscribe(c, Subscription.of("m/#", 1), 0);
        }
        List<TopicTree.Target> targets = tree.match("m/x", "p");
        assertThat(targets).hasSize(50);
        assertThat(targets).allSatisfy(t -> assertThat(t.qos()).isEqualTo(1));
        assertThat(targets).filteredOn(t -> t.subscriber().clientId().equals("c7"))
                .singleElement().satisfies(t -> assertThat(t.subscriptionIds()).containsExactly(8));
    }

    @Test
    void emptyLevelsAreLevelsOfTheirOwn() {
        tree.subscribe(new Named("lead"), Subscription.of("/a", 0), 0);
        tree.subscribe(new Named("trail"), Subscription.of("a/+", 0), 0);
        tree.subscribe(new Named("middle"), Subscription.of("a//b", 0), 0);
        assertThat(receivers("/a")).containsExactly("lead");
        assertThat(receivers("a/")).containsExactly("trail");
        assertThat(receivers("a//b")).containsExactly("middle");
        assertThat(receivers("a")).isEmpty();
    }

    @Test
    void sharedGroupAndOrdinarySubscriptionOfOneClientAreSeparateTargets() {
        Named c = new Named("c");
        tree.subscribe(c, Subscription.of("$share/g/t", 1), 0);
        tree.subscribe(c, Subscription.of("t", 0), 0);
        List<TopicTree.Target> targets = tree.match("t", "p");
        assertThat(targets).extracting(TopicTree.Target::sharedFilter).containsExactlyInAnyOrder("$share/g/t", null);
    }
}
