package io.mqttx.broker.security;

import io.mqttx.broker.routing.Topics;
import io.mqttx.broker.security.AclRules.Access;
import io.mqttx.broker.security.AclRules.Rule;
import java.util.List;

/**
 * Topic authorization from {@link AclRules} and from the topic lists an authenticator returned for the client
 * (MQTTX's {@code authorizedPub}/{@code authorizedSub}). Publishing needs write access; subscribing and receiving
 * need read access.
 *
 * <p>The rules that apply to a client are: the anonymous section if it has no username, else its user block; its
 * client block; every pattern. Any applicable {@code deny} that hits refuses, whatever grants exist. Otherwise one
 * grant that hits allows; the authenticator's lists count as grants next to the file's. Nothing hits: refused.
 *
 * <p>"Hits" depends on the question. For a topic (publish, delivery) the rule's filter must match it. For a
 * SUBSCRIBE filter a grant must match every topic the filter can match ({@link RuleFilter#covers}): a rule
 * {@code a/#} does not grant {@code #}. A deny refuses a SUBSCRIBE only when it covers the whole filter; a filter
 * that merely overlaps a denied area is accepted, and the delivery check keeps the denied topics from the client.
 *
 * <p>{@code $SYS} topics are reachable only through rules that name {@code $}: filters starting with a wildcard
 * match no {@code $} topic [MQTT-4.7.2-1].
 */
public final class AclAuthorizer implements Authorizer {
    /** Bounds the validation of filters handed over by an authenticator; deeper filters simply never grant. */
    private static final int MAX_LEVELS = 1024;

    private final AclRules rules;
    private final boolean usernamesVerified;

    /**
     * @param usernamesVerified false when no authenticator checks usernames (anonymous access without a password
     *                          file or hook): then a client's claimed username is ignored and every client is judged
     *                          by the anonymous section, client blocks and patterns
     */
    public AclAuthorizer(AclRules rules, boolean usernamesVerified) {
        this.rules = rules;
        this.usernamesVerified = usernamesVerified;
    }

    @Override
    public boolean canPublish(ClientIdentity client, String topic) {
        return decide(client, true, topic, false);
    }

    @Override
    public boolean canSubscribe(ClientIdentity client, String topicFilter) {
        return decide(client, false, topicFilter, true);
    }

    @Override
    public boolean canReceive(ClientIdentity client, String topic) {
        return decide(client, false, topic, false);
    }

    private boolean decide(ClientIdentity client, boolean write, String target, boolean isFilter) {
        if (client == null) {
            return false;
        }
        String username = usernamesVerified ? client.username() : null;
        List<Rule> own = username == null ? rules.anonymous() : rules.forUser(username);
        List<Rule> byClient = rules.forClient(client.clientId());

        if (deniedBy(own, target, isFilter) || deniedBy(byClient, target, isFilter)) {
            return false;
        }
        for (Rule p : rules.patterns()) {
            if (p.access() != Access.DENY || !applies(p, username)) {
                continue;
            }
            String filter = p.filter().resolve(client.clientId(), username);
            if (filter == null) {
                // a deny that cannot be applied to this identity must not simply vanish: skipping it would grant
                // what it was written to refuse, so the client gets nothing
                return false;
            }
            if (hits(filter, target, isFilter)) {
                return false;
            }
        }

        if (grantedBy(own, write, target, isFilter) || grantedBy(byClient, write, target, isFilter)) {
            return true;
        }
        for (Rule p : rules.patterns()) {
            if (!p.access().grants(write) || !applies(p, username)) {
                continue;
            }
            String filter = p.filter().resolve(client.clientId(), username);
            if (filter != null && hits(filter, target, isFilter)) {
                return true;
            }
        }
        List<String> listed = write ? client.authorizedPublish() : client.authorizedSubscribe();
        if (listed != null) {
            for (String filter : listed) {
                if (filter != null && !Topics.isShared(filter) && Topics.checkTopicFilter(filter, MAX_LEVELS) == null
                        && hits(filter, target, isFilter)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A %u pattern says nothing about a client without a username; it is not a reason to deny it everything. */
    private static boolean applies(Rule pattern, String username) {
        return username != null || !pattern.filter().usesUsername();
    }

    private static boolean deniedBy(List<Rule> list, String target, boolean isFilter) {
        for (Rule r : list) {
            if (r.access() == Access.DENY && hits(r.filter().text(), target, isFilter)) {
                return true;
            }
        }
        return false;
    }

    private static boolean grantedBy(List<Rule> list, boolean write, String target, boolean isFilter) {
        for (Rule r : list) {
            if (r.access().grants(write) && hits(r.filter().text(), target, isFilter)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hits(String ruleFilter, String target, boolean isFilter) {
        return isFilter ? RuleFilter.covers(ruleFilter, target) : Topics.matches(ruleFilter, target);
    }
}
