package dev.zumik.cli;

import dev.zumik.capture.CaptureAgent;
import dev.zumik.capture.ShapingPriority;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.core.tokens.Tokenizers;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zumik capture}: the pass-through proxy that publishes request shapes. */
@Command(name = "capture", description = {
        "Run the OpenAI-compatible pass-through proxy that publishes content-free request shapes.",
        "%nEvery request and response passes through unchanged (streams chunk by chunk); shapes are built off the "
            + "request path and published fail-open: if Kafka is down, traffic flows and shapes queue up to a bound."})
final class CaptureCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;
    @Mixin ShapeOptions shapes;
    @Mixin ForegroundOptions foreground;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "Where clients connect (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--upstream", paramLabel = "[PREFIX=]URL[,provider=P][,name=N][,route=R]", split = ";",
            description = {"Upstream API, repeatable: https://api.openai.com, or a path prefix routed to its own upstream,",
                "e.g. /anthropic=https://api.anthropic.com (the prefix is stripped). Provider defaults from the host.",
                "A named upstream is chosen by the request header X-Zumik-Upstream: N.",
                "Lane routes are the endpoint's short name (chat, completions, responses, messages, embeddings, else the",
                "path without /v1/ and with / as .); route=R names every request through this upstream R instead."})
    List<String> upstreams = new ArrayList<>();

    @Option(names = "--admin", paramLabel = "HOST:PORT|off", defaultValue = "127.0.0.1:9464",
            description = "Admin port for /metrics and /healthz (default ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--tenant-header", paramLabel = "NAME", defaultValue = CaptureSettings.DEFAULT_TENANT_HEADER,
            description = "Header naming the tenant (default ${DEFAULT-VALUE}); else a keyed hash of the API key.")
    String tenantHeader;


    @Option(names = "--queue-bytes", paramLabel = "SIZE", defaultValue = "64m",
            description = "Bound of the shape queue while Kafka is slow or down (default ${DEFAULT-VALUE}).")
    String queueBytes;

    @Option(names = "--parse-limit", paramLabel = "SIZE", defaultValue = "32m",
            description = "Bodies larger than this pass through unparsed (default ${DEFAULT-VALUE}).")
    String parseLimit;

    @Option(names = "--shaping-backlog", paramLabel = "SIZE", defaultValue = "256m",
            description = {"Bound of all body copies kept for shaping, in flight or waiting (default ${DEFAULT-VALUE}); past it",
                "bodies are not copied and their shapes say parsed=false. The traffic is never touched."})
    String shapingBacklog;

    @Option(names = "--shaping-priority", paramLabel = "idle|normal", defaultValue = "idle",
            description = {"How shaping is scheduled against the relay (default ${DEFAULT-VALUE}): idle runs it only on CPU the",
                "relay leaves free (Linux SCHED_IDLE), so a saturated proxy relays first and shapes later or drops them, counted;",
                "normal shares the cores evenly with the relay."})
    String shapingPriority;

    @Option(names = "--block-size", paramLabel = "TOKENS", defaultValue = "64", description = "Tokens per hashed block (default ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(names = "--tokenizer", paramLabel = "NAME", description = "Tokenizer for every lane: o200k_base or cl100k_base (default: by model).")
    String tokenizer;


    @Override
    public Integer call() {
        final CaptureSettings settings = settings();
        final ClientSettings client = connection.settings();
        final PrintWriter out = spec.commandLine().getOut();
        final CaptureAgent agent;
        try {
            agent = CaptureAgent.start(settings, client.kafkaProperties(),
                    Topics.create(new SchemaRegistryClient(client.registrySettings())).shapes().named(shapes.topic));
        } catch (final RuntimeException e) {
            throw ZumikException.failure(DevCommand.rootMessage(e));
        }
        out.println("Capture proxy listening on " + settings.listenHost() + ":" + agent.port() + " -> "
                + String.join(", ", settings.upstreams().stream().map(u -> (u.prefix().isEmpty() ? "" : u.prefix() + " ") + u.base()
                        + " (" + u.provider() + ")").toList()));
        agent.adminPort().ifPresent(p -> out.println("Admin: http://" + settings.adminHost() + ":" + p + "/metrics and /healthz"));
        out.println("Shapes to " + shapes.topic + " on " + client.bootstrapServers() + " (fail-open, queue " + settings.queueBytes() + " bytes)");
        out.flush();
        Running.untilStopped(foreground.runFor, out, agent::close);
        out.println("Stopped.");
        return 0;
    }

    CaptureSettings settings() {
        if (upstreams == null || upstreams.isEmpty()) {
            throw ZumikException.usage("an upstream is required: --upstream URL (or ZUMIK_CAPTURE_UPSTREAM)");
        }
        final String[] listenAt = Values.hostPort("--listen", listen);
        final String[] adminAt = "off".equals(admin) ? new String[] {"127.0.0.1", "-1"} : Values.hostPort("--admin", admin);
        if (blockSize < 1) {
            throw ZumikException.usage("--block-size must be >= 1, got " + blockSize);
        }
        final long queue = Values.bytes("--queue-bytes", queueBytes);
        final long limit = Values.bytes("--parse-limit", parseLimit);
        final long backlog = Values.bytes("--shaping-backlog", shapingBacklog);
        if (backlog < 1024) {
            throw ZumikException.usage("--shaping-backlog must be at least 1k, got " + shapingBacklog);
        }
        final ShapingPriority priority = switch (shapingPriority) {
            case "idle" -> ShapingPriority.IDLE;
            case "normal" -> ShapingPriority.NORMAL;
            default -> throw ZumikException.usage("--shaping-priority must be idle or normal, got " + shapingPriority);
        };
        if (limit > Integer.MAX_VALUE) {
            throw ZumikException.usage("--parse-limit must be below 2g");
        }
        final List<Upstream> routes = new ArrayList<>();
        for (final String spec : upstreams) {
            try {
                routes.add(Upstream.parse(spec));
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage("--upstream " + spec + ": " + e.getMessage());
            }
        }
        try {
            Upstream.requireUnambiguous(routes);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage("--upstream: " + e.getMessage());
        }
        shapes.keyStore(); // a key directory that cannot be opened is a usage error now, not a failure at the first request
        try {
            if (tokenizer != null) {
                Tokenizers.byName(tokenizer);
            }
            return new CaptureSettings(listenAt[0], Integer.parseInt(listenAt[1]), routes, adminAt[0], Integer.parseInt(adminAt[1]),
                    tenantHeader, shapes.keyDir, queue, (int) limit, blockSize, Optional.ofNullable(tokenizer), backlog,
                    priority);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
    }
}
