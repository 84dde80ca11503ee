package io.mqttx.broker.protocol;

/** The protocol levels a client can speak; internally everything is modelled as MQTT 5. */
public enum ProtocolVersion {
    MQTT_3_1(3),
    MQTT_3_1_1(4),
    MQTT_5(5);

    private final int level;

    ProtocolVersion(int level) {
        this.level = level;
    }

    public int level() {
        return level;
    }

    public boolean isV5() {
        return this == MQTT_5;
    }
}
