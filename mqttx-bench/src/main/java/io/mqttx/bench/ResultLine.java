package io.mqttx.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The single {@code RESULT key=value ...} line a run ends with. Keys keep insertion order so the
 * line reads the same from run to run; values never contain spaces, so {@code split(" ")} and
 * {@code split("=", 2)} are a complete parser (see {@link #parse}).
 */
public final class ResultLine {

    public static final String PREFIX = "RESULT";
    /** Written for a figure that does not apply or could not be measured (latency of QoS 0, no -pid). */
    public static final String NOT_AVAILABLE = "NA";

    private final Map<String, String> values = new LinkedHashMap<>();

    public ResultLine put(String key, String value) {
        if (key.isEmpty() || key.contains(" ") || key.contains("=")) {
            throw new IllegalArgumentException("bad key: '" + key + "'");
        }
        String v = value == null || value.isEmpty() ? NOT_AVAILABLE : value.replace(' ', '_');
        values.put(key, v);
        return this;
    }

    public ResultLine put(String key, long value) {
        return put(key, Long.toString(value));
    }

    public ResultLine put(String key, boolean value) {
        return put(key, Boolean.toString(value));
    }

    /** Two decimals: enough for seconds and percentages, and stable to read. */
    public ResultLine put(String key, double value) {
        return put(key, Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : NOT_AVAILABLE);
    }

    public ResultLine put(String key, OptionalDouble value) {
        return value.isPresent() ? put(key, value.getAsDouble()) : put(key, NOT_AVAILABLE);
    }

    /** Rounded to a whole number: rates in msg/s do not need decimals. */
    public ResultLine putRounded(String key, double value) {
        return put(key, Double.isFinite(value) ? Long.toString(Math.round(value)) : NOT_AVAILABLE);
    }

    public String get(String key) {
        return values.get(key);
    }

    public long getLong(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no key " + key + " in " + this);
        }
        return Long.parseLong(v);
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(PREFIX);
        values.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    public static ResultLine parse(String line) {
        String[] parts = line.trim().split(" +");
        if (parts.length == 0 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        ResultLine result = new ResultLine();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not key=value: '" + parts[i] + "' in " + line);
            }
            result.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return result;
    }
}
