package io.mqttx.broker.connection;

import io.mqttx.broker.cluster.ClusterBus;
import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.protocol.InboundPacketAdapter;
import io.mqttx.broker.security.Authenticator;
import io.mqttx.broker.security.EnhancedAuthenticator;
import io.mqttx.broker.session.SessionRegistry;
import io.mqttx.broker.session.SessionServices;
import io.mqttx.broker.sys.BrokerMetrics;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/** What every connection works with; one instance per broker. */
public record ConnectionServices(BrokerConfig config, SessionRegistry registry, SessionServices sessionServices,
                                 Authenticator authenticator, InboundPacketAdapter adapter, BrokerMetrics metrics,
                                 ClusterBus clusterBus, Map<String, EnhancedAuthenticator> enhancedAuthenticators) {

    public ConnectionServices {
        enhancedAuthenticators = Map.copyOf(enhancedAuthenticators);
    }

    /** The CN of the verified client certificate of a TLS connection, or null. */
    String certificateCommonName(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
                return null;
            }
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
    }
}
