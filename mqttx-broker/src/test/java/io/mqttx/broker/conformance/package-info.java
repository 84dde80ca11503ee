/**
 * Conformance and abuse tests: the rows of {@code shared/MQTT-CHECKLIST.md} sent as raw bytes.
 *
 * <p>{@link io.mqttx.broker.conformance.ConformanceCases} holds the tables (3.1.1, 3.1.1 authentication, MQTT 5)
 * as pure data: hex sent, hex expected, closed or still open. {@link io.mqttx.broker.conformance.CaseRunner}
 * plays a case against any host port, so the tables can be pointed at another broker, and
 * {@link io.mqttx.broker.conformance.ConformanceCase#allSent()} gives a fuzzer its seeds. Only
 * {@code ConformanceCases.V5_CONNACK_OK} is specific to mqttx (the properties of its CONNACK).
 *
 * <p>Rows that need time, two connections or a subscriber are scenario tests ({@code Mqtt311ScenarioTest},
 * {@code Mqtt5ScenarioTest}); the CVE classes of section 4 are {@code CveRegressionTest}.
 *
 * <p>Choices where the spec leaves room, or differs from Mosquitto:
 * <ul>
 * <li>Row 4/5: a server-only packet from a client is a Protocol Error (0x82), decided from the type before its
 *     body is read (Mosquitto: the same); type 0 is Malformed (0x81).</li>
 * <li>Row 6: the Remaining Length must be minimally encoded only on MQTT 5 connections; 3.1.1 states no such
 *     rule, so a 3.1.1 client's non-minimal length is accepted.</li>
 * <li>Row 17/18: a protocol name other than MQTT / MQIsdp is closed without a reply (3.1.1 says it must not be
 *     answered as MQTT); MQTT or MQIsdp with a level this server does not speak gets the 3.1.1 CONNACK 0x01
 *     (Mosquitto answers a v5-format 0x84 even to level 2 or 6).</li>
 * <li>Row 37: a wildcard in a topic name is Malformed (0x81, from the decoder), not 0x90.</li>
 * <li>Row 38: a zero-length topic is a Protocol Error (0x82), as the spec says; Mosquitto sends 0x81.</li>
 * <li>Row 39: packet id 0 is a Protocol Error (0x82) for PUBLISH, SUBSCRIBE and UNSUBSCRIBE alike (Mosquitto:
 *     0x81 for SUBSCRIBE).</li>
 * <li>Row 43: inbound QoS 2 messages awaiting PUBREL are bounded by {@code maxAwaitingRel} (100, equal to the
 *     advertised Receive Maximum by default); 3.1.1 is closed, MQTT 5 gets DISCONNECT 0x93.</li>
 * </ul>
 *
 * <p>Not covered here (not applicable to this broker's configuration, or not 3.1.1/5 rows of this task): row 11
 * (disallowed code points: policy not decided), row 31 and 42 (mqttx supports QoS 2 and retain, so there is no
 * Maximum QoS or Retain Available = 0 to exceed), the enhanced-authentication parts of row 30, row 45, 46.
 */
package io.mqttx.broker.conformance;
