package io.mqttx.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "a/b|a/b|true",
            "a/b|a/c|false",
            "a/+|a/b|true",
            "a/+|a/b/c|false",
            "a/+|a/|true",           // '+' matches an empty level
            "a/#|a|true",            // MQTT-4.7.1-2: '#' also matches the parent level
            "a/#|a/b/c|true",
            "#|a/b|true",
            "+/+|/finance|true",     // MQTT 4.7.1.3 example
            "/+|/finance|true",
            "+|/finance|false",
            "a//b|a//b|true",        // empty levels are valid and distinct
            "a/+/b|a//b|true",
            "a/b/|a/b/|true",        // a trailing '/' makes an empty last level
            "a/b/|a/b|false",
            "a/b|a/b/|false",
            "#|$SYS/x|false",        // MQTT-4.7.2-1
            "+/x|$SYS/x|false",
            "$SYS/#|$SYS/x|true",
            "$SYS/+|$SYS/x|true",
            "sport/tennis/+|sport/tennis/player1|true",
            "sport/#|sport|true",
            "sport/+|sport|false",
    })
    void matchesPerSection4_7(String filter, String topic, boolean expected) {
        assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "a/#", "+", "+/+/#", "a/+/b", "/", "a//b", "a/b/", "$SYS/#"})
    void validFilters(String filter) {
        assertThat(Topics.checkTopicFilter(filter, 128)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a#", "#a", "a/b#", "a+", "+a", "a/+b", "##"})
    void invalidFilters_MQTT_4_7_1(String filter) {
        assertThat(Topics.checkTopicFilter(filter, 128)).isNotNull();
    }

    @Test
    void topicNamesMayNotHoldWildcardsOrBeEmpty() {
        assertThat(Topics.checkTopicName("a/b", 128)).isNull();
        assertThat(Topics.checkTopicName("a/+", 128)).contains("MQTT-3.3.2-2");
        assertThat(Topics.checkTopicName("a/#", 128)).contains("MQTT-3.3.2-2");
        assertThat(Topics.checkTopicName("", 128)).contains("MQTT-4.7.3-1");
    }

    @Test
    void levelLimitApplies() {
        assertThat(Topics.checkTopicName("a/b/c", 3)).isNull();
        assertThat(Topics.checkTopicName("a/b/c/d", 3)).contains("levels");
        assertThat(Topics.checkTopicFilter("a/b/c/#", 3)).contains("levels");
    }

    @Test
    void sharedFilters_MQTT_4_8_2() {
        assertThat(Topics.parseShared("$share/g/a/+", 128)).isEqualTo(new Topics.SharedFilter("g", "a/+"));
        assertThatThrownBy(() -> Topics.parseShared("$share//a", 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.parseShared("$share/g", 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.parseShared("$share/g+/a", 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.parseShared("$share/g/", 128)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void matchingA65535LevelTopicNeedsNoStack() {
        String deep = "/".repeat(65_534);
        assertThat(Topics.matches("#", deep)).isTrue();
        assertThat(Topics.matches(deep, deep)).isTrue();
        assertThat(Topics.matches(deep + "x", deep)).isFalse();
    }
}
