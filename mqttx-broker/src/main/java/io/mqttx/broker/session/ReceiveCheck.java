package io.mqttx.broker.session;

import io.mqttx.broker.security.Authorizer;
import io.mqttx.broker.security.ClientIdentity;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery-time authorization check, failing closed: an {@link Authorizer#canReceive} that throws denies that
 * one delivery, and neither the other subscribers of the message nor the session's owner thread (shared with many
 * other sessions) notice. Each distinct cause is logged once per broker, so a broken authorizer does not also
 * flood the log with one line per message.
 */
final class ReceiveCheck {
    private static final Logger log = LoggerFactory.getLogger(ReceiveCheck.class);
    /** Enough distinct causes to see what is wrong; beyond it a failing authorizer logs nothing new. */
    private static final int MAX_LOGGED_CAUSES = 64;

    private final Authorizer authorizer;
    private final Set<String> loggedCauses = ConcurrentHashMap.newKeySet();

    ReceiveCheck(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    boolean mayReceive(ClientIdentity client, String topic) {
        try {
            return authorizer.canReceive(client, topic);
        } catch (RuntimeException e) {
            String cause = e.getClass().getName() + ": " + e.getMessage();
            if (loggedCauses.size() < MAX_LOGGED_CAUSES && loggedCauses.add(cause)) {
                log.warn("authorizer failed at delivery (client {}, topic {}); denying such deliveries, this cause "
                        + "is logged once", client == null ? "?" : client.clientId(), topic, e);
            }
            return false;
        }
    }
}
