package dev.zumik.cli;

import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.sim.profile.SimProfile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zumik sim}: a simulated LLM backend that answers like a managed API or a GPU runtime. */
@Command(name = "sim", description = {
        "Serve a simulated OpenAI-compatible LLM backend: a managed API or a GPU runtime, with its KV cache, latency and cached-token reports.",
        "%nEndpoints: /v1/chat/completions, /v1/completions, /v1/messages, /v1/models, /metrics, /health. "
            + "Profiles: managed-openai, managed-anthropic, vllm, sglang, dynamo (see docs/SIMULATOR.md); --config overrides any field. "
            + "A request header X-Zumik-Sim-Fault: 429|500|503|drop|slow|spike forces a fault."})
final class SimCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ForegroundOptions foreground;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8000",
            description = "Where clients connect (default ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listen;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "vllm",
            description = "managed-openai, managed-anthropic, vllm, sglang or dynamo (default ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON file whose fields override the profile's.")
    Path config;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for every random draw (default: the profile's).")
    Long seed;

    @Option(names = "--print-profile", description = "Print the resolved profile as YAML and exit.")
    boolean printProfile;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
            description = "Replicas behind one scheduler, each with its own KV cache and batch (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--scheduler", paramLabel = "NAME",
            description = "kv-router (Dynamo's KV router), epp (the inference extension's endpoint picker) or round-robin "
                    + "(default: the profile's own: kv-router for dynamo, epp for vllm, else round-robin).")
    String scheduler;

    @Override
    public Integer call() {
        final SimProfile resolved = resolve();
        final PrintWriter out = spec.commandLine().getOut();
        if (printProfile) {
            out.print(Profiles.toYaml(resolved));
            out.flush();
            return 0;
        }
        final String[] at = Values.hostPort("--listen", listen);
        if (replicas < 1 || replicas > 64) {
            throw ZumikException.usage("--replicas must be 1..64, got " + replicas);
        }
        final SimFleet.Scheduler picker;
        try {
            picker = scheduler == null ? SimFleet.Scheduler.of(resolved) : SimFleet.Scheduler.parse(scheduler);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage("--scheduler: " + e.getMessage());
        }
        if (!"0".equals(at[1])) {
            Ports.requireFree(at[0], Integer.parseInt(at[1]), "--listen");
        }
        final SimServer server;
        try {
            server = SimServer.start(resolved, at[0], Integer.parseInt(at[1]), replicas, picker);
        } catch (final RuntimeException e) {
            throw ZumikException.failure("the simulator did not start: " + DevCommand.rootMessage(e));
        }
        out.println("Simulated " + resolved.name() + " (" + resolved.description() + ") at http://" + at[0] + ":" + server.port()
                + " serving " + String.join(", ", resolved.models()) + " (seed " + resolved.seed() + "), " + replicas + " replica"
                + (replicas == 1 ? "" : "s") + " behind " + picker.word());
        out.println("Metrics: http://" + at[0] + ":" + server.port() + "/metrics");
        out.flush();
        Running.untilStopped(foreground.runFor, out, server::close);
        out.println("Stopped.");
        return 0;
    }

    SimProfile resolve() {
        if (config != null) {
            Values.readableFile("--config", config);
        }
        try {
            final SimProfile base = Profiles.load(profile, Optional.ofNullable(config));
            return seed == null ? base : base.withSeed(seed);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage((config != null && e.getMessage().contains(config.toString()) ? "" : "--profile/--config: ") + e.getMessage());
        }
    }
}
