package io.mqttx.broker.protocol;

/** An MQTT 5 User Property: a UTF-8 string pair, forwarded unchanged. */
public record UserProperty(String name, String value) {
}
