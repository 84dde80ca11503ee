package io.mqttx.broker.security;

import io.mqttx.broker.protocol.ReasonCode;
import io.mqttx.broker.security.scram.ScramCredentialsFile;
import io.mqttx.broker.security.scram.ScramSha256Authenticator;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the broker's {@link Authenticator} and {@link Authorizer} from {@link SecuritySettings}, or refuses with a
 * {@link SecurityConfigurationException} that says which setting is wrong and what to do. It refuses every setting
 * that would fail open or make no sense, rather than guessing:
 *
 * <ul>
 *   <li>anonymous access off (the default) and nothing to authenticate with: no client could ever connect;</li>
 *   <li>a SCRAM credentials file that cannot be read, has a malformed line, or has no users;</li>
 *   <li>both a password file and a hook: which one decides would be a guess;</li>
 *   <li>a password file that cannot be read, has a malformed line, or has no users;</li>
 *   <li>a hook URL that is not an absolute http(s) URL, a non-positive timeout;</li>
 *   <li>an ACL file while topic authorization is off (its rules would be silently ignored: CVE-2018-20145 class);
 *       topic authorization on with neither an ACL file nor a hook to grant anything;</li>
 *   <li>an ACL file that cannot be read or has a malformed line; {@code user} blocks or {@code %u} patterns while
 *       no authenticator verifies usernames (anyone could claim one).</li>
 * </ul>
 *
 * An empty ACL file is accepted and denies everything (CVE-2018-12550 was the opposite).
 *
 * <p>A SCRAM credentials file adds SCRAM-SHA-256 as an MQTT 5 enhanced authentication method: a client whose
 * CONNECT names it is judged by the file alone. Clients that name no method take the plain path: the password file
 * or the hook if one is set, else a username is refused (nothing could check it, and letting it through would let a
 * client claim a SCRAM user's name for the ACL), and clients without a username follow anonymous access. A name may
 * be in the password file and in the SCRAM file; the two are separate users' lists, each with its own password.
 */
public final class SecurityFactory {
    private static final Logger log = LoggerFactory.getLogger(SecurityFactory.class);

    private SecurityFactory() {
    }

    public static Security build(SecuritySettings s) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return build(s, resources);
        } catch (RuntimeException e) {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static Security build(SecuritySettings s, List<AutoCloseable> resources) {
        boolean anonymous = anonymous(s);
        boolean hasUrl = s.url() != null && !s.url().isBlank();
        if (s.passwordFile() != null && hasUrl) {
            throw new SecurityConfigurationException("both mqttx.auth.password-file and mqttx.auth.url are set;"
                    + " configure one of them");
        }
        if (s.cacheTtl() == null || s.cacheTtl().isNegative()) {
            throw new SecurityConfigurationException("mqttx.auth.cache-ttl must be zero (no cache) or positive");
        }

        List<EnhancedAuthenticator> enhanced = new ArrayList<>();
        String scram = "";
        if (s.scramFile() != null) {
            ScramCredentialsFile file = ScramCredentialsFile.load(s.scramFile());
            if (file.size() == 0) {
                throw new SecurityConfigurationException("the SCRAM credentials file " + s.scramFile() + " has no"
                        + " users; add one with: java -jar mqttx.jar passwd --scram " + s.scramFile() + " <username>");
            }
            UserFile.warnIfReadableByOthers(s.scramFile(), ScramCredentialsFile.WHAT);
            enhanced.add(ScramSha256Authenticator.of(file));
            scram = "; MQTT 5 enhanced authentication: " + ScramSha256Authenticator.METHOD + " from "
                    + s.scramFile() + " (" + file.size() + " users)";
        }

        Authenticator identified;
        String authentication;
        if (s.passwordFile() != null) {
            if (s.hashThreads() < 1 || s.hashQueue() < 1) {
                throw new SecurityConfigurationException("mqttx.auth.hash-threads and mqttx.auth.hash-queue must be"
                        + " at least 1");
            }
            PasswordFile file = PasswordFile.load(s.passwordFile());
            if (file.size() == 0) {
                throw new SecurityConfigurationException("the password file " + s.passwordFile() + " has no users;"
                        + " add one with: java -jar mqttx.jar passwd " + s.passwordFile() + " <username>");
            }
            UserFile.warnIfReadableByOthers(s.passwordFile(), PasswordFile.WHAT);
            PasswordFileAuthenticator passwords = new PasswordFileAuthenticator(file, s.hashThreads(), s.hashQueue(),
                    s.cacheTtl());
            resources.add(passwords);
            identified = passwords;
            authentication = "password file " + s.passwordFile() + " (" + file.size() + " users)";
        } else if (hasUrl) {
            URI url = hookUrl(s.url());
            if (s.timeout() == null || s.timeout().isNegative() || s.timeout().isZero()) {
                throw new SecurityConfigurationException("mqttx.auth.timeout must be positive");
            }
            identified = new HttpAuthenticator(url, s.timeout(), s.cacheTtl());
            authentication = "HTTP hook " + HttpAuthenticator.shown(url) + " (timeout " + s.timeout().toMillis() + " ms)";
        } else if (!enhanced.isEmpty()) {
            identified = credentials -> CompletableFuture.completedFuture(
                    AuthenticationResult.refused(ReasonCode.BAD_USER_NAME_OR_PASSWORD));
            authentication = "usernames without an authentication method refused";
        } else {
            if (!anonymous) {
                throw new SecurityConfigurationException("anonymous access is off (mqttx.auth.anonymous=false, the"
                        + " default) and there is no mqttx.auth.password-file, mqttx.auth.scram-file or"
                        + " mqttx.auth.url: no client could connect. Configure one of them, or set"
                        + " mqttx.auth.anonymous=true to let every client in");
            }
            identified = Authenticator.ALLOW_ALL;
            authentication = "none: every client is let in, usernames are not verified";
        }
        boolean usernamesVerified = identified != Authenticator.ALLOW_ALL;
        Authenticator authenticator = new AnonymousAccess(anonymous, identified);
        if (usernamesVerified) {
            authentication += (anonymous ? ", anonymous clients allowed" : ", anonymous clients refused") + scram;
        }

        Authorizer authorizer;
        String authorization;
        if (!s.topicAuthorization()) {
            if (s.aclFile() != null) {
                throw new SecurityConfigurationException("mqttx.acl.file is set but mqttx.enable-topic-sub-pub-secure"
                        + " is false, so its rules would be ignored; set mqttx.enable-topic-sub-pub-secure=true (or"
                        + " remove mqttx.acl.file)");
            }
            authorizer = Authorizer.ALLOW_ALL;
            authorization = "off: every client may publish and subscribe to every topic";
        } else {
            AclRules rules;
            if (s.aclFile() != null) {
                rules = AclRules.load(s.aclFile());
                authorization = "ACL file " + s.aclFile() + " (" + rules.size() + " rules)";
                if (rules.isEmpty()) {
                    log.warn("the ACL file {} has no rules: every publish and subscribe is denied", s.aclFile());
                }
            } else if (hasUrl) {
                rules = AclRules.EMPTY;
                authorization = "the hook's authorizedPub/authorizedSub lists only";
            } else {
                throw new SecurityConfigurationException("mqttx.enable-topic-sub-pub-secure is true but nothing"
                        + " grants a topic: set mqttx.acl.file, or use mqttx.auth.url whose answers list"
                        + " authorizedPub/authorizedSub");
            }
            if (rules.dependsOnUsernames() && !usernamesVerified) {
                throw new SecurityConfigurationException("the ACL file " + s.aclFile() + " has user blocks or %u"
                        + " patterns, but no mqttx.auth.password-file, mqttx.auth.scram-file or mqttx.auth.url"
                        + " verifies usernames: any"
                        + " client could claim one. Configure authentication, or write the rules without usernames");
            }
            if (rules.grantsByClientId() && !hasUrl) {
                log.warn("the ACL file {} grants rights by client id (client blocks or %c patterns); client ids are"
                        + " chosen by clients and not verified by {}, so any client that may connect can use them",
                        s.aclFile(), usernamesVerified ? "the password or SCRAM file" : "anything");
            }
            authorizer = new AclAuthorizer(rules, usernamesVerified);
            if (hasUrl && s.aclFile() != null) {
                authorization += " plus the hook's authorizedPub/authorizedSub lists";
            }
        }
        String description = "authentication: " + authentication + "; authorization: " + authorization;
        log.info("security: {}", description);
        return new Security(authenticator, enhanced, authorizer, description, resources);
    }

    private static boolean anonymous(SecuritySettings s) {
        if (s.anonymous() != null && s.mandatory() != null && s.anonymous().equals(s.mandatory())) {
            throw new SecurityConfigurationException("mqttx.auth.anonymous=" + s.anonymous()
                    + " contradicts mqttx.auth.is-mandatory=" + s.mandatory() + "; set only mqttx.auth.anonymous");
        }
        if (s.anonymous() != null) {
            return s.anonymous();
        }
        return s.mandatory() != null && !s.mandatory();
    }

    private static URI hookUrl(String text) {
        URI url;
        try {
            url = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new SecurityConfigurationException("mqttx.auth.url '" + text + "' is not a URL: " + e.getMessage());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new SecurityConfigurationException("mqttx.auth.url '" + text + "' must be an http:// or https://"
                    + " URL");
        }
        if (url.getHost() == null) {
            throw new SecurityConfigurationException("mqttx.auth.url '" + text + "' has no host");
        }
        if (url.getRawUserInfo() != null) {
            throw new SecurityConfigurationException("mqttx.auth.url must not carry credentials (user:password@);"
                    + " the HTTP client would not send them");
        }
        if (scheme.equals("http") && !isLoopback(url.getHost())) {
            log.warn("mqttx.auth.url {} is plain http to another host: client passwords cross the network"
                    + " unencrypted; use https", HttpAuthenticator.shown(url));
        }
        return url;
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // only literal addresses are checked: resolving a name here would block on DNS at startup
            boolean literal = host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':'
                    || c == '[' || c == ']');
            return literal && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
