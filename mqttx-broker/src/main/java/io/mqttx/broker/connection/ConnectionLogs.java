package io.mqttx.broker.connection;

import io.mqttx.broker.limits.ThrottledLog;
import org.slf4j.LoggerFactory;

/**
 * The lines a connection logs about a client that misbehaves, one {@link ThrottledLog} per kind of problem: any
 * client can cause them at will, so a flood of clients must not flood the log. One instance per listener.
 *
 * @param noConnect       a socket sent no CONNECT within the connect timeout (slowloris)
 * @param notConnectFirst the first packet was not a CONNECT
 * @param refused         a CONNECT was refused (bad credentials, not authorized, bad client id...)
 * @param violation       a protocol violation (malformed packet, limit exceeded) closed the connection
 */
public record ConnectionLogs(ThrottledLog noConnect, ThrottledLog notConnectFirst, ThrottledLog refused,
                             ThrottledLog violation) {

    public static ConnectionLogs create() {
        var log = LoggerFactory.getLogger(MqttConnection.class);
        return new ConnectionLogs(new ThrottledLog(log), new ThrottledLog(log), new ThrottledLog(log),
                new ThrottledLog(log));
    }
}
