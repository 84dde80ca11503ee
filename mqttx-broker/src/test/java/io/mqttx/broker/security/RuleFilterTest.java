package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.routing.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleFilterTest {

    @ParameterizedTest(name = "rule {0} covers filter {1}: {2}")
    @CsvSource({
            "a/b,       a/b,        true",
            "a/b,       a/c,        false",
            "a/+,       a/b,        true",
            "a/+,       a/+,        true",
            "a/b,       a/+,        false",
            "a/+,       a,          false",
            "a/+,       a/b/c,      false",
            "a/#,       a,          true",   // 'a/#' matches 'a' [MQTT-4.7.1-2]
            "a/#,       a/#,        true",
            "a/#,       a/b/#,      true",
            "a/#,       a/+/c,      true",
            "a/#,       #,          false",  // the issue's example: asking for everything is not granted by a/#
            "a/#,       +/#,        false",
            "a/#,       +,          false",
            "a/+/#,     a/#,        false",  // a/# also matches 'a', which a/+/# does not
            "a/+/#,     a/b,        true",
            "a,         a/#,        false",
            "+/b,       a/b,        true",
            "+/b,       +/b,        true",
            "+/b,       #,          false",
            "#,         #,          true",
            "#,         +/#,        true",
            "#,         a/b/c,      true",
            "#,         /,          true",
            "+/#,       #,          false",  // equivalent, but not recognised: a conservative refusal
            "+,         a,          true",
            "+,         a/b,        false",
            "/+,        /a,         true",
            "/+,        a/b,        false",
    })
    void coversIsTheSubsetRelation(String rule, String filter, boolean expected) {
        assertThat(RuleFilter.covers(rule, filter)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} does not reach {1} [MQTT-4.7.2-1]")
    @CsvSource({
            "#,          $SYS/#",
            "#,          $SYS/broker/status",
            "+/#,        $SYS/broker/status",
            "+/broker/#, $SYS/broker/status",
            "+,          $SYS",
    })
    void wildcardRulesNeverCoverDollarTopics(String rule, String filter) {
        assertThat(RuleFilter.covers(rule, filter)).isFalse();
    }

    @ParameterizedTest(name = "{0} covers {1}")
    @CsvSource({
            "$SYS/#,        $SYS/#",
            "$SYS/#,        $SYS/broker/+",
            "$SYS/broker/+, $SYS/broker/time",
    })
    void rulesNamingDollarCoverDollarFilters(String rule, String filter) {
        assertThat(RuleFilter.covers(rule, filter)).isTrue();
    }

    @Test
    void aDollarRuleDoesNotCoverWildcardFilters() {
        // '#' matches no $ topic, but it matches every other topic, which $SYS/# does not
        assertThat(RuleFilter.covers("$SYS/#", "#")).isFalse();
        assertThat(RuleFilter.covers("$SYS/#", "+/broker")).isFalse();
    }

    /**
     * Soundness, checked exhaustively on a small universe: whenever covers(rule, filter) holds, every topic the
     * filter matches is matched by the rule, as the router's own {@link Topics#matches} decides.
     */
    @Test
    void coversNeverClaimsATopicTheRuleDoesNotMatch() {
        List<String> topics = topics(List.of("a", "b", "", "$s"), 4);
        Random random = new Random(7);
        String[] ruleLevels = {"a", "b", "+", "", "$s"};
        int checkedPositives = 0;
        for (int n = 0; n < 4000; n++) {
            String rule = randomFilter(random, ruleLevels);
            String filter = randomFilter(random, ruleLevels);
            if (!RuleFilter.covers(rule, filter)) {
                continue;
            }
            checkedPositives++;
            for (String topic : topics) {
                if (Topics.matches(filter, topic)) {
                    assertThat(Topics.matches(rule, topic))
                            .as("covers(%s, %s) but %s matches topic '%s' and the rule does not", rule, filter,
                                    filter, topic)
                            .isTrue();
                }
            }
        }
        assertThat(checkedPositives).as("the random filters produced enough covered pairs").isGreaterThan(200);
    }

    private static String randomFilter(Random random, String[] levels) {
        int depth = 1 + random.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                sb.append('/');
            }
            String level = levels[random.nextInt(levels.length)];
            if (level.startsWith("$") && i > 0) {
                level = "a";
            }
            sb.append(level);
        }
        if (random.nextInt(3) == 0) {
            sb.append(sb.length() == 0 ? "#" : "/#");
        }
        String f = sb.toString();
        return f.isEmpty() ? "#" : f;
    }

    private static List<String> topics(List<String> levels, int maxDepth) {
        List<String> out = new ArrayList<>();
        List<String> frontier = new ArrayList<>();
        for (String l : levels) {
            frontier.add(l);
        }
        for (int d = 1; d <= maxDepth; d++) {
            out.addAll(frontier);
            List<String> next = new ArrayList<>();
            for (String t : frontier) {
                for (String l : levels) {
                    if (!l.startsWith("$")) {
                        next.add(t + "/" + l);
                    }
                }
            }
            frontier = next;
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    @Test
    void patternsSubstituteWholeLevels() {
        RuleFilter f = RuleFilter.parse("devices/%u/%c/#", true);
        assertThat(f.isPattern()).isTrue();
        assertThat(f.resolve("dev-1", "alice")).isEqualTo("devices/alice/dev-1/#");
    }

    @ParameterizedTest(name = "identity ''{0}'' is never substituted (CVE-2017-7650)")
    @ValueSource(strings = {"", "+", "#", "a/b", "/", "a+", "x#", "a/#"})
    void identitiesThatWouldChangeTheFilterNeverMatch(String identity) {
        RuleFilter f = RuleFilter.parse("devices/%u/#", true);
        assertThat(f.resolve("client", identity)).isNull();
        RuleFilter c = RuleFilter.parse("devices/%c/#", true);
        assertThat(c.resolve(identity, "user")).isNull();
    }

    @Test
    void aDollarIdentityIsNotSubstitutedIntoTheFirstLevel() {
        assertThat(RuleFilter.parse("%u/#", true).resolve("c", "$SYS")).isNull();
        assertThat(RuleFilter.parse("home/%u/#", true).resolve("c", "$SYS")).isEqualTo("home/$SYS/#");
    }

    @Test
    void aNullUsernameIsNotSubstituted() {
        assertThat(RuleFilter.parse("%u/#", true).resolve("c", null)).isNull();
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"a/dev-%u/#", "%c%u", "x/%cx", "a/#/b", "a+/b", "", "$share/g/a"})
    void malformedRuleFiltersAreRefused(String filter) {
        assertThatThrownBy(() -> RuleFilter.parse(filter, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void placeholdersAreRefusedOutsidePatterns() {
        assertThatThrownBy(() -> RuleFilter.parse("a/%u/#", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pattern");
        assertThat(RuleFilter.parse("a/%x/#", false).resolve("c", "u")).isEqualTo("a/%x/#");
    }
}
