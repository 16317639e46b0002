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
        final String command = arg.command().qualifiedName("_").replaceFirst("^zumik_?", "");
        final String name = option.longestName().replaceFirst("^-+", "");
        return ("ZUMIK_" + (command.isEmpty() ? "" : command + "_") + name).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(final ArgSpec arg) {
        final String variable = variable(arg);
        return variable == null ? null : environment.get(variable);
    }
}
