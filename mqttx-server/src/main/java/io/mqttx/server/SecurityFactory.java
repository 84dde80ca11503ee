package io.mqttx.server;

import io.mqttx.broker.security.Security;
import io.mqttx.broker.security.SecurityConfigurationException;
import io.mqttx.broker.security.SecuritySettings;
import io.mqttx.server.config.InvalidConfigurationException;
import io.mqttx.server.config.MqttxProperties;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns {@code mqttx.auth.*}, {@code mqttx.acl.*} and {@code mqttx.enable-topic-sub-pub-secure}
 * into the core's {@link SecuritySettings}; the core's {@code SecurityFactory} validates them and builds the
 * authenticator and authorizer, refusing whatever would fail open.
 *
 * <p>One decision is the server's: with no password file, SCRAM file or URL, and neither {@code auth.anonymous} nor
 * {@code auth.is-mandatory} set, clients are let in (so the quick start works) with a warning that says how to
 * lock the broker down. As soon as one of them is configured, anonymous access is off unless set.
 */
public final class SecurityFactory {
    private static final Logger log = LoggerFactory.getLogger(SecurityFactory.class);

    private SecurityFactory() {
    }

    /**
     * The built security; close it after the broker.
     *
     * @throws InvalidConfigurationException one line saying which setting or file is wrong (an unreadable password or
     *                                       ACL file, contradicting settings, an ACL nobody could use...)
     */
    public static Security create(MqttxProperties properties) {
        try {
            return io.mqttx.broker.security.SecurityFactory.build(settings(properties));
        } catch (SecurityConfigurationException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    static SecuritySettings settings(MqttxProperties properties) {
        MqttxProperties.Auth auth = properties.auth();
        Path passwordFile = path(auth.passwordFile());
        Path scramFile = path(auth.scramFile());
        String url = blankToNull(auth.url());
        boolean nothingAuthenticates = passwordFile == null && scramFile == null && url == null;
        Boolean anonymous = auth.anonymous();
        if (nothingAuthenticates && anonymous == null && auth.isMandatory() == null) {
            anonymous = true;
        }
        boolean anonymousAllowed = anonymous != null ? anonymous
                : auth.isMandatory() != null && !auth.isMandatory();
        if (nothingAuthenticates && anonymousAllowed) {
            log.warn("no authentication configured: every client may connect. To lock the broker down, create users"
                    + " with 'java -jar mqttx.jar passwd FILE USER' and set mqttx.auth.password-file=FILE (anonymous"
                    + " clients are then refused), and restrict topics with mqttx.acl.file and"
                    + " mqttx.enable-topic-sub-pub-secure=true");
        }
        SecuritySettings.Builder b = SecuritySettings.builder()
                .anonymous(anonymous)
                .mandatory(auth.isMandatory())
                .passwordFile(passwordFile)
                .scramFile(scramFile)
                .url(url)
                .timeout(auth.timeout())
                .cacheTtl(auth.cacheTtl())
                .hashQueue(auth.hashQueue())
                .topicAuthorization(properties.enableTopicSubPubSecure())
                .aclFile(path(properties.acl().file()));
        if (auth.hashThreads() != null) {
            b.hashThreads(auth.hashThreads());
        }
        return b.build();
    }

    private static Path path(String value) {
        String v = blankToNull(value);
        return v == null ? null : Path.of(v);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
