package io.mqttx.broker.transport;

import io.mqttx.broker.config.TlsConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made at test run time (no key ever ships in the repository): it issues a server
 * certificate for 127.0.0.1/localhost and client certificates, and writes them as PKCS12 key stores into a folder.
 * EC P-256 keys, because they are generated in milliseconds where RSA takes a good part of a second.
 */
final class TestPki {
    static final String PASSWORD = "test-secret";

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final AtomicLong serial = new AtomicLong(1);

    /** A key pair with its certificate, issued by this CA. */
    record Identity(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
    }

    private TestPki(Path dir, String name) throws GeneralSecurityException, OperatorCreationException {
        this.dir = dir;
        this.name = name;
        this.caKeys = newKeyPair();
        X500Name subject = new X500Name("CN=" + name + " Test CA,O=mqttx tests");
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, nextSerial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                caKeys.getPublic());
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.caCert = sign(b, caKeys.getPrivate());
    }

    /** A new CA whose files go into {@code dir}; {@code name} keeps two CAs' files apart. */
    static TestPki create(Path dir, String name) throws GeneralSecurityException, OperatorCreationException {
        return new TestPki(dir, name);
    }

    X509Certificate caCertificate() {
        return caCert;
    }

    Identity server() throws GeneralSecurityException, OperatorCreationException {
        return issue("localhost", true, Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)));
    }

    Identity client(String commonName) throws GeneralSecurityException, OperatorCreationException {
        return issue(commonName, false, Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(1)));
    }

    /** A client certificate whose validity ended yesterday. */
    Identity expiredClient(String commonName) throws GeneralSecurityException, OperatorCreationException {
        return issue(commonName, false, Instant.now().minus(Duration.ofDays(3)),
                Instant.now().minus(Duration.ofDays(1)));
    }

    private Identity issue(String commonName, boolean server, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, OperatorCreationException {
        KeyPair keys = newKeyPair();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, nextSerial(), Date.from(notBefore),
                Date.from(notAfter), new X500Name("CN=" + commonName + ",O=mqttx tests"), keys.getPublic());
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            if (server) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Identity(keys.getPrivate(), sign(b, caKeys.getPrivate()), caCert);
    }

    /** Writes a PKCS12 (or JKS) key store holding the identity's key and chain; returns its path. */
    Path keyStore(Identity identity, String fileName, String type) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        ks.setKeyEntry("key", identity.key(), PASSWORD.toCharArray(),
                new X509Certificate[] {identity.certificate(), identity.ca()});
        return write(ks, fileName);
    }

    /** Writes a PKCS12 trust store holding this CA's certificate; returns its path. */
    Path trustStore() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", caCert);
        return write(ks, name + "-trust.p12");
    }

    /** The server side of a listener: a fresh server certificate, and this CA as the client CA. */
    TlsConfig.Builder serverTls() throws GeneralSecurityException, IOException, OperatorCreationException {
        Path keyStore = keyStore(server(), name + "-server.p12", "PKCS12");
        return TlsConfig.builder(keyStore.toString(), PASSWORD).trustStore(trustStore().toString(), PASSWORD);
    }

    /**
     * A client context that trusts this CA and presents {@code identity} (which may come from another CA), or no
     * certificate when it is null. The JDK's own key managers would quietly send nothing when the identity's issuer
     * is not among the CAs the server asks for; this one always sends it, so that the broker is the one to refuse.
     */
    SSLContext clientContext(Identity identity) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", caCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keyManagers = identity == null ? null : new KeyManager[] {new AlwaysPresent(identity)};
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    /** Presents one identity to every server that asks, whatever CAs it names. */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private static final String ALIAS = "client";
        private final Identity identity;

        AlwaysPresent(Identity identity) {
            this.identity = identity;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {identity.certificate(), identity.ca()};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** Base64 SHA-256 of a certificate's public key, as Chromium's --ignore-certificate-errors-spki-list wants. */
    static String spkiHash(X509Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
        return Base64.getEncoder().encodeToString(digest);
    }

    private Path write(KeyStore ks, String fileName) throws GeneralSecurityException, IOException {
        Path file = dir.resolve(fileName);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    private BigInteger nextSerial() {
        return BigInteger.valueOf(System.nanoTime()).shiftLeft(8).add(BigInteger.valueOf(serial.getAndIncrement()));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }
}
