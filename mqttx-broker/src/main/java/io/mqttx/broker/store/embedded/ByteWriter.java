package io.mqttx.broker.store.embedded;

import java.util.Arrays;

/**
 * Appends the primitives of the store's binary encoding to a growable array: unsigned LEB128 varints, big-endian
 * fixed-width numbers (for keys, so that they sort numerically) and length-prefixed strings and byte arrays.
 *
 * <p>Strings are written as generalized UTF-8 ("WTF-8"): UTF-8 for every well-formed string, and an unpaired
 * surrogate as its own 3-byte sequence instead of the replacement character. The encoding is therefore injective
 * over all Java strings: two different client ids never give the same bytes, which a key must guarantee.
 */
final class ByteWriter {
    private byte[] buf;
    private int len;

    ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    ByteWriter u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    ByteWriter varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    ByteWriter u16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    /** Big-endian with the sign bit flipped: unsigned byte order equals signed numeric order. */
    ByteWriter orderedLong(long v) {
        long u = v ^ Long.MIN_VALUE;
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (u >>> shift);
        }
        return this;
    }

    ByteWriter bytes(byte[] b) {
        varint(b.length);
        return raw(b);
    }

    ByteWriter raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** A length-prefixed string: the length in bytes as a varint, then the WTF-8 bytes. */
    ByteWriter string(String s) {
        varint(wtf8Length(s));
        return wtf8(s);
    }

    /** The WTF-8 bytes of a string, with no prefix: for the last component of a key. */
    ByteWriter wtf8(String s) {
        ensure(s.length() * 3);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[len++] = (byte) c;
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >>> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xF0 | (cp >>> 18));
                buf[len++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                // BMP characters, and unpaired surrogates encoded as if they were code points
                buf[len++] = (byte) (0xE0 | (c >>> 12));
                buf[len++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return this;
    }

    static int wtf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    int length() {
        return len;
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, len);
    }
}
