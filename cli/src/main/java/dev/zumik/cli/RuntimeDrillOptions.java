package dev.zumik.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where a deletion drill reaches the candidate's runtime (docs/OPERATIONS.md). */
final class RuntimeDrillOptions {
    @Option(names = "--serving", paramLabel = "URL", description = "OpenAI-compatible URL the probe goes to: the gateway, or Dynamo's frontend.")
    String serving;

    @Option(names = "--engine", paramLabel = "URL", description = "Each replica's engine (vLLM pod or SGLang worker), called directly; repeat per replica.")
    List<String> engines = new ArrayList<>();

    @Option(names = "--lmcache", paramLabel = "URL", description = "dynamo: an LMCache internal API server (port 6999+i); repeat per server.")
    List<String> lmcache = new ArrayList<>();

    @Option(names = "--mooncake-master", paramLabel = "URL", description = "dynamo: the Mooncake master's admin server (default port 9003).")
    String mooncakeMaster;

    @Option(names = "--admin-key-file", paramLabel = "FILE", description = "SGLang's --admin-api-key, for its admin routes.")
    Path adminKeyFile;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "API key the serving URL wants for the probe.")
    Path apiKeyFile;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Wait this long for every engine to have no running or queued request (default ${DEFAULT-VALUE}).")
    Duration idleTimeout;
}
