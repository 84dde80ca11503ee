package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {

    @Test
    void aHashMatchesItsPasswordOnly() {
        PasswordHash h = PasswordHash.parse(PasswordFixtures.ALICE.substring("alice:".length()),
                PasswordHash.MIN_ITERATIONS);
        assertThat(h.matches(PasswordFixtures.ALICE_PASSWORD.toCharArray())).isTrue();
        assertThat(h.matches("alice-secreT".toCharArray())).isFalse();
        assertThat(h.matches(new char[0])).isFalse();
    }

    @Test
    void formatAndParseRoundTrip() {
        PasswordHash h = PasswordHash.of("pw".toCharArray(), new byte[16], 1000);
        PasswordHash back = PasswordHash.parse(h.format(), 1000);
        assertThat(back.format()).isEqualTo(h.format()).startsWith("$pbkdf2-sha512$1000$");
        assertThat(back.matches("pw".toCharArray())).isTrue();
    }

    @Test
    void createUsesAFreshSaltAndByDefaultTheRealCost() {
        SecureRandom random = new SecureRandom();
        PasswordHash a = PasswordHash.create("same".toCharArray(), random);
        PasswordHash b = PasswordHash.create("same".toCharArray(), 1000, random);
        PasswordHash c = PasswordHash.create("same".toCharArray(), 1000, random);
        assertThat(a.iterations()).isEqualTo(210_000);
        assertThat(b.format()).isNotEqualTo(c.format());
        assertThat(b.matches("same".toCharArray())).isTrue();
        assertThatThrownBy(() -> PasswordHash.create(new char[0], random))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fewerThanTheMinimumIterationsIsRefused() {
        String weak = PasswordHash.of("pw".toCharArray(), new byte[16], 101).format(); // Mosquitto 2.0's count
        assertThatThrownBy(() -> PasswordHash.parse(weak, PasswordHash.MIN_ITERATIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101 iterations");
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {
            "secret",
            "$6$salt$hash",
            "$pbkdf2-sha512$x",
            "$pbkdf2-sha512$210000$c2FsdA==",
            "$pbkdf2-sha512$lots$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
            "$pbkdf2-sha512$210000$not base64$AAAA",
            "$pbkdf2-sha512$210000$AAAA$AAAA",
            "$pbkdf2-sha512$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
            "$pbkdf2-sha512$99999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
            "$pbkdf2-sha512$2100000000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
    })
    void malformedHashesAreRefusedWithoutRepeatingThem(String text) {
        assertThatThrownBy(() -> PasswordHash.parse(text, PasswordHash.MIN_ITERATIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(text));
    }

    @Test
    void toStringDoesNotShowTheHash() {
        PasswordHash h = PasswordHash.of("pw".toCharArray(), new byte[16], 1000);
        assertThat(h.toString()).doesNotContain(h.format().substring(25));
    }
}
