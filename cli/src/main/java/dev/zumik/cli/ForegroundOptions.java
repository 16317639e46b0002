package dev.zumik.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a server command stays in the foreground: until Ctrl-C, or a fixed time for scripts and tests. */
final class ForegroundOptions {
    @Option(names = "--run-for", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop by itself after this long (e.g. 30s), for scripts; default: until Ctrl-C.")
    Duration runFor;
}
