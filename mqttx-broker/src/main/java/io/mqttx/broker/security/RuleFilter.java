package io.mqttx.broker.security;

import io.mqttx.broker.routing.Topics;

/**
 * The topic filter of an ACL rule. In a {@code pattern} rule a whole level may be {@code %c} (the client id) or
 * {@code %u} (the username); it is substituted per client by {@link #resolve}.
 *
 * <p>Substitution is where Mosquitto's CVE-2017-7650 lived: a username {@code #} turned {@code %u/#} into {@code #/#}
 * -like grants over every tenant. Here a value is substituted only as one whole level, and only if it could not change
 * the shape of the filter: never empty, never holding {@code + # /}, and never starting with {@code $} in the first
 * level (which would reach {@code $SYS}). Otherwise the rule does not apply to that client.
 */
final class RuleFilter {
    static final String CLIENT_ID = "%c";
    static final String USERNAME = "%u";
    /** Generous: a rule deeper than the broker allows topics to be simply never matches. */
    private static final int MAX_LEVELS = 1024;

    private final String text;
    private final String[] levels;
    private final boolean usesClientId;
    private final boolean usesUsername;

    private RuleFilter(String text, String[] levels, boolean usesClientId, boolean usesUsername) {
        this.text = text;
        this.levels = levels;
        this.usesClientId = usesClientId;
        this.usesUsername = usesUsername;
    }

    /**
     * Parses and validates a rule's filter.
     *
     * @param placeholders whether {@code %c} and {@code %u} levels are allowed (pattern rules) or refused (topic rules)
     * @throws IllegalArgumentException with the reason, for the ACL loader to report with the line number
     */
    static RuleFilter parse(String filter, boolean placeholders) {
        if (Topics.isShared(filter)) {
            throw new IllegalArgumentException("'" + filter + "' is a shared subscription; rules name the topic filter"
                    + " after $share/<group>/, which is what subscriptions are authorized against");
        }
        String why = Topics.checkTopicFilter(filter, MAX_LEVELS);
        if (why != null) {
            throw new IllegalArgumentException("invalid topic filter '" + filter + "': " + why);
        }
        String[] levels = filter.split("/", -1);
        boolean client = false;
        boolean user = false;
        for (String level : levels) {
            boolean isClient = level.equals(CLIENT_ID);
            boolean isUser = level.equals(USERNAME);
            if (!isClient && !isUser && (level.contains(CLIENT_ID) || level.contains(USERNAME))) {
                throw new IllegalArgumentException("'" + level + "' in '" + filter + "': %c and %u must be a whole"
                        + " topic level");
            }
            client |= isClient;
            user |= isUser;
        }
        if ((client || user) && !placeholders) {
            throw new IllegalArgumentException("'" + filter + "' uses %c or %u, which only 'pattern' lines substitute");
        }
        return new RuleFilter(filter, levels, client, user);
    }

    String text() {
        return text;
    }

    boolean isPattern() {
        return usesClientId || usesUsername;
    }

    boolean usesClientId() {
        return usesClientId;
    }

    boolean usesUsername() {
        return usesUsername;
    }

    /**
     * The concrete filter for one client, or null when a placeholder cannot be filled safely for it (see the class
     * comment). A filter without placeholders is returned as is.
     */
    String resolve(String clientId, String username) {
        if (!isPattern()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 32);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals(CLIENT_ID) || level.equals(USERNAME)) {
                String value = level.equals(CLIENT_ID) ? clientId : username;
                if (!substitutable(value, i == 0)) {
                    return null;
                }
                level = value;
            }
            if (i > 0) {
                sb.append('/');
            }
            sb.append(level);
        }
        return sb.toString();
    }

    static boolean substitutable(String value, boolean firstLevel) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (firstLevel && value.charAt(0) == '$') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+' || c == '#' || c == '/' || c == '\u0000') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every topic that {@code filter} matches is also matched by {@code rule}: the relation a SUBSCRIBE needs,
     * since a subscription is a standing request for every matching topic. Both must be valid, non-shared filters.
     *
     * <p>Decided level by level, one rule at a time. It is exact for single rules, with one conservative gap: rules
     * that cover a filter only together, or in an equivalent spelling ({@code +/#} covers {@code #} but is not
     * recognised as doing so), do not grant. A refused subscription is the safe error.
     */
    static boolean covers(String rule, String filter) {
        // MQTT-4.7.2-1: a rule starting with a wildcard matches no '$' topic, and a filter whose first level is a
        // literal starting with '$' matches only such topics
        if (filter.startsWith("$") && (rule.startsWith("+") || rule.startsWith("#"))) {
            return false;
        }
        String[] r = rule.split("/", -1);
        String[] f = filter.split("/", -1);
        for (int i = 0; ; i++) {
            if (i < r.length && r[i].equals("#")) {
                return true; // '#' covers any rest of the filter, even none: "a/#" matches "a" [MQTT-4.7.1-2]
            }
            if (i == f.length) {
                return i == r.length;
            }
            if (i == r.length) {
                return false; // the filter goes deeper than a rule without '#' can follow
            }
            String fl = f[i];
            String rl = r[i];
            if (fl.equals("#")) {
                return false; // only '#' covers topics of any depth, and this rule level is not '#'
            }
            boolean levelCovered = rl.equals("+") || (!fl.equals("+") && rl.equals(fl));
            if (!levelCovered) {
                return false;
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
