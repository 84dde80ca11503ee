package io.mqttx.broker.session;

import io.mqttx.broker.limits.ThrottledLog;
import org.slf4j.LoggerFactory;

/**
 * The lines a session logs about what its client asked and was refused, one {@link ThrottledLog} per kind: a client
 * can repeat such a request in every packet, so they must not flood the log. One instance per broker.
 *
 * @param publishDenied   a PUBLISH to a topic the client may not publish to (or to $SYS)
 * @param subscribeDenied a subscription to a filter the client may not subscribe to
 * @param invalidFilter   a subscription whose topic filter (or shared subscription) is invalid
 */
record SessionLogs(ThrottledLog publishDenied, ThrottledLog subscribeDenied, ThrottledLog invalidFilter) {

    static SessionLogs create() {
        var log = LoggerFactory.getLogger(Session.class);
        return new SessionLogs(new ThrottledLog(log), new ThrottledLog(log), new ThrottledLog(log));
    }
}
