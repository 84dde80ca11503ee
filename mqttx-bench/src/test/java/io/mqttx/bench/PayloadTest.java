package io.mqttx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void headerRoundTripsAndPayloadHasExactSize() {
        ByteBuf buf = Unpooled.buffer();
        try {
            Payload.write(buf, 100, 0xCAFE, 7, 123_456_789_012L, -42L);
            assertThat(buf.readableBytes()).isEqualTo(100);
            Payload.Header h = Payload.read(buf);
            assertThat(h).isEqualTo(new Payload.Header(0xCAFE, 7, 123_456_789_012L, -42L));
            assertThat(buf.readerIndex()).as("reading the header does not consume it").isZero();
        } finally {
            buf.release();
        }
    }

    @Test
    void headerFitsExactlyAtMinimumSize() {
        ByteBuf buf = Unpooled.buffer();
        try {
            Payload.write(buf, Payload.HEADER_BYTES, 1, 2, 3, 4);
            assertThat(buf.readableBytes()).isEqualTo(Payload.HEADER_BYTES);
            assertThat(Payload.read(buf)).isEqualTo(new Payload.Header(1, 2, 3, 4));
        } finally {
            buf.release();
        }
    }

    @Test
    void payloadTooSmallForHeaderIsZerosAndReadsAsNoHeader() {
        ByteBuf buf = Unpooled.buffer();
        try {
            Payload.write(buf, 10, 1, 2, 3, 4);
            assertThat(buf.readableBytes()).isEqualTo(10);
            assertThat(buf.forEachByte(b -> b == 0)).isEqualTo(-1);
            assertThat(Payload.read(buf)).isNull();
        } finally {
            buf.release();
        }
    }

    @Test
    void readsHeaderAtTheReaderIndexOfASlice() {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(new byte[] {9, 9, 9});
            Payload.write(buf, 40, 5, 6, 7, 8);
            buf.skipBytes(3);
            assertThat(Payload.read(buf)).isEqualTo(new Payload.Header(5, 6, 7, 8));
        } finally {
            buf.release();
        }
    }
}
