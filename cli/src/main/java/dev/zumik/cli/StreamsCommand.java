package dev.zumik.cli;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.streams.StreamsApp;
import dev.zumik.streams.topology.DiagnosisSettings;
import dev.zumik.streams.topology.StreamsSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zumik streams}: the Kafka Streams app — lane statistics, reuse simulation, diagnosis, replay triggering. */
@Command(name = "streams", description = {
        "Run the streams app: per-lane window statistics, prefix-reuse simulation (ideal, managed, each BYOC profile's tiers), "
            + "diagnosis per evaluation period, and replay requests for candidates.",
        "%nInstances with one --application-id share the work by partition; state lives in RocksDB under --state-dir, "
            + "changelogged, under exactly_once_v2."})
final class StreamsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;
    @Mixin DecisionOptions decision;
    @Mixin ForegroundOptions foreground;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = StreamsSettings.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.zumik/streams",
            description = "RocksDB state (default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "1m", converter = DurationConverter.class,
            description = "Tumbling window of lane statistics (default ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How late a shape may arrive and still count (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--evaluation-windows", paramLabel = "N", defaultValue = "15",
            description = "Windows per diagnosis period (default ${DEFAULT-VALUE}).")
    int evaluationWindows;

    @Option(names = "--cache", paramLabel = "POLICIES", description = "Extra cache policies to simulate, e.g. lru:1e7,ttl:1h.")
    String extraCaches;

    @Option(names = "--prices", paramLabel = "FILE", description = "Price table YAML (default: the shipped one, dated, from public list prices).")
    Path prices;

    @Option(names = "--profile", paramLabel = "FILE|NAME", split = ",",
            description = "BYOC profiles to compare, files or shipped names (default: dynamo,k8s-portable).")
    List<String> profiles = new ArrayList<>();

    @Option(names = "--lanes", paramLabel = "FILE", description = "Lane policies YAML: SLOs, interactivity, isolation, alias models.")
    Path lanes;

    @Option(names = "--replay-cooldown", paramLabel = "DURATION", defaultValue = "6h", converter = DurationConverter.class,
            description = "At most one replay request per lane within this (default ${DEFAULT-VALUE}).")
    Duration cooldown;

    @Option(names = "--time-scale", paramLabel = "X", defaultValue = "1", description = "Speed-up of triggered replays (default "
            + "${DEFAULT-VALUE}: real time, the priced load; anything else is a smoke run whose verdict is never MOVE).")
    double timeScale;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prefix of every Zumik topic name (default none).")
    String topicPrefix;

    @Option(names = "--api", paramLabel = "HOST:PORT|off", defaultValue = "127.0.0.1:8090",
            description = "Query API (GET /lanes ...), also this instance's address for the others (default ${DEFAULT-VALUE}).")
    String api;

    @Override
    public Integer call() throws InterruptedException {
        final ClientSettings client = connection.settings();
        final StreamsSettings settings = settings(client);
        final String[] apiAt = "off".equals(api) ? null : Values.hostPort("--api", api);
        if (apiAt != null) {
            if ("0".equals(apiAt[1])) {
                throw ZumikException.usage("--api needs a fixed port: other instances forward queries to it");
            }
            Ports.requireFree(apiAt[0], Integer.parseInt(apiAt[1]), "--api");
        }
        final Topics topics = Topics.create(new SchemaRegistryClient(client.registrySettings()), Topics.DEFAULT_SHAPE_PARTITIONS, topicPrefix);
        TopicsCommand.requireTopic(client, topics.shapes().name());
        final PrintWriter out = spec.commandLine().getOut();
        final StreamsApp app;
        try {
            app = StreamsApp.start(settings, topics,
                    apiAt == null ? null : apiAt[0], apiAt == null ? -1 : Integer.parseInt(apiAt[1]));
        } catch (final RuntimeException e) {
            throw ZumikException.failure("the streams app did not start: " + DevCommand.rootMessage(e));
        }
        if (!app.awaitRunning(Duration.ofSeconds(120))) {
            app.close();
            throw ZumikException.failure(app.fatal().isDone() ? "the streams app stopped: " + app.fatal().join()
                    : "the streams app did not reach RUNNING within 120 s (state " + app.state() + ")");
        }
        out.println("Streams app " + settings.applicationId() + " running: " + topics.shapes().name() + " -> " + topics.laneStats().name() + ", "
                + topics.diagnoses().name() + ", " + topics.replayRequests().name() + " (dead letters: " + topics.deadLetters().name() + ")");
        if (apiAt != null) {
            out.println("Query API: http://" + apiAt[0] + ":" + app.apiPort() + "/lanes  (zumik lanes --api http://" + apiAt[0] + ":"
                    + app.apiPort() + ")");
        }
        out.println("Simulating " + String.join(", ", settings.policies().stream().map(CachePolicy::name).toList()) + "; windows of "
                + settings.window() + ", diagnosis every " + settings.diagnosis().evaluationWindows() + " windows");
        out.flush();
        Running.untilStopped(foreground.runFor, out, app::close, app.fatal());
        if (app.fatal().isDone()) {
            throw ZumikException.failure("the streams app stopped: " + app.fatal().join());
        }
        out.println("Stopped.");
        return 0;
    }

    StreamsSettings settings(final ClientSettings client) {
        final Map<String, Object> kafka = client.kafkaProperties();
        final DecisionSettings thresholds = decision.settings(client);
        if (evaluationWindows < 1) {
            throw ZumikException.usage("--evaluation-windows must be >= 1, got " + evaluationWindows);
        }
        if (!(timeScale > 0)) {
            throw ZumikException.usage("--time-scale must be > 0, got " + timeScale);
        }
        if (window.isZero() || window.isNegative()) {
            throw ZumikException.usage("--window must be > 0");
        }
        try {
            final PriceTable table = prices == null ? PriceTable.defaults() : PriceTable.read(Values.readableFile("--prices", prices));
            final List<ByocProfile> byoc = new ArrayList<>();
            for (final String p : profiles.isEmpty() ? ByocProfile.SHIPPED : profiles) {
                byoc.add(Values.byocProfile("--profile", p));
            }
            for (final ByocProfile p : byoc) {
                p.gpuUsdPerHour(table);
            }
            final LanePolicies policies = lanes == null ? LanePolicies.none() : LanePolicies.read(Values.readableFile("--lanes", lanes));
            final DiagnosisSettings diagnosis = new DiagnosisSettings(table, byoc, policies, thresholds, evaluationWindows,
                    cooldown, timeScale);
            final List<CachePolicy> caches = new ArrayList<>(StreamsSettings.policiesFor(diagnosis));
            if (extraCaches != null) {
                caches.addAll(CachePolicy.parseList(extraCaches));
            }
            return new StreamsSettings(applicationId, kafka, window, grace, caches, StreamsSettings.DEFAULT_SNAPSHOT_EVERY,
                    stateDir, diagnosis);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
    }
}
