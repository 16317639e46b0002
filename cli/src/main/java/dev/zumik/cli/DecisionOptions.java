package dev.zumik.cli;

import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.schemas.config.ClientSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The decision thresholds: {@code --decision KEY=VALUE} over {@code decision.*} keys of the properties
 * file over {@code ZUMIK_DECISION_*} variables over the defaults (docs/METRICS.md lists them).
 */
final class DecisionOptions {
    @Option(names = "--decision", paramLabel = "KEY=VALUE",
            description = "A decision threshold, e.g. --decision material.gain.pct=20 (also decision.<key> in --config, env "
                    + "ZUMIK_DECISION_<KEY>); keys and defaults: docs/METRICS.md.")
    Map<String, String> flags = new LinkedHashMap<>();

    /** The thresholds in force, from {@code client}'s environment and file and these flags; a mistake is a usage error. */
    DecisionSettings settings(final ClientSettings client) {
        final Map<String, String> values = new LinkedHashMap<>(client.withPrefix(DecisionSettings.PREFIX));
        flags.forEach((k, v) -> values.put(k.startsWith(DecisionSettings.PREFIX) ? k : DecisionSettings.PREFIX + k, v));
        try {
            final DecisionSettings settings = DecisionSettings.fromMap(values);
            LoggerFactory.getLogger(DecisionOptions.class).info("Decision thresholds: {}", settings);
            return settings;
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
    }

    /** Without a properties file: the environment and the flags. */
    DecisionSettings settings() {
        return settings(ClientSettings.resolve(System.getenv(), null, Map.of()));
    }
}
