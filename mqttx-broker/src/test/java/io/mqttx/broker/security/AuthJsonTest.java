package io.mqttx.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthJsonTest {

    @Test
    void writesTheRequestWithEscapes() {
        assertThat(AuthJson.request("c1", "u", "p")).isEqualTo("{\"clientId\":\"c1\",\"username\":\"u\",\"password\":\"p\"}");
        assertThat(AuthJson.request("c", null, null)).isEqualTo("{\"clientId\":\"c\",\"username\":null,\"password\":null}");
        assertThat(AuthJson.request("q\"b\\s/\n\u0001\u2028é😀", "u", "p"))
                .isEqualTo("{\"clientId\":\"q\\\"b\\\\s/\\n\\u0001\\u2028é😀\",\"username\":\"u\",\"password\":\"p\"}");
    }

    @Test
    void whatItWritesItReadsBack() {
        String tricky = "q\"b\\s/\n\u0001\t\u2028é😀";
        Object parsed = AuthJson.parse(AuthJson.request(tricky, "", "pw"));
        assertThat(parsed).isEqualTo(Map.of("clientId", tricky, "username", "", "password", "pw"));
    }

    @Test
    void parsesEveryValueKind() {
        Object v = AuthJson.parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"], \"b\": {}} ");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        List<Object> a = (List<Object>) ((Map<?, ?>) v).get("a");
        assertThat(a).containsExactly(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, null, "xé😀");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "",
            "{",
            "{\"a\":1,}",
            "[1,]",
            "{'a':1}",
            "{\"a\":1} x",
            "{\"a\":1}{}",
            "// c\n{}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":NaN}",
            "{\"a\":+1}",
            "{\"a\":\"tab\there\"}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00\"}",
            "{\"a\":\"\\u12\"}",
            "{\"a\":1,\"a\":2}",
            "{a:1}",
            "tru",
            "nul",
            "\"unterminated",
            "{\"a\" 1}",
    })
    void refusesWhatIsNotStrictJson(String text) {
        assertThatThrownBy(() -> AuthJson.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid JSON at offset");
    }

    @Test
    void refusesALoneSurrogateCharacter() {
        assertThatThrownBy(() -> AuthJson.parse("\"\ud800\"")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> AuthJson.parse(deep)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deeper");
        assertThat(AuthJson.parse("[".repeat(AuthJson.MAX_DEPTH) + "]".repeat(AuthJson.MAX_DEPTH))).isNotNull();
    }
}
