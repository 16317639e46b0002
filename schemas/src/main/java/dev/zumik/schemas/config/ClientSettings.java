package dev.zumik.schemas.config;

import dev.zumik.schemas.registry.RegistrySettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where every Zumik component finds Kafka and the schema registry. Built from, lowest precedence
 * first: defaults, environment ({@code ZUMIK_KAFKA_BOOTSTRAP_SERVERS}, {@code ZUMIK_REGISTRY_URL},
 * and any {@code ZUMIK_KAFKA_*}/{@code ZUMIK_REGISTRY_*}/{@code ZUMIK_DECISION_*} as dotted keys), a
 * properties file, and command-line flags. Keys {@code kafka.<client property>} pass through unchanged
 * to every Kafka client (security settings, for example); {@code registry.<serde property>} to the
 * registry client; {@code decision.<threshold>} are the decision rules' thresholds.
 */
public final class ClientSettings {
    public static final String BOOTSTRAP = "kafka.bootstrap.servers";
    public static final String REGISTRY_URL = "registry." + RegistrySettings.URL;
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081";

    private final Map<String, String> values;
    /** Where each setting that is not a default came from, for messages that name it. */
    private final Map<String, String> sources;

    private ClientSettings(final Map<String, String> values, final Map<String, String> sources) {
        this.values = Map.copyOf(values);
        this.sources = Map.copyOf(sources);
    }

    /** Resolves the settings; {@code overrides} (from flags) win over the file, which wins over the environment. */
    public static ClientSettings resolve(final Map<String, String> environment, final Path propertiesFile,
                                         final Map<String, String> overrides) {
        final Map<String, String> values = new TreeMap<>();
        final Map<String, String> sources = new TreeMap<>();
        values.put(BOOTSTRAP, DEFAULT_BOOTSTRAP);
        values.put(REGISTRY_URL, DEFAULT_REGISTRY_URL);
        fromEnvironment(environment).forEach((k, v) -> {
            values.put(k, v);
            sources.put(k, "the environment (ZUMIK_" + k.toUpperCase(Locale.ROOT).replace('.', '_') + ")");
        });
        if (propertiesFile != null) {
            readFile(propertiesFile).forEach((k, v) -> {
                values.put(k, v);
                sources.put(k, propertiesFile.toString());
            });
        }
        overrides.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
                sources.put(k, "the command line");
            }
        });
        checkBootstrap(values.get(BOOTSTRAP), sources.getOrDefault(BOOTSTRAP, "the default"));
        return new ClientSettings(values, sources);
    }

    /** Every key that was set (not defaulted), with where it was set: a file, the environment variable or the command line. */
    public Map<String, String> sources() {
        return sources;
    }

    /**
     * Refuses a bootstrap list that is not HOST:PORT[,HOST:PORT...] (a bracketed IPv6 address allowed), naming
     * where it came from: the Kafka client would otherwise fail deep inside with its own stack trace.
     */
    static void checkBootstrap(final String servers, final String source) {
        for (final String entry : servers.split(",", -1)) {
            final String e = entry.strip();
            final Matcher m = Pattern.compile("(?:[A-Za-z_]+://)?(\\[[0-9A-Fa-f:.]+\\]|[^\\s:/\\[\\]]+):(\\d{1,5})").matcher(e);
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                throw new IllegalArgumentException("the Kafka bootstrap servers from " + source + " must be HOST:PORT[,HOST:PORT...] with a port "
                        + "from 1 to 65535, got '" + servers + "'");
            }
        }
    }

    /** Prefixes of the server commands' option variables ({@code zumik kafka}, {@code zumik registry}): not client settings. */
    public static final List<String> SERVER_OPTION_PREFIXES = List.of("ZUMIK_KAFKA_SERVER_", "ZUMIK_REGISTRY_SERVER_");

    /**
     * The environment's ZUMIK_KAFKA_*, ZUMIK_REGISTRY_* and ZUMIK_DECISION_* variables as dotted lower-case keys, except the
     * server commands' own option variables (ZUMIK_KAFKA_SERVER_*, ZUMIK_REGISTRY_SERVER_*).
     */
    static Map<String, String> fromEnvironment(final Map<String, String> environment) {
        final Map<String, String> out = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.equals("ZUMIK_REGISTRY_URL")) {
                out.put(REGISTRY_URL, value);
            } else if (SERVER_OPTION_PREFIXES.stream().anyMatch(name::startsWith)) {
                return;
            } else if (name.startsWith("ZUMIK_KAFKA_") || name.startsWith("ZUMIK_REGISTRY_") || name.startsWith("ZUMIK_DECISION_")) {
                out.put(name.substring("ZUMIK_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return out;
    }

    private static Map<String, String> readFile(final Path file) {
        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (final IOException e) {
            throw new IllegalArgumentException("Cannot read config file " + file + ": " + e.getMessage());
        }
        final Map<String, String> out = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k).trim()));
        return out;
    }

    public String bootstrapServers() {
        return values.get(BOOTSTRAP);
    }

    public String registryUrl() {
        return values.get(REGISTRY_URL);
    }

    /** Properties for a Kafka client: every {@code kafka.*} setting with the prefix removed. */
    public Map<String, Object> kafkaProperties() {
        return stripped("kafka.");
    }

    /** Properties for the schema registry client and serdes: every {@code registry.*} setting, prefix removed. */
    public Map<String, Object> registryProperties() {
        return stripped("registry.");
    }

    public RegistrySettings registrySettings() {
        return RegistrySettings.fromConfig(registryProperties());
    }

    /** Every setting whose key starts with {@code prefix}, with full keys (e.g. the {@code decision.*} thresholds). */
    public Map<String, String> withPrefix(final String prefix) {
        final Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Any setting by its full key, e.g. {@code capture.queue.bytes}. */
    public String get(final String key, final String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    private Map<String, Object> stripped(final String prefix) {
        final Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Every resolved setting, secrets redacted: what components log at start. */
    @Override
    public String toString() {
        final StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append('=').append(redact(k, v)));
        return out.toString();
    }

    static String redact(final String key, final String value) {
        final String k = key.toLowerCase(Locale.ROOT);
        if (k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("user.info")
                || k.contains("token") || k.endsWith(".key") || k.contains("credentials")) {
            return "[redacted]";
        }
        return value;
    }
}
