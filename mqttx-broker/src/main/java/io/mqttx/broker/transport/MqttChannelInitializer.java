package io.mqttx.broker.transport;

import io.mqttx.broker.config.BrokerConfig;
import io.mqttx.broker.connection.ConnectionServices;
import io.mqttx.broker.connection.MqttConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * The pipeline of a plain TCP MQTT connection: guard, framer, Netty's MQTT codec, flush batching, the connection.
 */
final class MqttChannelInitializer extends ChannelInitializer<Channel> {
    private final ConnectionServices services;
    private final ChannelGroup channels;

    MqttChannelInitializer(ConnectionServices services, ChannelGroup channels) {
        this.services = services;
        this.channels = channels;
    }

    @Override
    protected void initChannel(Channel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        addMqttHandlers(p, services);
    }

    static void addMqttHandlers(ChannelPipeline p, ConnectionServices services) {
        BrokerConfig.Limits limits = services.config().limits();
        p.addLast("guard", new FirstPacketGuard());
        // whole, structurally checked packets only: Netty's decoder does not bound its reads by the Remaining Length
        p.addLast("framer", new PacketFramer(limits.maxPacketSize()));
        p.addLast("decoder", new MqttDecoder(limits.maxPacketSize(), limits.maxClientIdLength()));
        p.addLast("encoder", MqttEncoder.INSTANCE);
        // writes of one read batch, and of deliveries queued together, leave in one syscall
        p.addLast("flush", new FlushConsolidationHandler(64, true));
        p.addLast("connection", new MqttConnection(services));
    }
}
