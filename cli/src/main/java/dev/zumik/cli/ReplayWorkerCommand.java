package dev.zumik.cli;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.replay.worker.Backends;
import dev.zumik.replay.worker.ReplayWorker;
import dev.zumik.replay.worker.WorkerSettings;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.ShapeWindowReader;
import dev.zumik.schemas.topics.Topics;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zumik replay-worker}: consumes replay requests and publishes signed verdicts. */
@Command(name = "replay-worker", description = {
        "Replay workers: take replay requests from the group's share of " + Topics.REPLAY_REQUESTS + ", load each lane's window from "
            + Topics.SHAPES + ", fire it open-loop at the managed baseline and the BYOC candidate, and publish one signed verdict per request "
            + "to " + Topics.VERDICTS + " (files in --out/<requestId>/).",
        "%nManaged API keys come from OPENAI_API_KEY and ANTHROPIC_API_KEY."})
final class ReplayWorkerCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;
    @Mixin ForegroundOptions foreground;
    @Mixin ReplayOptions replay;
    @Mixin DecisionOptions decision;

    @Option(names = "--group", paramLabel = "ID", defaultValue = WorkerSettings.DEFAULT_GROUP,
            description = "Consumer group of the workers that share requests (default ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "${sys:user.home}/.zumik/verdicts",
            description = "Where each verdict's envelope and reports go (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--baseline", paramLabel = "PROVIDER=URL",
            description = "Managed API base URL per provider (defaults: openai=https://api.openai.com/v1, anthropic=https://api.anthropic.com).")
    Map<String, String> baselines = new HashMap<>();

    @Option(names = "--candidate", paramLabel = "URL", description = "Send candidate traffic here instead of the profile's endpoint.")
    String candidate;

    @Option(names = "--profile", paramLabel = "FILE|NAME", split = ",",
            description = "BYOC profiles requests may name, files or shipped names (default: dynamo,k8s-portable).")
    List<String> profiles = new ArrayList<>();

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prefix of every Zumik topic name (default none).")
    String topicPrefix;

    @Override
    public Integer call() {
        final PriceTable prices = replay.priceTable();
        final Map<String, ByocProfile> known = new HashMap<>();
        try {
            for (final String p : profiles.isEmpty() ? ByocProfile.SHIPPED : profiles) {
                final ByocProfile profile = Values.byocProfile("--profile", p);
                profile.gpuUsdPerHour(prices);
                known.put(profile.name(), profile);
            }
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
        final Function<String, ByocProfile> lookup = name -> {
            final ByocProfile profile = known.get(name);
            if (profile == null) {
                throw new IllegalArgumentException("unknown BYOC profile '" + name + "' (this worker knows: "
                        + String.join(", ", new TreeSet<>(known.keySet())) + ")");
            }
            return profile;
        };
        final Map<String, URI> urls = new HashMap<>();
        baselines.forEach((provider, url) -> urls.put(provider, Values.httpUrl("--baseline " + provider, url)));
        final Backends backends = Backends.fromEnvironment(urls, Optional.ofNullable(candidate).map(u -> Values.httpUrl("--candidate", u)),
                replay.candidateMetrics(), System.getenv());
        final PrivateKey key = replay.key();
        final ClientSettings client = connection.settings();
        final Topics topics = Topics.create(new SchemaRegistryClient(client.registrySettings()), Topics.DEFAULT_SHAPE_PARTITIONS, topicPrefix);
        TopicsCommand.requireTopic(client, topics.replayRequests().name());
        final WorkerSettings settings = new WorkerSettings(client.kafkaProperties(), topics, group, backends, lookup, prices, replay.policies(),
                decision.settings(client), replay.settings(1, 3), key, out, ShapeWindowReader.DEFAULT_LATENESS, replay.candidateReplicas());
        final ReplayWorker worker = ReplayWorker.start(settings);
        final PrintWriter printer = spec.commandLine().getOut();
        printer.println("Replay worker in group " + group + ": " + topics.replayRequests().name() + " -> " + topics.verdicts().name()
                + ", signing with key " + worker.keyId() + ", files in " + out);
        printer.flush();
        Running.untilStopped(foreground.runFor, printer, worker::close);
        if ("FAILED".equals(worker.state())) {
            throw ZumikException.failure("the replay worker stopped: " + DevCommand.rootMessage(worker.failure()));
        }
        printer.println("Stopped.");
        return 0;
    }
}
