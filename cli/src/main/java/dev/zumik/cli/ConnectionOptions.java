package dev.zumik.cli;

import dev.zumik.schemas.config.ClientSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Where to find Kafka and the registry: flags over a properties file over ZUMIK_* environment variables. */
final class ConnectionOptions {
    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (env ZUMIK_KAFKA_BOOTSTRAP_SERVERS; default ${sys:zumik.default.kafka:-127.0.0.1:9092}).")
    String kafka;

    @Option(names = "--registry", paramLabel = "URL",
            description = "Schema registry URL, Confluent API (env ZUMIK_REGISTRY_URL; default http://127.0.0.1:8081).")
    String registry;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: kafka.<client property> and registry.<serde property> keys, e.g. kafka.security.protocol=SASL_SSL.")
    Path config;

    ClientSettings settings() {
        if (config != null) {
            Values.readableFile("--config", config);
        }
        final Map<String, String> flags = new HashMap<>();
        flags.put(ClientSettings.BOOTSTRAP, kafka);
        flags.put(ClientSettings.REGISTRY_URL, registry);
        try {
            final ClientSettings settings = ClientSettings.resolve(System.getenv(), config, flags);
            SettingKeys.check(settings);
            settings.registrySettings();
            LoggerFactory.getLogger(ConnectionOptions.class).debug("Settings: {}", settings);
            return settings;
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
    }
}
