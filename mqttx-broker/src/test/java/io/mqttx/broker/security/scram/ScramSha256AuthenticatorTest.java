package io.mqttx.broker.security.scram;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.security.Credentials;
import io.mqttx.broker.security.EnhancedAuthenticator.Exchange;
import io.mqttx.broker.security.EnhancedAuthenticator.Outcome;
import io.mqttx.broker.security.EnhancedAuthenticator.Step;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScramSha256AuthenticatorTest {
    private static final Credentials CLIENT = new Credentials("c1", null, null, ProtocolVersion.MQTT_5, null, null);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rfc7677ExampleExchange() {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        ScramCredential pencil = ScramCredential.fromPassword("pencil".toCharArray(), salt, 4096);
        ScramSha256Authenticator server = new ScramSha256Authenticator(Map.of("user", pencil)::get,
                () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        Exchange exchange = server.begin(CLIENT);
        Step first = exchange.next(utf8("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        assertThat(first.outcome()).isEqualTo(Outcome.CONTINUE);
        assertThat(new String(first.data(), StandardCharsets.UTF_8)).isEqualTo(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        Step last = exchange.next(utf8("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        assertThat(last.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(new String(last.data(), StandardCharsets.UTF_8))
                .isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assertThat(last.username()).isEqualTo("user");
    }

    @Test
    void aWrongProofIsRefused() {
        ScramCredential pencil = ScramCredential.fromPassword("pencil".toCharArray(), 4096);
        ScramSha256Authenticator server = ScramSha256Authenticator.of(Map.of("user", pencil));
        Exchange exchange = server.begin(CLIENT);
        String serverFirst = new String(exchange.next(utf8("n,,n=user,r=abc")).data(), StandardCharsets.UTF_8);
        String nonce = ScramSha256Authenticator.attribute(serverFirst, 'r');
        Step last = exchange.next(utf8("c=biws,r=" + nonce + ",p="
                + Base64.getEncoder().encodeToString(new byte[32])));
        assertThat(last.outcome()).isEqualTo(Outcome.FAILURE);
    }

    @Test
    void anUnknownUserLooksTheSameUntilTheProofFails() {
        ScramSha256Authenticator server = ScramSha256Authenticator.of(Map.of());
        Exchange exchange = server.begin(CLIENT);
        Step first = exchange.next(utf8("n,,n=nobody,r=abc"));
        assertThat(first.outcome()).isEqualTo(Outcome.CONTINUE);
        assertThat(new String(first.data(), StandardCharsets.UTF_8)).contains(",s=").contains(",i=4096");
    }

    @Test
    void channelBindingRequestsAndMalformedMessagesAreRefused() {
        ScramSha256Authenticator server = ScramSha256Authenticator.of(Map.of());
        assertThat(server.begin(CLIENT).next(utf8("p=tls-unique,,n=u,r=x")).outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(server.begin(CLIENT).next(utf8("n,,r=x")).outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(server.begin(CLIENT).next(null).outcome()).isEqualTo(Outcome.FAILURE);
    }
}
