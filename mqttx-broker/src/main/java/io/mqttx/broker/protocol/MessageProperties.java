package io.mqttx.broker.protocol;

import java.util.List;

/**
 * The MQTT 5 properties an application message carries from publisher to subscriber (spec 3.3.2.3). Absent
 * properties are null; a 3.1.1 publisher's messages carry {@link #NONE}.
 *
 * @param messageExpiryInterval seconds, as the publisher sent it; the broker forwards what remains of it
 */
public record MessageProperties(
        Integer payloadFormatIndicator,
        Long messageExpiryInterval,
        String contentType,
        String responseTopic,
        byte[] correlationData,
        List<UserProperty> userProperties) {

    public static final MessageProperties NONE = new MessageProperties(null, null, null, null, null, List.of());

    public MessageProperties {
        userProperties = List.copyOf(userProperties);
    }

    public boolean isEmpty() {
        return this.equals(NONE) || (payloadFormatIndicator == null && messageExpiryInterval == null
                && contentType == null && responseTopic == null && correlationData == null
                && userProperties.isEmpty());
    }
}
