package io.mqttx.server.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyNameAliases;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.core.env.Environment;

/**
 * Binds {@code mqttx.*} onto {@link MqttxProperties} with Spring's relaxed rules (kebab, camel, env vars), plus:
 * <ul>
 *   <li>MQTTX's alternative spellings ({@link #ALTERNATIVE_SPELLINGS}). Each property source is asked for the mqttx
 *       key first, then for its MQTTX spelling, before the next source is asked: so the source of higher precedence
 *       wins whichever spelling it uses (a command-line {@code --mqttx.max-bytes-in-message} beats the packaged
 *       {@code limits.max-packet-size}). A source that has both spellings is refused as ambiguous.</li>
 *   <li>Unknown keys are refused: a typo such as {@code mqttx.auth.urll} must not leave the broker open. Environment
 *       variables and JVM system properties are exempt, as in Spring's own strict binding: they hold unrelated
 *       entries.</li>
 *   <li>MQTTX keys outside the contract are refused when their value would change behaviour we do not have, and
 *       otherwise ignored with a warning.</li>
 * </ul>
 * Spring's {@code @EnableConfigurationProperties} cannot do the first two, hence this class, which uses the same
 * constructor binding of records. The record keeps its {@code @ConfigurationProperties} annotation for tooling and
 * for what it documents; Spring's post-processor then visits the bean too, but a record has no setters, so its
 * JavaBean pass binds nothing over what this class produced.
 */
public final class MqttxPropertiesBinder {
    private static final Logger log = LoggerFactory.getLogger(MqttxPropertiesBinder.class);
    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(MqttxProperties.PREFIX);

    /** MQTTX spelling -> the mqttx key it stands for. ({@code web-socket.*} needs none: Spring ignores dashes.) */
    public static final Map<String, String> ALTERNATIVE_SPELLINGS = Map.of(
            "mqttx.cluster.inner-cache-consistency-key", "mqttx.cluster.inner-cache-consistancy-key",
            "mqttx.max-bytes-in-message", "mqttx.limits.max-packet-size");

    /**
     * An MQTTX key that mqttx does not have.
     *
     * @param refusedValue the value (case-insensitive) that asks for behaviour mqttx lacks, refused with
     *                     {@code refusal}; null: no value matters
     * @param ignored      why any other value can be ignored
     */
    private record ForeignKey(String name, String refusedValue, String refusal, String ignored) {
    }

    private static final List<ForeignKey> FOREIGN_KEYS = List.of(
            new ForeignKey("mqttx.ignore-client-self-pub", "true",
                    "dropping a client's own messages is not available in this version (MQTT 5 clients can subscribe"
                            + " with No Local)", "mqttx delivers a client's own messages, as MQTT 3.1.1 requires"),
            new ForeignKey("mqttx.rate-limiter.enable", "true", "topic rate limiting is not available in this version",
                    "rate limiting is off"),
            new ForeignKey("mqttx.rate-limiter", null, null, "rate limiting is not available in this version"),
            new ForeignKey("mqttx.serialize-strategy", null, null, "mqttx's store encoding is fixed"),
            new ForeignKey("mqttx.sharable-payload", null, null, "mqttx always stores a payload once"),
            new ForeignKey("mqttx.redis", null, null, "a Redis key name that mqttx does not use"),
            new ForeignKey("mqttx.auth.read-timeout", null, null, "mqttx has mqttx.auth.timeout"),
            new ForeignKey("mqttx.auth.connect-timeout", null, null, "mqttx has mqttx.auth.timeout"));

    private final List<ConfigurationPropertySource> sources;
    private final PlaceholdersResolver placeholders;

    public MqttxPropertiesBinder(Iterable<ConfigurationPropertySource> sources, PlaceholdersResolver placeholders) {
        List<ConfigurationPropertySource> copy = new ArrayList<>();
        sources.forEach(copy::add);
        this.sources = List.copyOf(copy);
        this.placeholders = placeholders;
    }

    public static MqttxPropertiesBinder of(Environment environment) {
        return new MqttxPropertiesBinder(ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment));
    }

    /** @throws InvalidConfigurationException naming every unreadable, ambiguous, unknown or refused key */
    public MqttxProperties bind() {
        ConfigurationPropertyNameAliases aliases = new ConfigurationPropertyNameAliases();
        // Spring's aliases read backwards: the first name is the one found in a source, the second the one asked for
        ALTERNATIVE_SPELLINGS.forEach(aliases::addAliases);
        List<ConfigurationPropertySource> aliased = sources.stream().map(s -> s.withAliases(aliases)).toList();

        BoundNames bound = new BoundNames();
        MqttxProperties properties;
        try {
            properties = new Binder(aliased, placeholders)
                    .bindOrCreate(MqttxProperties.PREFIX, Bindable.of(MqttxProperties.class), bound);
        } catch (BindException e) {
            throw new InvalidConfigurationException(describe(e));
        }
        Problems problems = new Problems();
        checkEveryKeyIsKnown(bound.names, problems);
        problems.throwIfAny();
        return properties;
    }

    private void checkEveryKeyIsKnown(Set<ConfigurationPropertyName> bound, Problems problems) {
        UnboundElementsSourceFilter strict = new UnboundElementsSourceFilter();
        Map<String, String> ignored = new TreeMap<>();
        for (ConfigurationPropertySource source : sources) {
            if (!(source instanceof IterableConfigurationPropertySource iterable) || !strict.apply(source)) {
                continue;
            }
            List<ConfigurationPropertyName> names = iterable.filter(ROOT::isAncestorOf).stream().toList();
            for (ConfigurationPropertyName name : names) {
                String canonical = canonicalOf(name);
                ConfigurationPropertyName canonicalName = canonical == null ? null
                        : ConfigurationPropertyName.of(canonical);
                if (canonicalName != null && iterable.getConfigurationProperty(canonicalName) != null) {
                    problems.add(name + " and " + canonical + " are both set in " + sourceName(source)
                            + ": they are the same setting, keep one");
                    continue;
                }
                if (bound.contains(name) || bound.contains(canonicalName) || isElementOfBoundList(name, bound)) {
                    continue;
                }
                ForeignKey foreign = foreignKey(name);
                ConfigurationProperty property = iterable.getConfigurationProperty(name);
                String value = property == null ? null : String.valueOf(property.getValue());
                if (foreign == null) {
                    problems.add(name + ": unknown key" + origin(property)
                            + "; the README's Configuration table lists every mqttx key");
                } else if (foreign.refusedValue() != null && foreign.refusedValue().equalsIgnoreCase(value)) {
                    problems.add(name + "=" + value + ": " + foreign.refusal());
                } else {
                    ignored.put(name.toString(), foreign.ignored());
                }
            }
        }
        ignored.forEach((key, note) -> log.warn("{} is an MQTTX setting that mqttx ignores: {}", key, note));
    }

    private static String canonicalOf(ConfigurationPropertyName name) {
        for (Map.Entry<String, String> e : ALTERNATIVE_SPELLINGS.entrySet()) {
            if (ConfigurationPropertyName.of(e.getKey()).equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static ForeignKey foreignKey(ConfigurationPropertyName name) {
        for (ForeignKey k : FOREIGN_KEYS) {
            ConfigurationPropertyName n = ConfigurationPropertyName.of(k.name());
            if (n.equals(name) || n.isAncestorOf(name)) {
                return k;
            }
        }
        return null;
    }

    /** {@code topics[3]} of a lower source is not bound itself when a higher source set the whole list. */
    private static boolean isElementOfBoundList(ConfigurationPropertyName name, Set<ConfigurationPropertyName> bound) {
        for (int i = 1; i < name.getNumberOfElements(); i++) {
            if (name.isNumericIndex(i) && bound.contains(name.chop(i))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(BindException e) {
        ConfigurationProperty property = e.getProperty();
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (property == null) {
            return e.getName() + ": " + cause.getMessage();
        }
        return property.getName() + "=" + property.getValue() + origin(property) + ": " + cause.getMessage();
    }

    private static String origin(ConfigurationProperty property) {
        return property == null || property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
    }

    private static String sourceName(ConfigurationPropertySource source) {
        Object underlying = source.getUnderlyingSource();
        return underlying instanceof org.springframework.core.env.PropertySource<?> ps ? ps.getName()
                : String.valueOf(underlying);
    }

    /** Records every name that received a value, to tell which keys in the sources were used. */
    private static final class BoundNames extends AbstractBindHandler {
        final Set<ConfigurationPropertyName> names = new HashSet<>();

        @Override
        public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                                Object result) {
            names.add(name);
            return super.onSuccess(name, target, context, result);
        }
    }
}
