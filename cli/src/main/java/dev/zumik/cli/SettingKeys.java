package dev.zumik.cli;

import dev.zumik.core.config.YamlConfig;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The keys a settings source may hold, so that a typo ({@code kafka.secutity.protocol}) is one line naming
 * the nearest known key instead of a setting silently ignored (a Kafka client would only log a warning that
 * it "was supplied but isn't a known config"). Kafka keys are those of Kafka's producer, consumer, admin
 * and Streams configurations, bare or behind the prefixes Kafka Streams forwards to its clients.
 */
final class SettingKeys {
    private static final Set<String> KAFKA = kafkaKeys();
    private static final Set<String> KAFKA_CLIENT_PREFIXES = Set.of("producer.", "consumer.", "admin.", "main.consumer.",
            "restore.consumer.", "global.consumer.", "topic.");
    private static final Set<String> REGISTRY = Set.of(RegistrySettings.URL, RegistrySettings.BASIC_AUTH_SOURCE,
            RegistrySettings.BASIC_AUTH_USER_INFO, RegistrySettings.TRUSTSTORE_LOCATION, RegistrySettings.TRUSTSTORE_PASSWORD,
            RegistrySettings.TRUSTSTORE_TYPE, RegistrySettings.KEYSTORE_LOCATION, RegistrySettings.KEYSTORE_PASSWORD,
            RegistrySettings.KEYSTORE_TYPE, RegistrySettings.KEY_PASSWORD, RegistrySettings.TIMEOUT_MS, RegistrySettings.MAX_RETRIES,
            RegistrySettings.RETRY_BACKOFF_MS, RegistrySettings.AUTO_REGISTER, ConfluentAvroDeserializer.SPECIFIC_AVRO_READER);

    private SettingKeys() { }

    /** Throws a usage error for the first key that is no Kafka, registry or decision setting, naming its source. */
    static void check(final ClientSettings settings) {
        for (final Map.Entry<String, String> set : new TreeMap<>(settings.sources()).entrySet()) {
            final String key = set.getKey();
            final String problem = problem(key);
            if (problem != null) {
                throw ZumikException.usage("unknown setting " + key + " in " + set.getValue() + ": " + problem);
            }
        }
    }

    /** Why {@code key} is unknown, or null when it is known ({@code decision.*} keys are checked with their values elsewhere). */
    static String problem(final String key) {
        if (key.startsWith("kafka.")) {
            final String name = key.substring("kafka.".length());
            final boolean known = KAFKA.contains(name) || KAFKA_CLIENT_PREFIXES.stream()
                    .anyMatch(p -> name.startsWith(p) && KAFKA.contains(name.substring(p.length())));
            return known ? null : nearest("kafka.", name, KAFKA, "it is not a Kafka client or Streams setting");
        }
        if (key.startsWith("registry.")) {
            final String name = key.substring("registry.".length());
            return REGISTRY.contains(name) ? null : nearest("registry.", name, REGISTRY, "the registry settings are " + String.join(", ", new TreeSet<>(REGISTRY)));
        }
        if (key.startsWith(DecisionSettings.PREFIX)) {
            return null;
        }
        return "settings are kafka.<client property>, registry.<serde property> or decision.<threshold>";
    }

    private static String nearest(final String prefix, final String name, final Set<String> known, final String otherwise) {
        final String best = known.stream().min(Comparator.comparingInt(k -> YamlConfig.distance(k, name))).orElseThrow();
        return YamlConfig.distance(best, name) <= Math.max(2, name.length() / 4) ? "did you mean " + prefix + best + "?" : otherwise;
    }

    private static Set<String> kafkaKeys() {
        final Set<String> keys = new TreeSet<>();
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        keys.addAll(StreamsConfig.configDef().names());
        return keys;
    }
}
