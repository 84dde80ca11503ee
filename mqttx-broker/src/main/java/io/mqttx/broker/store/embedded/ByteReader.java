package io.mqttx.broker.store.embedded;

import io.mqttx.broker.store.StoreCorruptedException;
import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote. Every read is bounds-checked, and anything that does not decode (a length
 * past the end, an overlong varint, an invalid UTF-8 sequence, trailing bytes) is a {@link StoreCorruptedException}
 * naming the record: a corrupt store fails with a clear message, never with an index error or a huge allocation.
 */
final class ByteReader {
    private final byte[] buf;
    private final String what;
    private int pos;
    private final int end;

    ByteReader(byte[] buf, String what) {
        this(buf, 0, buf.length, what);
    }

    ByteReader(byte[] buf, int offset, int end, String what) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
        this.what = what;
    }

    StoreCorruptedException corrupt(String why) {
        return new StoreCorruptedException("corrupt " + what + ": " + why);
    }

    private void need(long n) {
        if (n < 0 || n > end - pos) {
            throw corrupt("needs " + n + " more bytes at offset " + pos + ", has " + (end - pos));
        }
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    int u16() {
        need(2);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw corrupt("varint longer than 10 bytes");
    }

    /** A varint that must fit an int in [0, max]. */
    int varint(int max) {
        long v = varint();
        if (v < 0 || v > max) {
            throw corrupt("value " + v + " out of range [0, " + max + "]");
        }
        return (int) v;
    }

    long orderedLong() {
        need(8);
        long u = 0;
        for (int i = 0; i < 8; i++) {
            u = (u << 8) | (buf[pos++] & 0xFF);
        }
        return u ^ Long.MIN_VALUE;
    }

    byte[] bytes() {
        int n = varint(Integer.MAX_VALUE);
        need(n);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    /** Skips a length-prefixed byte array, checking only that it is all there. */
    void skipBytes() {
        int n = varint(Integer.MAX_VALUE);
        need(n);
        pos += n;
    }

    String string() {
        int n = varint(Integer.MAX_VALUE);
        need(n);
        return wtf8(n);
    }

    /** The rest of the input as a WTF-8 string: the last component of a key. */
    String restAsString() {
        return wtf8(end - pos);
    }

    private String wtf8(int n) {
        int stop = pos + n;
        StringBuilder sb = new StringBuilder(n);
        while (pos < stop) {
            int b0 = buf[pos++] & 0xFF;
            if (b0 < 0x80) {
                sb.append((char) b0);
            } else if (b0 >= 0xC2 && b0 < 0xE0) {
                sb.append((char) (((b0 & 0x1F) << 6) | continuation(stop)));
            } else if (b0 >= 0xE0 && b0 < 0xF0) {
                int c = ((b0 & 0x0F) << 12) | (continuation(stop) << 6) | continuation(stop);
                if (c < 0x800) {
                    throw corrupt("overlong 3-byte sequence at offset " + (pos - 3));
                }
                sb.append((char) c);
            } else if (b0 >= 0xF0 && b0 < 0xF5) {
                int cp = ((b0 & 0x07) << 18) | (continuation(stop) << 12) | (continuation(stop) << 6)
                        | continuation(stop);
                if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
                    throw corrupt("invalid 4-byte sequence at offset " + (pos - 4));
                }
                sb.appendCodePoint(cp);
            } else {
                throw corrupt("invalid UTF-8 lead byte 0x" + Integer.toHexString(b0) + " at offset " + (pos - 1));
            }
        }
        return sb.toString();
    }

    private int continuation(int stop) {
        if (pos >= stop) {
            throw corrupt("truncated UTF-8 sequence at offset " + pos);
        }
        int b = buf[pos++] & 0xFF;
        if ((b & 0xC0) != 0x80) {
            throw corrupt("invalid UTF-8 continuation byte at offset " + (pos - 1));
        }
        return b & 0x3F;
    }

    int position() {
        return pos;
    }

    boolean atEnd() {
        return pos == end;
    }

    void expectEnd() {
        if (pos != end) {
            throw corrupt((end - pos) + " unexpected trailing bytes");
        }
    }
}
