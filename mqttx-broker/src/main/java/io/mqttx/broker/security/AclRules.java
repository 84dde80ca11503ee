package io.mqttx.broker.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of an ACL file, in Mosquitto's format with one addition ({@code client} blocks):
 *
 * <pre>
 * # comment
 * topic [read|write|readwrite|deny] &lt;filter&gt;     before any user/client line: rules for anonymous clients
 * user &lt;username&gt;                                  the topic lines that follow apply to that user
 * client &lt;client id&gt;                               the topic lines that follow apply to that client id
 * pattern [read|write|readwrite|deny] &lt;filter&gt;   for every client, wherever it stands; a level %c or %u is
 *                                                 replaced by the client id or username
 * </pre>
 *
 * The access defaults to readwrite, as in Mosquitto. Anything else is an error that names the line: a rule the
 * loader does not understand is never skipped, since skipping a {@code deny} opens what it closed.
 */
public final class AclRules {
    /** No rules: denies everything. */
    public static final AclRules EMPTY = new AclRules(List.of(), Map.of(), Map.of(), List.of());

    /** What a rule allows. {@code deny} refuses reading and writing, and wins over any grant. */
    public enum Access {
        READ, WRITE, READWRITE, DENY;

        boolean grants(boolean write) {
            return this == READWRITE || (write ? this == WRITE : this == READ);
        }
    }

    /** One {@code topic} or {@code pattern} line. */
    record Rule(Access access, RuleFilter filter, int line) {
    }

    private final List<Rule> anonymous;
    private final Map<String, List<Rule>> users;
    private final Map<String, List<Rule>> clients;
    private final List<Rule> patterns;

    private AclRules(List<Rule> anonymous, Map<String, List<Rule>> users, Map<String, List<Rule>> clients,
                     List<Rule> patterns) {
        this.anonymous = anonymous;
        this.users = users;
        this.clients = clients;
        this.patterns = patterns;
    }

    /** Loads an ACL file, failing with the file name and line number on the first line it cannot use. */
    public static AclRules load(Path path) {
        return parse(TextFiles.readLines(path, "ACL file"), path.toString());
    }

    static AclRules parse(List<String> lines, String source) {
        List<Rule> anonymous = new ArrayList<>();
        Map<String, List<Rule>> users = new LinkedHashMap<>();
        Map<String, List<Rule>> clients = new LinkedHashMap<>();
        List<Rule> patterns = new ArrayList<>();
        List<Rule> current = anonymous;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = TextFiles.trim(lines.get(i));
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = TextFiles.blank(line);
            String keyword = sp < 0 ? line : line.substring(0, sp);
            String rest = sp < 0 ? "" : TextFiles.trim(line.substring(sp));
            try {
                switch (keyword) {
                    case "user" -> current = users.computeIfAbsent(name(keyword, rest), k -> new ArrayList<>());
                    case "client" -> current = clients.computeIfAbsent(name(keyword, rest), k -> new ArrayList<>());
                    case "topic" -> current.add(rule(rest, false, lineNo));
                    case "pattern" -> patterns.add(rule(rest, true, lineNo));
                    default -> throw new IllegalArgumentException("unknown keyword '" + keyword
                            + "' (expected topic, pattern, user or client)");
                }
            } catch (IllegalArgumentException e) {
                throw new SecurityConfigurationException(source + ":" + lineNo + ": " + e.getMessage()
                        + "; the ACL file is not used");
            }
        }
        users.replaceAll((k, v) -> List.copyOf(v));
        clients.replaceAll((k, v) -> List.copyOf(v));
        return new AclRules(List.copyOf(anonymous), Collections.unmodifiableMap(users),
                Collections.unmodifiableMap(clients), List.copyOf(patterns));
    }

    private static String name(String keyword, String rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("'" + keyword + "' without a name");
        }
        return rest;
    }

    private static Rule rule(String rest, boolean pattern, int lineNo) {
        String keyword = pattern ? "pattern" : "topic";
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("'" + keyword + "' without a topic filter");
        }
        Access access = Access.READWRITE;
        String filter = rest;
        int sp = TextFiles.blank(rest);
        String first = sp < 0 ? rest : rest.substring(0, sp);
        Access named = accessNamed(first);
        if (named != null) {
            if (sp < 0) {
                throw new IllegalArgumentException("'" + keyword + " " + first + "' without a topic filter");
            }
            access = named;
            filter = TextFiles.trim(rest.substring(sp));
        }
        return new Rule(access, RuleFilter.parse(filter, pattern), lineNo);
    }

    private static Access accessNamed(String word) {
        return switch (word) {
            case "read" -> Access.READ;
            case "write" -> Access.WRITE;
            case "readwrite" -> Access.READWRITE;
            case "deny" -> Access.DENY;
            default -> null;
        };
    }

    List<Rule> anonymous() {
        return anonymous;
    }

    List<Rule> forUser(String username) {
        return users.getOrDefault(username, List.of());
    }

    List<Rule> forClient(String clientId) {
        return clients.getOrDefault(clientId, List.of());
    }

    List<Rule> patterns() {
        return patterns;
    }

    /** The number of topic and pattern rules. */
    public int size() {
        int n = anonymous.size() + patterns.size();
        for (List<Rule> r : users.values()) {
            n += r.size();
        }
        for (List<Rule> r : clients.values()) {
            n += r.size();
        }
        return n;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Whether any rule depends on the username: a user block, or a pattern with %u. */
    public boolean dependsOnUsernames() {
        return !users.isEmpty() || patterns.stream().anyMatch(r -> r.filter().usesUsername());
    }

    /** Whether a client block or a %c pattern grants something: rights bound to a client id the client chose. */
    public boolean grantsByClientId() {
        return clients.values().stream().flatMap(List::stream).anyMatch(r -> r.access() != Access.DENY)
                || patterns.stream().anyMatch(r -> r.filter().usesClientId() && r.access() != Access.DENY);
    }
}
