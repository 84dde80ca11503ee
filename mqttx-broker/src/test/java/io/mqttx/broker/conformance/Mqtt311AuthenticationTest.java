package io.mqttx.broker.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.security.AuthenticationResult;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.Credentials;
import io.mqttx.broker.store.memory.MemoryBrokerStore;
import io.mqttx.broker.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Row 28: {@link ConformanceCases#mqtt311Authentication()} against a broker with the authenticator it describes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Mqtt311AuthenticationTest {
    private TestBroker broker;

    /** alice/secret is let in, mallory is not authorized, anything else is a bad user name or password. */
    private static CompletionStage<AuthenticationResult> authenticate(Credentials c) {
        AuthenticationResult result;
        if ("mallory".equals(c.username())) {
            result = AuthenticationResult.refused(ReasonCode.NOT_AUTHORIZED);
        } else if ("alice".equals(c.username()) && c.password() != null
                && Arrays.equals(c.password(), "secret".getBytes(StandardCharsets.UTF_8))) {
            result = AuthenticationResult.ALLOWED;
        } else {
            result = AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        }
        return CompletableFuture.completedFuture(result);
    }

    @BeforeAll
    void start() {
        Authenticator authenticator = Mqtt311AuthenticationTest::authenticate;
        broker = TestBroker.start(b -> b, new MemoryBrokerStore(), authenticator, Authorizer.ALLOW_ALL);
    }

    @AfterAll
    void stop() {
        broker.close();
    }

    List<ConformanceCase> cases() {
        return ConformanceCases.mqtt311Authentication();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsTheSpecSays(ConformanceCase c) throws Exception {
        CaseRunner.run(c, broker.port());
        assertThat(broker.broker().metrics().protocolViolations()).as("refusals are not protocol violations")
                .isZero();
    }
}
