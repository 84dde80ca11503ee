package io.mqttx.broker.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * TLS settings of a listener: a key store with the server's key and certificate chain, an optional trust store for
 * client certificates, and the client-certificate policy. Built with {@link #builder}; every rule is checked here,
 * so a listener never starts with a weaker setting than the one asked for (fail closed on config errors).
 *
 * @param keyStorePath        {@code classpath:some/server.p12} (resolved by the thread's context class loader) or a
 *                            file path
 * @param keyStorePassword    opens the key store and its private key (one password for both, as PKCS12 has it)
 * @param keyStoreType        {@code PKCS12} (default) or {@code JKS}; also the type the trust store is read as (the
 *                            JDK reads either format under either name)
 * @param trustStorePath      the CAs whose client certificates are accepted; required when {@code clientAuth} is not
 *                            NONE, so that mutual TLS never silently falls back to the JVM's public CAs
 * @param trustStorePassword  may be null for a trust store without integrity password
 * @param clientAuth          NONE (no certificate asked), OPTIONAL (asked; verified if sent), REQUIRE (handshake
 *                            fails without a valid one)
 * @param protocols           enabled protocol versions, from {@code TLSv1.3} and {@code TLSv1.2} (the default is both);
 *                            TLS 1.1 and older are refused
 * @param ciphers             JDK cipher suite names (TLS 1.3 and 1.2 names in one list); empty means the JDK's
 *                            defaults. NULL, anonymous and export suites are refused
 * @param certificateCommonNameAsUsername on this listener the username handed to the authenticator is the CN of the
 *                            verified client certificate, never the CONNECT's; needs clientAuth OPTIONAL or REQUIRE
 */
public record TlsConfig(
        String keyStorePath,
        String keyStorePassword,
        String keyStoreType,
        String trustStorePath,
        String trustStorePassword,
        ClientAuth clientAuth,
        List<String> protocols,
        List<String> ciphers,
        boolean certificateCommonNameAsUsername) {

    public enum ClientAuth { NONE, OPTIONAL, REQUIRE }

    public static final String CLASSPATH_PREFIX = "classpath:";
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final Set<String> ALLOWED_PROTOCOLS = Set.copyOf(DEFAULT_PROTOCOLS);

    public TlsConfig {
        if (keyStorePath == null || keyStorePath.isBlank()) {
            throw new IllegalArgumentException("TLS needs a key store (key-store-location)");
        }
        keyStoreType = keyStoreType == null || keyStoreType.isBlank() ? "PKCS12"
                : keyStoreType.trim().toUpperCase(Locale.ROOT);
        if (!keyStoreType.equals("PKCS12") && !keyStoreType.equals("JKS")) {
            throw new IllegalArgumentException("key store type " + keyStoreType + " is not PKCS12 or JKS");
        }
        clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
        protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        for (String p : protocols) {
            if (!ALLOWED_PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("TLS protocol " + p + " is not allowed: only "
                        + DEFAULT_PROTOCOLS + " (TLS 1.1 and older are broken and refused)");
            }
        }
        ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
        for (String c : ciphers) {
            if (isInsecureCipher(c)) {
                throw new IllegalArgumentException("cipher suite " + c
                        + " gives no encryption or no authentication and is refused");
            }
        }
        if (clientAuth != ClientAuth.NONE && (trustStorePath == null || trustStorePath.isBlank())) {
            throw new IllegalArgumentException("client-auth " + clientAuth
                    + " needs a trust store naming the CAs of the client certificates");
        }
        if (certificateCommonNameAsUsername && clientAuth == ClientAuth.NONE) {
            throw new IllegalArgumentException(
                    "the certificate CN as username needs client-auth OPTIONAL or REQUIRE: no certificate is asked");
        }
    }

    /** NULL (no encryption), anon (no server authentication) and EXPORT (40/56-bit keys) suites. */
    public static boolean isInsecureCipher(String suite) {
        String s = suite.toUpperCase(Locale.ROOT);
        return s.contains("_NULL_") || s.endsWith("_NULL") || s.contains("_ANON_") || s.contains("EXPORT");
    }

    public static Builder builder(String keyStorePath, String keyStorePassword) {
        return new Builder(keyStorePath, keyStorePassword);
    }

    /** Starts from the defaults: PKCS12, no client certificates, TLS 1.3 and 1.2, the JDK's cipher suites. */
    public static final class Builder {
        private final String keyStorePath;
        private final String keyStorePassword;
        private String keyStoreType = "PKCS12";
        private String trustStorePath;
        private String trustStorePassword;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> ciphers = List.of();
        private boolean certificateCommonNameAsUsername;

        private Builder(String keyStorePath, String keyStorePassword) {
            this.keyStorePath = keyStorePath;
            this.keyStorePassword = keyStorePassword;
        }

        public Builder keyStoreType(String v) { keyStoreType = v; return this; }

        public Builder trustStore(String path, String password) {
            trustStorePath = path;
            trustStorePassword = password;
            return this;
        }

        public Builder clientAuth(ClientAuth v) { clientAuth = Objects.requireNonNull(v); return this; }
        public Builder protocols(List<String> v) { protocols = v; return this; }
        public Builder ciphers(List<String> v) { ciphers = v; return this; }
        public Builder certificateCommonNameAsUsername(boolean v) { certificateCommonNameAsUsername = v; return this; }

        public TlsConfig build() {
            return new TlsConfig(keyStorePath, keyStorePassword, keyStoreType, trustStorePath, trustStorePassword,
                    clientAuth, protocols, ciphers, certificateCommonNameAsUsername);
        }
    }
}
