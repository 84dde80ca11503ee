package io.mqttx.broker.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** MQTT 3.1.1 packets built byte by byte, for tests that need what client libraries do not do (not acknowledging). */
final class RawPackets {
    private RawPackets() {
    }

    static byte[] connect(String clientId, boolean cleanSession, String username, byte[] password) {
        return connect(clientId, cleanSession, username, password, null, null);
    }

    /** With a QoS 0 will when {@code willTopic} is not null. */
    static byte[] connect(String clientId, boolean cleanSession, String username, byte[] password, String willTopic,
                          String willPayload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(4);
        int flags = (cleanSession ? 0x02 : 0) | (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0)
                | (willTopic != null ? 0x04 : 0);
        body.write(flags);
        body.write(0);
        body.write(60);
        string(body, clientId);
        if (willTopic != null) {
            string(body, willTopic);
            string(body, willPayload);
        }
        if (username != null) {
            string(body, username);
        }
        if (password != null) {
            body.write(password.length >> 8);
            body.write(password.length & 0xFF);
            body.writeBytes(password);
        }
        return packet(0x10, body.toByteArray());
    }

    static byte[] subscribe(int packetId, String filter, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId & 0xFF);
        string(body, filter);
        body.write(qos);
        return packet(0x82, body.toByteArray());
    }

    static byte[] pingReq() {
        return new byte[] {(byte) 0xC0, 0};
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xFF);
        out.writeBytes(b);
    }

    private static byte[] packet(int type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        int len = body.length;
        do {
            int digit = len % 128;
            len /= 128;
            out.write(len > 0 ? digit | 0x80 : digit);
        } while (len > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }
}
