package io.mqttx.broker.conformance;

import static io.mqttx.broker.testkit.Packets.CLEAN;
import static io.mqttx.broker.testkit.Packets.CONNACK_OK;
import static io.mqttx.broker.testkit.Packets.ack;
import static io.mqttx.broker.testkit.Packets.cat;
import static io.mqttx.broker.testkit.Packets.connack5;
import static io.mqttx.broker.testkit.Packets.connect;
import static io.mqttx.broker.testkit.Packets.connect31;
import static io.mqttx.broker.testkit.Packets.connect311;
import static io.mqttx.broker.testkit.Packets.connect5;
import static io.mqttx.broker.testkit.Packets.disconnect5;
import static io.mqttx.broker.testkit.Packets.packet;
import static io.mqttx.broker.testkit.Packets.propBinary;
import static io.mqttx.broker.testkit.Packets.propByte;
import static io.mqttx.broker.testkit.Packets.propString;
import static io.mqttx.broker.testkit.Packets.propU16;
import static io.mqttx.broker.testkit.Packets.propU32;
import static io.mqttx.broker.testkit.Packets.propVbi;
import static io.mqttx.broker.testkit.Packets.publish;
import static io.mqttx.broker.testkit.Packets.publish5;
import static io.mqttx.broker.testkit.Packets.raw;
import static io.mqttx.broker.testkit.Packets.str;
import static io.mqttx.broker.testkit.Packets.suback;
import static io.mqttx.broker.testkit.Packets.suback5;
import static io.mqttx.broker.testkit.Packets.subscribe;
import static io.mqttx.broker.testkit.Packets.subscribe5;
import static io.mqttx.broker.testkit.Packets.u16;
import static io.mqttx.broker.testkit.Packets.unsubscribe;
import static io.mqttx.broker.testkit.Packets.userProperty;

import io.mqttx.broker.conformance.ConformanceCase.End;
import io.mqttx.broker.conformance.ConformanceCase.Step;
import io.mqttx.broker.testkit.Packets;
import java.util.ArrayList;
import java.util.List;

/**
 * The conformance tables: rows of {@code shared/MQTT-CHECKLIST.md} as raw bytes and the exact answer the spec asks
 * for. The row number of the checklist leads each name. Every case uses its own client id and topics, so the cases
 * of a table can run one after another against one broker (defaults: 1 MB maximum packet size, 256-character
 * client ids, 128 topic levels) in any order.
 */
public final class ConformanceCases {
    /**
     * A successful MQTT 5 CONNACK of mqttx with default limits: Receive Maximum 100, Topic Alias Maximum 10,
     * Maximum Packet Size 1 MB (in the order it writes them; another broker differs here, and only here).
     */
    public static final String V5_CONNACK_OK = Packets.packet(0x20, "00", "00", "0b",
            Packets.propU16(0x21, 100), Packets.propU16(0x22, 10), Packets.propU32(0x27, 1024 * 1024));

    private ConformanceCases() {
    }

    /** MQTT 3.1.1 (protocol level 4) and, where it differs, 3.1 (level 3, "MQIsdp"). */
    public static List<ConformanceCase> mqtt311() {
        Table t = new Table();

        // ---- row 1: reserved fixed-header flags [MQTT-2.2.2-1], [MQTT-2.2.2-2]
        t.violation("[1] MQTT-2.2.2-2 PINGREQ with flags 0001", "c100");
        t.violation("[1] MQTT-2.2.2-2 PINGREQ with flags 1000", "c800");
        t.violation("[1] MQTT-2.2.2-2 PUBACK with flags 0010", "42020001");
        t.violation("[1] MQTT-2.2.2-2 PUBREC with flags 0001", "51020001");
        t.violation("[1] MQTT-2.2.2-2 PUBCOMP with flags 1000", "78020001");
        t.refusedSilently("[1] MQTT-2.2.2-2 CONNECT with flags 0010 as first packet",
                cat("12", connect311(t.id()).substring(2)));

        // ---- row 2: PUBREL, SUBSCRIBE, UNSUBSCRIBE flags must be 0010
        t.violation("[2] MQTT-3.6.1-1 PUBREL with flags 0000", "60020001");
        t.violation("[2] MQTT-3.6.1-1 PUBREL with flags 0011", "63020001");
        t.violation("[2] MQTT-3.6.1-1 PUBREL with flags 1010", "6a020001");
        t.violation("[2] MQTT-3.8.1-1 SUBSCRIBE with flags 0000", cat("80", subscribe(1, "r2/a", 0).substring(2)));
        t.violation("[2] MQTT-3.8.1-1 SUBSCRIBE with flags 0011", cat("83", subscribe(1, "r2/a", 0).substring(2)));
        t.violation("[2] MQTT-3.8.1-1 SUBSCRIBE with flags 1010", cat("8a", subscribe(1, "r2/a", 0).substring(2)));
        t.violation("[2] MQTT-3.10.1-1 UNSUBSCRIBE with flags 0000", cat("a0", unsubscribe(1, "r2/a").substring(2)));
        t.violation("[2] MQTT-3.10.1-1 UNSUBSCRIBE with flags 0110", cat("a6", unsubscribe(1, "r2/a").substring(2)));

        // ---- row 3: DISCONNECT reserved bits
        t.violation("[3] MQTT-3.14.1-1 DISCONNECT with flags 0001", "e100");
        t.violation("[3] MQTT-3.14.1-1 DISCONNECT with flags 0010", "e200");
        t.violation("[3] MQTT-3.14.1-1 DISCONNECT with flags 1000", "e800");

        // ---- row 4: reserved packet types
        t.violation("[4] 2.2.1 packet type 0", "0000");
        t.violation("[4] 2.2.1 packet type 15 (AUTH) on a 3.1.1 connection", "f000");
        t.violation("[4] 2.2.1 packet type 15 with a body on a 3.1.1 connection", "f0020000");
        t.refusedSilently("[4] 2.2.1 packet type 0 as first packet", "0000");

        // ---- row 5, CVE-2021-28166: server-only packets from a client
        t.violation("[5] MQTT-4.8.0-1 CONNACK from a client", "20020000");
        t.violation("[5] MQTT-4.8.0-1 CVE-2021-28166 malformed CONNACK (short) from a client", "200100");
        t.violation("[5] MQTT-4.8.0-1 CVE-2021-28166 CONNACK with unknown return code from a client", "200200ff");
        t.violation("[5] MQTT-4.8.0-1 SUBACK from a client", "9003000100");
        t.violation("[5] MQTT-4.8.0-1 empty SUBACK from a client", "90020001");
        t.violation("[5] MQTT-4.8.0-1 UNSUBACK from a client", "b0020001");
        t.violation("[5] MQTT-4.8.0-1 PINGRESP from a client", "d000");
        t.refusedSilently("[5] MQTT-3.1.0-1 CVE-2021-28166 CONNACK as first packet", "20020000");

        // ---- row 6: Remaining Length longer than 4 bytes
        t.violation("[6] 2.2.3 Remaining Length of 5 bytes", "30ffffffff01");
        t.refusedSilently("[6] 2.2.3 CONNECT with a Remaining Length of 5 bytes", "108080808001");

        // ---- row 7: Remaining Length disagrees with the contents
        t.refusedSilently("[7] 2.2.3 CONNECT short: client id runs past the packet",
                connect("MQTT", 4, CLEAN, 60, cat(u16(5), "616263")));
        t.refusedSilently("[7] 2.2.3 CONNECT short: protocol name runs past the packet", "1004001" + "04d51");
        t.refusedSilently("[7] 2.2.3 CONNECT short: ends in the keepalive", packet(0x10, str("MQTT"), "04", "02", "00"));
        t.refusedSilently("[7] 2.2.3 CONNECT long: Remaining Length covers the next packet's bytes",
                cat("100f", str("MQTT"), "04", "02", "003c", str("a"), "c000"));
        t.violation("[7] 2.2.3 PUBLISH short: topic runs past the packet", "3003000561");
        t.violation("[7] 2.2.3 PUBLISH QoS 1 short: no room for the packet id", cat("32", "03", str("a")));
        t.violation("[7] 2.2.3 PINGREQ long", "c00100");
        t.violation("[7] 2.2.3 SUBSCRIBE short: filter runs past the packet", "8206000100056100");
        t.violation("[7] 2.2.3 SUBSCRIBE short: options byte missing", "820500010001" + "61");
        t.violation("[7] 2.2.3 UNSUBSCRIBE short: filter runs past the packet", "a20500010005" + "61");
        t.violation("[7] 2.2.3 PUBACK short", "400100");
        t.violation("[7] 2.2.3 PUBACK long (3.1.1 has no reason code)", "4003000100");
        t.violation("[7] 2.2.3 PUBREL long (3.1.1 has no reason code)", "6203000100");
        t.violation("[7] 2.2.3 DISCONNECT long (3.1.1 has no reason code)", "e00100");

        // ---- row 8: bigger than the maximum packet size, decided from the header
        t.violation("[8] MQTT-3.2.2-15 PUBLISH claiming 256 MB - 1", cat("30ffffff7f", str("a")));
        t.violation("[8] MQTT-3.2.2-15 PUBLISH one byte over the maximum packet size",
                cat("30", Packets.vbi(1024 * 1024 - 3), str("a")));
        t.refusedSilently("[8] MQTT-3.2.2-15 CONNECT claiming 256 MB - 1", cat("10ffffff7f", str("MQTT")));

        // ---- row 9: ill-formed UTF-8 [MQTT-1.5.3-1]
        t.refusedSilently("[9] MQTT-1.5.3-1 client id with an ill-formed sequence",
                connect("MQTT", 4, CLEAN, 60, raw("61c328")));
        t.refusedSilently("[9] MQTT-1.5.3-1 client id with an encoded surrogate U+D800",
                connect("MQTT", 4, CLEAN, 60, raw("61eda080")));
        t.refusedSilently("[9] MQTT-1.5.3-1 user name with a lone continuation byte",
                connect("MQTT", 4, CLEAN | 0x80, 60, cat(str(t.id()), raw("6180"))));
        t.refusedSilently("[9] MQTT-1.5.3-1 will topic with an overlong '/' (C0 AF)",
                connect("MQTT", 4, CLEAN | 0x04, 60, cat(str(t.id()), raw("61c0af"), str("w"))));
        t.violation("[9] MQTT-1.5.3-1 PUBLISH topic with an encoded surrogate U+DFFF",
                packet(0x30, raw("61edbfbf"), "78"));
        t.violation("[9] MQTT-1.5.3-1 PUBLISH topic with byte FF", packet(0x30, raw("61ff"), "78"));
        t.violation("[9] MQTT-1.5.3-1 SUBSCRIBE filter with an ill-formed sequence",
                packet(0x82, u16(1), raw("61e282"), "00"));
        t.violation("[9] MQTT-1.5.3-1 UNSUBSCRIBE filter with an encoded surrogate",
                packet(0xa2, u16(1), raw("eda080")));

        // ---- row 10: U+0000 [MQTT-1.5.3-2]
        t.refusedSilently("[10] MQTT-1.5.3-2 client id with U+0000", connect("MQTT", 4, CLEAN, 60, raw("610062")));
        t.refusedSilently("[10] MQTT-1.5.3-2 user name with U+0000",
                connect("MQTT", 4, CLEAN | 0x80, 60, cat(str(t.id()), raw("7500"))));
        t.violation("[10] MQTT-1.5.3-2 PUBLISH topic with U+0000", packet(0x30, raw("610062"), "78"));
        t.violation("[10] MQTT-1.5.3-2 SUBSCRIBE filter with U+0000", packet(0x82, u16(1), raw("6100"), "00"));

        // ---- row 11: disallowed code points (1.5.3): mqttx refuses them as malformed in client ids, user names,
        // topic names and topic filters (a 3.1.1 server just closes)
        t.refusedSilently("[11] 1.5.3 client id with U+0001", connect("MQTT", 4, CLEAN, 60, raw("6101")));
        t.refusedSilently("[11] 1.5.3 user name with U+007F",
                connect("MQTT", 4, CLEAN | 0x80, 60, cat(str(t.id()), raw("757f"))));
        t.refusedSilently("[11] 1.5.3 will topic with U+0007",
                connect("MQTT", 4, CLEAN | 0x04, 60, cat(str(t.id()), raw("7707"), str("x"))));
        t.violation("[11] 1.5.3 PUBLISH topic with U+0085 (C2 85)", packet(0x30, raw("61c285"), "78"));
        t.violation("[11] 1.5.3 SUBSCRIBE filter with the non-character U+FFFF",
                packet(0x82, u16(1), raw("61efbfbf"), "00"));
        t.violation("[11] 1.5.3 UNSUBSCRIBE filter with the non-character U+FDD0",
                packet(0xa2, u16(1), raw("61efb790")));
        String r11 = "r11/" + t.id() + "/\u00A0\u00E9"; // U+00A0 (after the C1 range) and U+00E9 are allowed
        t.open("[11] 1.5.3 code points just outside the refused ranges are accepted",
                new Step(connect311(t.id()), CONNACK_OK),
                new Step(subscribe(1, r11, 0), suback(1, 0)),
                new Step(publish(r11, "hi"), publish(r11, "hi")));

        // ---- row 12: a BOM is an ordinary character [MQTT-1.5.3-3]
        String bomTopic = "\uFEFFr12/bom";
        t.open("[12] MQTT-1.5.3-3 BOM in a topic is kept, not stripped",
                new Step(connect311(t.id()), CONNACK_OK),
                new Step(subscribe(1, bomTopic, 0), suback(1, 0)),
                new Step(publish(bomTopic, "hi"), publish(bomTopic, "hi")));

        // ---- row 15: first packet not CONNECT [MQTT-3.1.0-1], no reply
        t.refusedSilently("[15] MQTT-3.1.0-1 PUBLISH first", publish("r15/a", "x"));
        t.refusedSilently("[15] MQTT-3.1.0-1 PINGREQ first", "c000");
        t.refusedSilently("[15] MQTT-3.1.0-1 SUBSCRIBE first", subscribe(1, "r15/a", 0));
        t.refusedSilently("[15] MQTT-3.1.0-1 DISCONNECT first", "e000");
        t.refusedSilently("[15] MQTT-3.1.0-1 CVE-2023-0809 PUBLISH first claiming 256 MB", "30ffffff7f");

        // ---- row 16: second CONNECT [MQTT-3.1.0-2]
        t.violation("[16] MQTT-3.1.0-2 second CONNECT, same client id", null);
        t.violation("[16] MQTT-3.1.0-2 second CONNECT, other client id", connect311(t.id()));

        // ---- row 17: protocol name [MQTT-3.1.2-1]: not MQTT, so not answered as MQTT
        t.refusedSilently("[17] MQTT-3.1.2-1 protocol name MQTX", connect("MQTX", 4, CLEAN, 60, str(t.id())));
        t.refusedSilently("[17] MQTT-3.1.2-1 protocol name mqtt (case matters)",
                connect("mqtt", 4, CLEAN, 60, str(t.id())));
        t.refusedSilently("[17] MQTT-3.1.2-1 empty protocol name", connect("", 4, CLEAN, 60, str(t.id())));
        t.open("[17] 3.1 protocol name MQIsdp with level 3 is MQTT 3.1",
                new Step(connect31(t.id()), CONNACK_OK), new Step("c000", "d000"));

        // ---- row 18: unsupported protocol level [MQTT-3.1.2-2]: CONNACK 0x01, then close
        for (int level : new int[] {0, 1, 2, 3, 6, 7, 0x84, 0xff}) {
            t.closed("[18] MQTT-3.1.2-2 MQTT with protocol level " + level,
                    connect("MQTT", level, CLEAN, 60, str(t.id())), "20020001");
        }
        t.closed("[18] MQTT-3.1.2-2 MQIsdp with protocol level 4",
                connect("MQIsdp", 4, CLEAN, 60, str(t.id())), "20020001");

        // ---- row 19: CONNECT reserved flag [MQTT-3.1.2-3]
        t.refusedSilently("[19] MQTT-3.1.2-3 CONNECT reserved flag set", connect("MQTT", 4, 0x03, 60, str(t.id())));

        // ---- row 20: will QoS / retain without the will flag [MQTT-3.1.2-11], will fields without the flag
        t.refusedSilently("[20] MQTT-3.1.2-11 will QoS 1 without the will flag",
                connect("MQTT", 4, CLEAN | 0x08, 60, str(t.id())));
        t.refusedSilently("[20] MQTT-3.1.2-11 will QoS 2 without the will flag",
                connect("MQTT", 4, CLEAN | 0x10, 60, str(t.id())));
        t.refusedSilently("[20] MQTT-3.1.2-11 will retain without the will flag",
                connect("MQTT", 4, CLEAN | 0x20, 60, str(t.id())));
        t.refusedSilently("[20] MQTT-3.1.2-11 will topic and message without the will flag",
                connect("MQTT", 4, CLEAN, 60, cat(str(t.id()), str("w"), str("x"))));

        // ---- row 21: will QoS 3 [MQTT-3.1.2-14]
        t.refusedSilently("[21] MQTT-3.1.2-14 will QoS 3",
                connect("MQTT", 4, CLEAN | 0x04 | 0x18, 60, cat(str(t.id()), str("w"), str("x"))));

        // ---- row 22: will flag without will topic / message [MQTT-3.1.2-9]
        t.refusedSilently("[22] MQTT-3.1.2-9 will flag, no will topic or message",
                connect("MQTT", 4, CLEAN | 0x04, 60, str(t.id())));
        t.refusedSilently("[22] MQTT-3.1.2-9 will flag, will topic but no message",
                connect("MQTT", 4, CLEAN | 0x04, 60, cat(str(t.id()), str("w"))));

        // ---- row 23: user name / password flags and fields disagree [MQTT-3.1.2-18..21]
        t.refusedSilently("[23] MQTT-3.1.2-19 user name flag, no user name",
                connect("MQTT", 4, CLEAN | 0x80, 60, str(t.id())));
        t.refusedSilently("[23] MQTT-3.1.2-18 user name without the flag",
                connect("MQTT", 4, CLEAN, 60, cat(str(t.id()), str("u"))));
        t.refusedSilently("[23] MQTT-3.1.2-21 password flag, no password",
                connect("MQTT", 4, CLEAN | 0xc0, 60, cat(str(t.id()), str("u"))));
        t.refusedSilently("[23] MQTT-3.1.2-20 password without the flag",
                connect("MQTT", 4, CLEAN | 0x80, 60, cat(str(t.id()), str("u"), str("p"))));

        // ---- row 24: password flag without user name flag [MQTT-3.1.2-22]
        t.refusedSilently("[24] MQTT-3.1.2-22 password flag without user name flag",
                connect("MQTT", 4, CLEAN | 0x40, 60, cat(str(t.id()), str("p"))));

        // ---- row 25: client identifier missing [MQTT-3.1.3-3], [MQTT-3.1.4-1]
        t.refusedSilently("[25] MQTT-3.1.3-3 CONNECT without a payload", connect("MQTT", 4, CLEAN, 60, ""));
        t.refusedSilently("[25] MQTT-3.1.3-3 client id length with one byte", connect("MQTT", 4, CLEAN, 60, "00"));

        // ---- row 26: zero-length client id [MQTT-3.1.3-6..8]
        t.open("[26] MQTT-3.1.3-6 zero-length client id with clean session is accepted and served",
                new Step(connect311(""), CONNACK_OK),
                new Step(subscribe(3, "r26/a", 1), suback(3, 1)),
                new Step(publish("r26/a", "z"), publish("r26/a", "z")));
        t.closed("[26] MQTT-3.1.3-8 zero-length client id without clean session: CONNACK 0x02",
                connect("MQTT", 4, 0, 60, str("")), "20020002");
        t.closed("[26] 3.1 zero-length client id: CONNACK 0x02", connect31(""), "20020002");

        // ---- row 27: client identifiers the server must accept, and one it rejects [MQTT-3.1.3-5], [MQTT-3.1.3-9]
        t.open("[27] MQTT-3.1.3-5 one-character client id accepted", new Step(connect311("z"), CONNACK_OK));
        t.open("[27] MQTT-3.1.3-5 23-character [0-9a-zA-Z] client id accepted",
                new Step(connect311("0123456789abcdefghijXYZ"), CONNACK_OK));
        t.closed("[27] MQTT-3.1.3-9 client id over the configured 256 characters: CONNACK 0x02",
                connect311("i".repeat(257)), "20020002");

        // ---- row 35: PUBLISH QoS 3 [MQTT-3.3.1-4]
        t.violation("[35] MQTT-3.3.1-4 PUBLISH with QoS 3", cat("36", publish(2, "r35/a", 1, "78").substring(2)));
        t.violation("[35] MQTT-3.3.1-4 PUBLISH with QoS 3 and DUP", cat("3e", publish(2, "r35/a", 1, "78")
                .substring(2)));

        // ---- row 36: DUP on QoS 0 [MQTT-3.3.1-2]
        t.violation("[36] MQTT-3.3.1-2 QoS 0 PUBLISH with DUP", publish(0x08, "r36/a", 0, "78"));

        // ---- row 37: wildcards in a topic name [MQTT-3.3.2-2], [MQTT-4.7.1-1]
        for (String topic : new String[] {"r37/+", "r37/#", "+", "#", "r37/a+b"}) {
            t.violation("[37] MQTT-3.3.2-2 PUBLISH to '" + topic + "'", publish(0, topic, 0, "78"));
        }

        // ---- row 38, CVE-2021-34432: zero-length topic [MQTT-4.7.3-1]
        t.violation("[38] MQTT-4.7.3-1 CVE-2021-34432 PUBLISH QoS 0 with a zero-length topic", "3003000078");
        t.violation("[38] MQTT-4.7.3-1 CVE-2021-34432 PUBLISH QoS 1 with a zero-length topic", "320500000001" + "78");

        // ---- row 39: packet identifier 0 [MQTT-2.3.1-1]
        t.violation("[39] MQTT-2.3.1-1 PUBLISH QoS 1 with packet id 0", publish(0x02, "r39/a", 0, "78"));
        t.violation("[39] MQTT-2.3.1-1 PUBLISH QoS 2 with packet id 0", publish(0x04, "r39/a", 0, "78"));
        t.violation("[39] MQTT-2.3.1-1 SUBSCRIBE with packet id 0", subscribe(0, "r39/a", 0));
        t.violation("[39] MQTT-2.3.1-1 UNSUBSCRIBE with packet id 0", unsubscribe(0, "r39/a"));

        // ---- row 48 (3.1.1 parts): acks out of the flow
        t.violation("[48] MQTT-2.3.1-1 PUBACK with packet id 0", ack(0x40, 0));
        t.violation("[48] MQTT-2.3.1-1 PUBREL with packet id 0", ack(0x62, 0));
        t.open("[48] 4.3.3 PUBREL for an unknown packet id is answered with PUBCOMP",
                new Step(connect311(t.id()), CONNACK_OK), new Step(ack(0x62, 9), ack(0x70, 9)));
        String r48a = "r48/" + t.id() + "/t";
        t.closed("[48] 4.3.2 PUBREC for a QoS 1 delivery",
                List.of(new Step(connect311(t.id()), CONNACK_OK),
                        new Step(publish(0x03, r48a, 5, "31"), ack(0x40, 5)),
                        new Step(subscribe(1, r48a, 1), cat(suback(1, 1), publish(0x03, r48a, 1, "31"))),
                        new Step(ack(0x50, 1), "")));
        String r48b = "r48/" + t.id() + "/t";
        t.closed("[48] 4.3.3 PUBACK for a QoS 2 delivery",
                List.of(new Step(connect311(t.id()), CONNACK_OK),
                        new Step(publish(0x05, r48b, 5, "32"), ack(0x50, 5)),
                        new Step(ack(0x62, 5), ack(0x70, 5)),
                        new Step(subscribe(1, r48b, 2), cat(suback(1, 2), publish(0x05, r48b, 1, "32"))),
                        new Step(ack(0x40, 1), "")));
        String r48c = "r48/" + t.id() + "/t";
        t.closed("[48] 4.3.3 PUBCOMP before PUBREC for a QoS 2 delivery",
                List.of(new Step(connect311(t.id()), CONNACK_OK),
                        new Step(publish(0x05, r48c, 5, "33"), ack(0x50, 5)),
                        new Step(ack(0x62, 5), ack(0x70, 5)),
                        new Step(subscribe(1, r48c, 2), cat(suback(1, 2), publish(0x05, r48c, 1, "33"))),
                        new Step(ack(0x70, 1), "")));
        String r48d = "r48/" + t.id() + "/t";
        t.open("[48] 4.3.3 a QoS 2 delivery completes: PUBREC, PUBREL, PUBCOMP",
                new Step(connect311(t.id()), CONNACK_OK),
                new Step(publish(0x05, r48d, 5, "34"), ack(0x50, 5)),
                new Step(ack(0x62, 5), ack(0x70, 5)),
                new Step(subscribe(1, r48d, 2), cat(suback(1, 2), publish(0x05, r48d, 1, "34"))),
                new Step(ack(0x50, 1), ack(0x62, 1)),
                new Step(ack(0x70, 1), ""),
                new Step("c000", "d000"));

        // ---- row 49: SUBSCRIBE / UNSUBSCRIBE without a topic filter [MQTT-3.8.3-3], [MQTT-3.10.3-2]
        t.violation("[49] MQTT-3.8.3-3 SUBSCRIBE without a topic filter", "82020001");
        t.violation("[49] MQTT-3.10.3-2 UNSUBSCRIBE without a topic filter", "a2020001");

        // ---- row 50: reserved subscription option bits, QoS 3 [MQTT-3-8.3-4]
        for (int options : new int[] {0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xc1}) {
            t.violation("[50] MQTT-3-8.3-4 SUBSCRIBE options 0x" + Integer.toHexString(options),
                    subscribe(1, "r50/a", options));
        }
        t.violation("[50] MQTT-3-8.3-4 SUBSCRIBE with QoS 3", subscribe(1, "r50/a", 3));
        t.violation("[50] MQTT-3-8.3-4 reserved bits in the second of two subscriptions",
                subscribe(1, "r50/a", 1, "r50/b", 0x41));

        // ---- row 51: invalid topic filters fail one by one [MQTT-4.7.1-2], [MQTT-4.7.1-3], [MQTT-4.7.3-1]
        for (String filter : new String[] {"r51/#/b", "r51#", "r51/a#", "r51+", "r51/+a", "+a/b", "#/", ""}) {
            t.open("[51] MQTT-4.7.1-2/3 invalid filter '" + filter + "': SUBACK 0x80",
                    new Step(connect311(t.id()), CONNACK_OK),
                    new Step(subscribe(7, filter, 0), suback(7, 0x80)));
        }
        t.open("[51] MQTT-3.9.3-1 valid and invalid filters in one SUBSCRIBE, each answered",
                new Step(connect311(t.id()), CONNACK_OK),
                new Step(subscribe(8, "r51/x", 1, "r51/#/x", 0, "r51/+/y", 2), suback(8, 1, 0x80, 2)));

        // ---- row 56: wildcard-leading filters do not match $ topics [MQTT-4.7.2-1]
        t.open("[56] MQTT-4.7.2-1 '+' and '+/x' do not match '$r56' and '$r56/x'",
                new Step(connect311(t.id()), CONNACK_OK),
                new Step(subscribe(1, "+", 0, "+/x", 0), suback(1, 0, 0)),
                new Step(cat(publish("$r56", "d"), publish("$r56/x", "d"), publish("r56/x", "n")),
                        publish("r56/x", "n")));
        return t.cases;
    }

    /**
     * Row 28, [MQTT-3.2.2-5], [MQTT-3.1.4-5]: refused credentials. For a broker whose authenticator lets in user
     * {@code alice} with password {@code secret}, refuses user {@code mallory} as not authorized, and refuses every
     * other CONNECT as bad user name or password.
     */
    public static List<ConformanceCase> mqtt311Authentication() {
        Table t = new Table();
        String good = cat(str("alice"), str("secret"));
        t.open("[28] right user name and password: CONNACK 0x00",
                new Step(connect("MQTT", 4, CLEAN | 0xc0, 60, cat(str(t.id()), good)), CONNACK_OK));
        t.closed("[28] MQTT-3.2.2-5 wrong password: CONNACK 0x04, then close",
                connect("MQTT", 4, CLEAN | 0xc0, 60, cat(str(t.id()), str("alice"), str("guess"))), "20020004");
        t.closed("[28] MQTT-3.2.2-5 no credentials: CONNACK 0x04, then close",
                connect311(t.id()), "20020004");
        t.closed("[28] MQTT-3.2.2-5 user not authorized: CONNACK 0x05, then close",
                connect("MQTT", 4, CLEAN | 0xc0, 60, cat(str(t.id()), str("mallory"), str("secret"))), "20020005");
        t.closed("[28] MQTT-3.2.2-4 session present is 0 on a refusal, even for a persistent session",
                connect("MQTT", 4, 0xc0, 60, cat(str(t.id()), str("alice"), str("guess"))), "20020004");
        t.closed("[28] MQTT-3.1.4-5 nothing after a refused CONNECT is processed",
                cat(connect311(t.id()), Packets.PINGREQ, subscribe(1, "r28/a", 0), publish("r28/a", "x")),
                "20020004");
        return t.cases;
    }

    /**
     * MQTT 5 (protocol level 5): refusals answered with CONNACK or DISCONNECT reason codes. For a broker with the
     * default limits: Receive Maximum 100, Maximum Packet Size 1 MB, Topic Alias Maximum 10, QoS 2 and retain
     * available, so its successful CONNACK is {@link #V5_CONNACK_OK}.
     */
    public static List<ConformanceCase> mqtt5() {
        Table t = new Table();

        // ---- row 1: reserved fixed-header flags [MQTT-2.1.3-1]
        t.violation5("[1] MQTT-2.1.3-1 PINGREQ with flags 0001", "c100", 0x81);
        t.violation5("[1] MQTT-2.1.3-1 PUBACK with flags 0010", "42020001", 0x81);
        t.violation5("[1] MQTT-2.1.3-1 PUBCOMP with flags 1000", "78020001", 0x81);

        // ---- row 2: PUBREL, SUBSCRIBE, UNSUBSCRIBE flags must be 0010
        t.violation5("[2] MQTT-3.6.1-1 PUBREL with flags 0000", "60020001", 0x81);
        t.violation5("[2] MQTT-3.8.1-1 SUBSCRIBE with flags 0000",
                cat("80", subscribe5(1, "", "r2/a", 0).substring(2)), 0x81);
        t.violation5("[2] MQTT-3.10.1-1 UNSUBSCRIBE with flags 0011",
                cat("a3", packet(0xa2, u16(1), "00", str("r2/a")).substring(2)), 0x81);

        // ---- row 3: DISCONNECT and AUTH reserved bits [MQTT-3.14.1-1], [MQTT-3.15.1-1]
        t.violation5("[3] MQTT-3.14.1-1 DISCONNECT with flags 0001", "e100", 0x81);
        t.violation5("[3] MQTT-3.15.1-1 AUTH with flags 0100", "f400", 0x81);

        // ---- row 4: reserved packet type 0
        t.violation5("[4] 2.1.2 packet type 0", "0000", 0x81);

        // ---- row 5: server-only packets from a client [MQTT-4.8.0-1] (CVE-2021-28166)
        t.violation5("[5] MQTT-4.8.0-1 CONNACK from a client", connack5(0), 0x82);
        t.violation5("[5] MQTT-4.8.0-1 CVE-2021-28166 malformed CONNACK from a client", "200100", 0x82);
        t.violation5("[5] MQTT-4.8.0-1 SUBACK from a client", suback5(1, 0), 0x82);
        t.violation5("[5] MQTT-4.8.0-1 UNSUBACK from a client", "b00400010000", 0x82);
        t.violation5("[5] MQTT-4.8.0-1 PINGRESP from a client", "d000", 0x82);

        // ---- row 6: Remaining Length over 4 bytes, or not minimally encoded [MQTT-1.5.5-1]
        t.violation5("[6] 1.5.5 Remaining Length of 5 bytes", "30ffffffff01", 0x81);
        t.violation5("[6] MQTT-1.5.5-1 PINGREQ with Remaining Length 0 in two bytes", "c08000", 0x81);
        t.violation5("[6] MQTT-1.5.5-1 PUBLISH with Remaining Length 5 in two bytes",
                cat("308500", str("a"), "00", "78"), 0x81);
        t.violation5("[6] MQTT-1.5.5-1 PUBLISH with Property Length 0 in two bytes",
                cat("3006", str("a"), "8000", "78"), 0x81);
        t.closed("[6] MQTT-1.5.5-1 CONNECT with a Remaining Length not minimally encoded: CONNACK 0x81",
                Packets.withTwoByteLength(connect5(t.id())),
                connack5(0x81));

        // ---- row 7: Remaining Length disagrees with the contents
        t.violation5("[7] 2.1.4 PUBLISH short: topic runs past the packet", "3003000561", 0x81);
        t.violation5("[7] 2.2.2.1 CVE-2026-44248 Property Length far beyond the Remaining Length",
                cat("3008", str("a"), "ffffff7f", "78"), 0x81);
        t.violation5("[7] 2.2.2.1 a property runs past the Property Length",
                cat("300a", str("a"), "02", "0200000001", "78"), 0x81);
        t.violation5("[7] 2.1.4 PUBACK long: bytes after the properties", "40050001000000", 0x81);
        t.violation5("[7] 2.1.4 DISCONNECT long: bytes after the properties", "e003000000", 0x81);
        t.closed("[7] 2.1.4 CONNECT short: client id runs past the packet: CONNACK 0x81",
                connect5(CLEAN, 60, "", cat(u16(9), "6162")), connack5(0x81));

        // ---- row 8: bigger than the server's Maximum Packet Size [MQTT-3.2.2-15]
        t.violation5("[8] MQTT-3.2.2-15 PUBLISH claiming 256 MB", cat("30ffffff7f", str("a")), 0x95);
        t.violation5("[8] MQTT-3.2.2-15 PUBLISH one byte over the 1 MB maximum",
                cat("30", Packets.vbi(1024 * 1024 - 3), str("a")), 0x95);

        // ---- row 9: ill-formed UTF-8 [MQTT-1.5.4-1]
        t.closed("[9] MQTT-1.5.4-1 client id with an ill-formed sequence: CONNACK 0x81",
                connect5(CLEAN, 60, "", raw("61c328")), connack5(0x81));
        t.violation5("[9] MQTT-1.5.4-1 PUBLISH topic with byte FF", packet(0x30, raw("61ff"), "00", "78"), 0x81);
        t.violation5("[9] MQTT-1.5.4-1 SUBSCRIBE filter with an encoded surrogate U+D800",
                packet(0x82, u16(1), "00", raw("61eda080"), "00"), 0x81);

        // ---- row 10: U+0000 [MQTT-1.5.4-2]
        t.closed("[10] MQTT-1.5.4-2 client id with U+0000: CONNACK 0x81",
                connect5(CLEAN, 60, "", raw("610062")), connack5(0x81));
        t.violation5("[10] MQTT-1.5.4-2 PUBLISH topic with U+0000", packet(0x30, raw("610062"), "00", "78"), 0x81);

        // ---- row 11: disallowed code points (1.5.4): malformed in client ids, user names, topics and filters;
        // strings the broker only forwards (user properties) pass unchanged
        t.closed("[11] 1.5.4 client id with U+001F: CONNACK 0x81",
                connect5(CLEAN, 60, "", raw("611f")), connack5(0x81));
        t.closed("[11] 1.5.4 user name with U+0080: CONNACK 0x81",
                connect5(CLEAN | 0x80, 60, "", cat(str(t.id()), raw("75c280"))), connack5(0x81));
        t.closed("[11] 1.5.4 will topic with U+0007: CONNACK 0x81",
                connect5(CLEAN | 0x04, 60, "", cat(str(t.id()), "00", str("w\u0007"), str("x"))), connack5(0x81));
        t.violation5("[11] 1.5.4 PUBLISH topic with U+0009", publish5(0, "r11/\t", 0, "", "78"), 0x81);
        t.violation5("[11] 1.5.4 SUBSCRIBE filter with the non-character U+10FFFF",
                subscribe5(1, "", "r11/\uDBFF\uDFFF", 0), 0x81);
        t.violation5("[11] 1.5.4 UNSUBSCRIBE filter with the non-character U+FDEF",
                packet(0xa2, u16(1), "00", str("r11/\uFDEF")), 0x81);
        String r11 = "r11/" + t.id();
        t.open("[11] 1.5.4 a user property with U+0001 is forwarded unchanged",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", r11, 0), suback5(1, 0)),
                new Step(publish5(0, r11, 0, userProperty("k", "\u0001"), "78"),
                        publish5(0, r11, 0, userProperty("k", "\u0001"), "78")));

        // ---- row 12: a BOM is an ordinary character [MQTT-1.5.4-3]
        String bom5 = "\uFEFFr12/" + t.id();
        t.open("[12] MQTT-1.5.4-3 BOM in a topic is kept, not stripped",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", bom5, 0), suback5(1, 0)),
                new Step(publish5(0, bom5, 0, "", "6869"), publish5(0, bom5, 0, "", "6869")));

        // ---- row 13: bad UTF-8 string pair; property not allowed in the packet [MQTT-1.5.7-1], 2.2.2.2
        t.violation5("[13] MQTT-1.5.7-1 user property name with ill-formed UTF-8",
                publish5(0, "r13/a", 0, cat("26", raw("ff"), str("v")), "78"), 0x81);
        t.violation5("[13] MQTT-1.5.7-1 user property value with U+0000",
                publish5(0, "r13/a", 0, cat("26", str("k"), raw("00")), "78"), 0x81);
        t.violation5("[13] 2.2.2.2 Session Expiry Interval in a PUBLISH",
                publish5(0, "r13/a", 0, propU32(0x11, 10), "78"), 0x81);
        t.violation5("[13] 2.2.2.2 Topic Alias Maximum in a SUBSCRIBE",
                subscribe5(1, propU16(0x22, 5), "r13/a", 0), 0x81);
        t.violation5("[13] 2.2.2.2 unknown property 0x7f in a PUBLISH",
                publish5(0, "r13/a", 0, "7f00", "78"), 0x81);
        t.violation5("[13] 2.2.2.2 Assigned Client Identifier (server-only) in a DISCONNECT",
                packet(0xe0, "00", Packets.vbi(4), propString(0x12, "x")), 0x81);
        t.closed("[13] 2.2.2.2 Topic Alias in a CONNECT: CONNACK 0x81",
                connect5(CLEAN, 60, propU16(0x23, 1), str(t.id())), connack5(0x81));
        t.closed("[13] 2.2.2.2 Receive Maximum among will properties: CONNACK 0x81",
                connect5(CLEAN | 0x04, 60, "", cat(str(t.id()), "03", propU16(0x21, 5), str("w"), str("x"))),
                connack5(0x81));

        // ---- row 14: a property twice (2.2.2.2)
        t.violation5("[14] 3.3.2.3 Message Expiry Interval twice in a PUBLISH",
                publish5(0, "r14/a", 0, cat(propU32(0x02, 10), propU32(0x02, 20)), "78"), 0x82);
        t.violation5("[14] 3.3.2.3 Content Type twice in a PUBLISH",
                publish5(0, "r14/a", 0, cat(propString(0x03, "a"), propString(0x03, "b")), "78"), 0x82);
        t.violation5("[14] 3.8.2.1 Subscription Identifier twice in a SUBSCRIBE",
                subscribe5(1, cat(propVbi(0x0b, 1), propVbi(0x0b, 2)), "r14/a", 0), 0x82);
        t.violation5("[14] 3.4.2.2 Reason String twice in a PUBACK",
                packet(0x40, u16(1), "00", Packets.vbi(8), propString(0x1f, "a"), propString(0x1f, "b")), 0x82);
        t.closed("[14] 3.1.2.11 Session Expiry Interval twice in a CONNECT: CONNACK 0x82",
                connect5(CLEAN, 60, cat(propU32(0x11, 1), propU32(0x11, 2)), str(t.id())), connack5(0x82));
        t.closed("[14] 3.1.3.2 Will Delay Interval twice in the will properties: CONNACK 0x82",
                connect5(CLEAN | 0x04, 60, "", cat(str(t.id()), "0a", propU32(0x18, 1), propU32(0x18, 2),
                        str("w"), str("x"))), connack5(0x82));
        String r14 = "r14/" + t.id();
        t.open("[14] 3.3.2.3.7 User Property may appear more than once, and is forwarded in order",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", r14, 0), suback5(1, 0)),
                new Step(publish5(0, r14, 0, cat(userProperty("k", "1"), userProperty("k", "2")), "78"),
                        publish5(0, r14, 0, cat(userProperty("k", "1"), userProperty("k", "2")), "78")));

        // ---- row 16: second CONNECT [MQTT-3.1.0-2]
        t.violation5("[16] MQTT-3.1.0-2 second CONNECT", null, 0x82);

        // ---- rows 17, 18: protocol name and level
        t.refusedSilently("[17] MQTT-3.1.2-1 protocol name MQTX at level 5",
                connect("MQTX", 5, CLEAN, 60, cat("00", str(t.id()))));

        // ---- rows 19-27 for MQTT 5: CONNECT flags and client identifier
        t.closed("[19] MQTT-3.1.2-3 CONNECT reserved flag: CONNACK 0x81",
                connect5(0x03, 60, "", str(t.id())), connack5(0x81));
        t.closed("[20] MQTT-3.1.2-11 will QoS without the will flag: CONNACK 0x81",
                connect5(CLEAN | 0x08, 60, "", str(t.id())), connack5(0x81));
        t.closed("[21] MQTT-3.1.2-12 will QoS 3: CONNACK 0x81",
                connect5(CLEAN | 0x1c, 60, "", cat(str(t.id()), "00", str("w"), str("x"))), connack5(0x81));
        t.closed("[22] MQTT-3.1.2-9 will flag without will properties, topic, payload: CONNACK 0x81",
                connect5(CLEAN | 0x04, 60, "", str(t.id())), connack5(0x81));
        t.closed("[23] MQTT-3.1.2-17 user name flag, no user name: CONNACK 0x81",
                connect5(CLEAN | 0x80, 60, "", str(t.id())), connack5(0x81));
        t.closed("[23] MQTT-3.1.2-19 password flag, no password: CONNACK 0x81",
                connect5(CLEAN | 0xc0, 60, "", cat(str(t.id()), str("u"))), connack5(0x81));
        t.open("[24] 3.1.2.9 a password without a user name is allowed in MQTT 5",
                new Step(connect5(CLEAN | 0x40, 60, "", cat(str(t.id()), str("p"))), V5_CONNACK_OK));
        t.closed("[25] MQTT-3.1.3-3 CONNECT without a payload: CONNACK 0x81", connect5(CLEAN, 60, "", ""),
                connack5(0x81));
        t.closed("[27] MQTT-3.1.3-8 client id over the configured 256 characters: CONNACK 0x85",
                connect5("i".repeat(257)), connack5(0x85));

        // ---- row 29: CONNECT property values that are Protocol Errors (3.1.2.11)
        t.closed("[29] 3.1.2.11.3 Receive Maximum 0: CONNACK 0x82",
                connect5(CLEAN, 60, propU16(0x21, 0), str(t.id())), connack5(0x82));
        t.closed("[29] 3.1.2.11.4 Maximum Packet Size 0: CONNACK 0x82",
                connect5(CLEAN, 60, propU32(0x27, 0), str(t.id())), connack5(0x82));
        t.closed("[29] 3.1.2.11.7 Request Problem Information 2: CONNACK 0x82",
                connect5(CLEAN, 60, propByte(0x17, 2), str(t.id())), connack5(0x82));
        t.closed("[29] 3.1.2.11.6 Request Response Information 2: CONNACK 0x82",
                connect5(CLEAN, 60, propByte(0x19, 2), str(t.id())), connack5(0x82));
        t.closed("[29] 3.1.2.11.10 Authentication Data without Authentication Method: CONNACK 0x82",
                connect5(CLEAN, 60, propBinary(0x16, "0102"), str(t.id())), connack5(0x82));

        // ---- row 30: enhanced authentication this server does not offer [MQTT-4.12.0-1]
        t.closed("[30] MQTT-4.12.0-1 unsupported Authentication Method: CONNACK 0x8C",
                connect5(CLEAN, 60, propString(0x15, "SCRAM-SHA-256"), str(t.id())), connack5(0x8c));
        t.violation5("[30] 4.12 AUTH without an Authentication Method in the CONNECT", "f000", 0x82);
        t.violation5("[30] 4.12 AUTH with reason code 0x19 (re-authenticate) without a method", "f0021900", 0x82);

        // ---- rows 35-37: PUBLISH flags and topic
        t.violation5("[35] MQTT-3.3.1-4 PUBLISH with QoS 3",
                cat("36", publish5(2, "r35/a", 1, "", "78").substring(2)), 0x81);
        t.violation5("[36] MQTT-3.3.1-2 QoS 0 PUBLISH with DUP", publish5(0x08, "r36/a", 0, "", "78"), 0x81);
        t.violation5("[37] MQTT-3.3.2-2 PUBLISH to a topic with '+'", publish5(0, "r37/+", 0, "", "78"), 0x81);

        // ---- row 38: zero-length topic without a Topic Alias (3.3.2.1), CVE-2021-34432
        t.violation5("[38] 3.3.2.1 CVE-2021-34432 zero-length topic, no Topic Alias",
                publish5(0, "", 0, "", "78"), 0x82);

        // ---- row 39: packet identifier 0 [MQTT-2.2.1-3]
        t.violation5("[39] MQTT-2.2.1-3 PUBLISH QoS 1 with packet id 0", publish5(0x02, "r39/a", 0, "", "78"), 0x82);
        t.violation5("[39] MQTT-2.2.1-3 SUBSCRIBE with packet id 0", subscribe5(0, "", "r39/a", 0), 0x82);
        t.violation5("[39] MQTT-2.2.1-3 UNSUBSCRIBE with packet id 0", packet(0xa2, u16(0), "00", str("r39/a")),
                0x82);

        // ---- row 40: Topic Alias 0 or above the Topic Alias Maximum [MQTT-3.3.2-8], [MQTT-3.3.2-9]
        t.violation5("[40] MQTT-3.3.2-8 Topic Alias 0", publish5(0, "r40/a", 0, propU16(0x23, 0), "78"), 0x94);
        t.violation5("[40] MQTT-3.3.2-9 Topic Alias 11 above the maximum 10",
                publish5(0, "r40/a", 0, propU16(0x23, 11), "78"), 0x94);

        // ---- row 41: Topic Alias with an empty topic and no mapping yet (3.3.2.3.4)
        t.violation5("[41] 3.3.2.3.4 Topic Alias with an empty topic before any mapping",
                publish5(0, "", 0, propU16(0x23, 3), "78"), 0x82);
        String r41 = "r41/" + t.id();
        t.open("[41] 3.3.2.3.4 a Topic Alias, once mapped, stands for its topic",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", r41, 0), suback5(1, 0)),
                new Step(cat(publish5(0, r41, 0, propU16(0x23, 4), "31"), publish5(0, "", 0, propU16(0x23, 4), "32")),
                        cat(publish5(0, r41, 0, "", "31"), publish5(0, r41, 0, "", "32"))));

        // ---- row 43: more QoS 2 PUBLISHes awaiting PUBREL than the Receive Maximum (100) [MQTT-3.3.4-7]
        StringBuilder flood = new StringBuilder();
        StringBuilder recs = new StringBuilder();
        for (int id = 1; id <= 101; id++) {
            flood.append(publish5(0x04, "r43/a", id, "", "78"));
            if (id <= 100) {
                recs.append(packet(0x50, u16(id), "10", "00")); // 0x10: no matching subscribers
            }
        }
        t.closed("[43] MQTT-3.3.4-7 101 QoS 2 PUBLISHes without PUBREL: DISCONNECT 0x93",
                List.of(new Step(connect5(t.id()), V5_CONNACK_OK),
                        new Step(flood.toString(), cat(recs.toString(), disconnect5(0x93)))));

        // ---- row 44: Subscription Identifier in a client PUBLISH; Response Topic with wildcards
        t.violation5("[44] MQTT-3.3.4-6 Subscription Identifier in a client PUBLISH",
                publish5(0, "r44/a", 0, propVbi(0x0b, 1), "78"), 0x82);
        t.violation5("[44] MQTT-3.3.2-14 Response Topic with a wildcard",
                publish5(0, "r44/a", 0, propString(0x08, "r44/#"), "78"), 0x82);

        // ---- row 47: a QoS 2 PUBLISH repeated before PUBREL is acknowledged again, routed once [MQTT-4.3.3-10]
        String r47 = "r47/" + t.id();
        t.open("[47] MQTT-4.3.3-10 repeated QoS 2 PUBLISH: PUBREC again, one copy delivered",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", r47 + "/sub", 0), suback5(1, 0)),
                new Step(publish5(0x04, r47, 7, "", "6f"), packet(0x50, u16(7), "10", "00")),
                new Step(publish5(0x0c, r47, 7, "", "6f"), ack(0x50, 7)),
                new Step(ack(0x62, 7), ack(0x70, 7)));

        // ---- row 48: acknowledgements out of the flow, id 0, unknown reason codes (4.3, 2.4)
        t.violation5("[48] MQTT-2.2.1-3 PUBACK with packet id 0", ack(0x40, 0), 0x82);
        t.violation5("[48] 3.4.2.1 PUBACK with unknown reason code 0xFF", "4003000aff", 0x82);
        t.open("[48] 4.3.3 PUBREL for an unknown packet id: PUBCOMP 0x92",
                new Step(connect5(t.id()), V5_CONNACK_OK), new Step(ack(0x62, 9), packet(0x70, u16(9), "92", "00")));
        String r48 = "r48/" + t.id() + "/t";
        t.closed("[48] 4.3.2 PUBREC for a QoS 1 delivery: DISCONNECT 0x82",
                List.of(new Step(connect5(t.id()), V5_CONNACK_OK),
                        new Step(publish5(0x03, r48, 5, "", "31"), packet(0x40, u16(5), "10", "00")),
                        new Step(subscribe5(1, "", r48, 1), cat(suback5(1, 1), publish5(0x03, r48, 1, "", "31"))),
                        new Step(ack(0x50, 1), disconnect5(0x82))));

        // ---- row 49: SUBSCRIBE / UNSUBSCRIBE without a topic filter [MQTT-3.8.3-2], [MQTT-3.10.3-2]
        t.violation5("[49] MQTT-3.8.3-2 SUBSCRIBE without a topic filter", packet(0x82, u16(1), "00"), 0x82);
        t.violation5("[49] MQTT-3.10.3-2 UNSUBSCRIBE without a topic filter", packet(0xa2, u16(1), "00"), 0x82);

        // ---- row 50: subscription options [MQTT-3.8.3-5], 3.8.3.1
        t.violation5("[50] MQTT-3.8.3-5 subscription option bit 6 set", subscribe5(1, "", "r50/a", 0x40), 0x81);
        t.violation5("[50] MQTT-3.8.3-5 subscription option bit 7 set", subscribe5(1, "", "r50/a", 0x80), 0x81);
        t.violation5("[50] 3.8.3.1 subscription QoS 3", subscribe5(1, "", "r50/a", 0x03), 0x82);
        t.violation5("[50] 3.8.3.1 Retain Handling 3", subscribe5(1, "", "r50/a", 0x30), 0x82);
        t.open("[50] 3.8.3.1 No Local, Retain As Published, Retain Handling 2 are valid options",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", "r50/ok", 0x2e), suback5(1, 2)));

        // ---- row 51: invalid topic filters, one by one: SUBACK 0x8F [MQTT-4.7.1-1/2]
        t.open("[51] MQTT-4.7.1-2/3 invalid filters among valid ones: SUBACK 0x8F for each",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", "r51/x", 1, "r51/#/x", 0, "r51/a+", 0, "", 0), suback5(1, 1, 0x8f, 0x8f,
                        0x8f)));

        // ---- row 52: malformed shared subscriptions [MQTT-4.8.2-1], [MQTT-4.8.2-2], [MQTT-3.8.3-4]
        t.open("[52] MQTT-4.8.2-1/2 $share with an empty, '+' or '#' share name, or no filter: SUBACK 0x8F",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", "$share//x", 0, "$share/a+/x", 0, "$share/#/x", 0, "$share/g", 0,
                        "$share/g/", 0), suback5(1, 0x8f, 0x8f, 0x8f, 0x8f, 0x8f)));
        t.violation5("[52] MQTT-3.8.3-4 No Local on a shared subscription",
                subscribe5(1, "", "$share/g/r52", 0x04), 0x82);

        // ---- row 53: Subscription Identifier 0 (3.8.2.1.2)
        t.violation5("[53] 3.8.2.1.2 Subscription Identifier 0", subscribe5(1, propVbi(0x0b, 0), "r53/a", 0), 0x82);

        // ---- row 56: wildcard-leading filters do not match $ topics [MQTT-4.7.2-1]
        String r56 = "r56/" + t.id();
        // '#' with Retain Handling 2 (0x20): the retained messages of other cases are none of this case's business
        t.open("[56] MQTT-4.7.2-1 '#', '+' and '+/x' do not match '$r56' or '$r56/x'",
                new Step(connect5(t.id()), V5_CONNACK_OK),
                new Step(subscribe5(1, "", "#", 0x20, "+", 0, "+/x", 0), suback5(1, 0, 0, 0)),
                new Step(cat(publish5(0, "$r56", 0, "", "64"), publish5(0, "$r56/x", 0, "", "64"),
                        publish5(0, r56, 0, "", "6e")), publish5(0, r56, 0, "", "6e")));

        // ---- row 54: DISCONNECT with a Session Expiry after CONNECT set 0 [MQTT-3.14.2-2]
        t.violation5("[54] MQTT-3.14.2-2 DISCONNECT sets Session Expiry 60 after CONNECT set 0",
                packet(0xe0, "00", "05", propU32(0x11, 60)), 0x82);
        t.closed("[54] 3.14.2.2.2 DISCONNECT may repeat Session Expiry 0: closed without a reply",
                List.of(new Step(connect5(t.id()), V5_CONNACK_OK),
                        new Step(packet(0xe0, "00", "05", propU32(0x11, 0)), "")));
        return t.cases;
    }

    /** Collects cases and hands out client ids unique within the table. */
    private static final class Table {
        final List<ConformanceCase> cases = new ArrayList<>();
        private int next;

        String id() {
            return "cf" + (++next);
        }

        /** After a good CONNECT, {@code packets} break the protocol: the server just closes (3.1.1 has no DISCONNECT). */
        void violation(String name, String packets) {
            String id = id();
            String bad = packets == null ? connect311(id) : packets;
            closed(name, List.of(new Step(connect311(id), CONNACK_OK), new Step(bad, "")));
        }

        /** The connection's first bytes are refused with no reply at all. */
        /** MQTT 5: after a good CONNECT, {@code packets} are answered with DISCONNECT {@code reason}, then close. */
        void violation5(String name, String packets, int reason) {
            String id = id();
            String bad = packets == null ? connect5(id) : packets;
            closed(name, List.of(new Step(connect5(id), V5_CONNACK_OK), new Step(bad, disconnect5(reason))));
        }

        void refusedSilently(String name, String send) {
            closed(name, send, "");
        }

        void closed(String name, String send, String expect) {
            closed(name, List.of(new Step(send, expect)));
        }

        void closed(String name, List<Step> steps) {
            cases.add(new ConformanceCase(name, steps, End.CLOSED));
        }

        void open(String name, Step... steps) {
            cases.add(new ConformanceCase(name, List.of(steps), End.OPEN));
        }
    }
}
