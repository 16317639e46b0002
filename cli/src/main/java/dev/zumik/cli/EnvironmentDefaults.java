package dev.zumik.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option can also come from the environment: {@code ZUMIK_<COMMAND>_<OPTION>}, e.g.
 * {@code ZUMIK_CAPTURE_UPSTREAM} for {@code zumik capture --upstream} (comma-separated for repeatable
 * options) or {@code ZUMIK_DEV_KAFKA_PORT}. A flag on the command line wins.
 * <p>{@code ZUMIK_KAFKA_*} and {@code ZUMIK_REGISTRY_*} belong to the client settings (ClientSettings: every command's
 * Kafka and registry clients), so the options of the {@code kafka} and {@code registry} server commands read
 * {@code ZUMIK_KAFKA_SERVER_<OPTION>} and {@code ZUMIK_REGISTRY_SERVER_<OPTION>}, which the client settings ignore.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
    private final Map<String, String> environment;

    EnvironmentDefaults(final Map<String, String> environment) {
        this.environment = environment;
    }

    static String variable(final ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        final String command = arg.command().qualifiedName("_").replaceFirst("^zumik_?", "").replaceFirst("^(kafka|registry)$", "$1_server");
        final String name = option.longestName().replaceFirst("^-+", "");
        return ("ZUMIK_" + (command.isEmpty() ? "" : command + "_") + name).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(final ArgSpec arg) {
        final String variable = variable(arg);
        return variable == null ? null : environment.get(variable);
    }
}
