package io.mqttx.broker.routing;

/**
 * Topic name and topic filter rules of MQTT section 4.7. Everything here is iterative: a topic of 65,535 levels
 * costs time linear in its length and no stack.
 */
public final class Topics {
    public static final String SHARE_PREFIX = "$share/";

    private Topics() {
    }

    /** Why a topic name may not be published to, or null if it may. Wildcards are refused [MQTT-3.3.2-2]. */
    public static String checkTopicName(String topic, int maxLevels) {
        if (topic.isEmpty()) {
            return "empty topic name [MQTT-4.7.3-1]";
        }
        int levels = 1;
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return "wildcard in topic name [MQTT-3.3.2-2]";
            }
            if (c == '/' && ++levels > maxLevels) {
                return "topic name has more than " + maxLevels + " levels";
            }
        }
        return null;
    }

    /** Why a (non-shared) topic filter is invalid, or null if it is valid [MQTT-4.7.1-1..3]. */
    public static String checkTopicFilter(String filter, int maxLevels) {
        if (filter.isEmpty()) {
            return "empty topic filter [MQTT-4.7.3-1]";
        }
        int levels = 1;
        int levelStart = 0;
        for (int i = 0; i <= filter.length(); i++) {
            if (i == filter.length() || filter.charAt(i) == '/') {
                if (i < filter.length() && ++levels > maxLevels) {
                    return "topic filter has more than " + maxLevels + " levels";
                }
                levelStart = i + 1;
                continue;
            }
            char c = filter.charAt(i);
            if (c == '#') {
                if (i != levelStart || i != filter.length() - 1) {
                    return "'#' must be the whole last level [MQTT-4.7.1-2]";
                }
            } else if (c == '+') {
                boolean wholeLevel = i == levelStart && (i + 1 == filter.length() || filter.charAt(i + 1) == '/');
                if (!wholeLevel) {
                    return "'+' must be a whole level [MQTT-4.7.1-3]";
                }
            }
        }
        return null;
    }

    public static boolean isShared(String filter) {
        return filter.startsWith(SHARE_PREFIX);
    }

    /**
     * Splits {@code $share/{group}/{filter}}. Throws {@link IllegalArgumentException} with the reason when the
     * share name is empty or holds {@code / + #}, or no filter follows it [MQTT-4.8.2-1/2].
     */
    public static SharedFilter parseShared(String filter, int maxLevels) {
        int groupEnd = filter.indexOf('/', SHARE_PREFIX.length());
        if (groupEnd < 0) {
            throw new IllegalArgumentException("shared subscription without a topic filter [MQTT-4.8.2-2]");
        }
        String group = filter.substring(SHARE_PREFIX.length(), groupEnd);
        if (group.isEmpty() || group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
            throw new IllegalArgumentException("invalid share name '" + group + "' [MQTT-4.8.2-1]");
        }
        String inner = filter.substring(groupEnd + 1);
        String why = checkTopicFilter(inner, maxLevels);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        return new SharedFilter(group, inner);
    }

    /** A parsed shared subscription filter. */
    public record SharedFilter(String group, String filter) {
    }

    /**
     * Whether a valid filter matches a valid topic name. Filters starting with a wildcard do not match topics
     * starting with '$' [MQTT-4.7.2-1].
     */
    public static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        int fl = filter.length();
        int tl = topic.length();
        int f = 0;
        int t = 0;
        while (true) {
            int fEnd = filter.indexOf('/', f);
            if (fEnd < 0) {
                fEnd = fl;
            }
            if (fEnd - f == 1 && filter.charAt(f) == '#') {
                return true;
            }
            int tEnd = topic.indexOf('/', t);
            if (tEnd < 0) {
                tEnd = tl;
            }
            boolean plus = fEnd - f == 1 && filter.charAt(f) == '+';
            if (!plus && (fEnd - f != tEnd - t || !filter.regionMatches(f, topic, t, fEnd - f))) {
                return false;
            }
            boolean filterLast = fEnd == fl;
            boolean topicLast = tEnd == tl;
            if (filterLast || topicLast) {
                // "a/#" also matches "a" [MQTT-4.7.1-2]
                return filterLast == topicLast || (topicLast && fEnd + 2 == fl && filter.charAt(fEnd + 1) == '#');
            }
            f = fEnd + 1;
            t = tEnd + 1;
        }
    }
}
