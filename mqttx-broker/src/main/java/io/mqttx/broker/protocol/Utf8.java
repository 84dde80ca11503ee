package io.mqttx.broker.protocol;

/** Sizes and code-point rules of MQTT's UTF-8 strings (section 1.5.4) and variable byte integers (1.5.5). */
public final class Utf8 {
    private Utf8() {
    }

    /** Bytes of {@code s} encoded as UTF-8. */
    public static int length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Bytes of {@code value} as a variable byte integer. */
    public static int varIntSize(long value) {
        int n = 1;
        while (value >= 128) {
            value >>= 7;
            n++;
        }
        return n;
    }

    /**
     * Whether a code point is one the spec says SHOULD NOT be sent and a receiver MAY treat as malformed (1.5.4):
     * U+0000 (which MUST NOT appear), the control characters U+0001..U+001F and U+007F..U+009F, and the
     * non-characters U+FDD0..U+FDEF and U+xxFFFE / U+xxFFFF in every plane.
     */
    public static boolean isDisallowed(int codePoint) {
        return codePoint <= 0x1F
                || (codePoint >= 0x7F && codePoint <= 0x9F)
                || (codePoint >= 0xFDD0 && codePoint <= 0xFDEF)
                || (codePoint & 0xFFFE) == 0xFFFE;
    }

    /** The first disallowed code point in {@code s} (see {@link #isDisallowed}), or -1. */
    public static int firstDisallowed(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (isDisallowed(cp)) {
                return cp;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }
}
