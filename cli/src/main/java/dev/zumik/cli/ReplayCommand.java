package dev.zumik.cli;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.replay.ReplayJob;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.report.ReportFiles;
import dev.zumik.replay.report.VerdictSummary;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.replay.verdict.Decider;
import dev.zumik.replay.verdict.ReasonTest;
import dev.zumik.replay.worker.Backends;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zumik replay --trace FILE ...}: a replay of a trace file without Kafka, the replay worker's
 * code path from synthesis to signed verdict; {@code zumik replay request}: asks the workers for one.
 */
@Command(name = "replay", description = {
        "Replay a trace file against a managed baseline and a BYOC candidate, without Kafka, and write a signed verdict: "
            + "replay --trace FILE --format F --baseline URL --candidate URL --signing-key KEY --out DIR [--reason slo|hot-volume|isolation].",
        "%nA verdict is MOVE only for a reason that holds in the replay; with no --reason it is STAY [NO_BYOC_REASON].",
        "%nOr ask the replay workers for a replay of a lane's captured window: replay request --lane L --from T1 --to T2."},
        subcommands = ReplayCommand.Request.class)
final class ReplayCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ReplayOptions replay;
    @Mixin ReasonOptions why;
    @Mixin DecisionOptions decision;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file: decision.<threshold> keys (docs/METRICS.md).")
    Path config;

    @Option(names = "--trace", paramLabel = "FILE", description = "The trace to replay.")
    Path trace;

    @Option(names = "--format", paramLabel = "FORMAT", description = "mooncake, azure, openai-log or shapes (an Avro file of shapes).")
    String format;

    @Option(names = "--lane", paramLabel = "PROVIDER/MODEL/ROUTE", defaultValue = "openai/gpt-4.1/trace",
            description = "The lane the trace stands for: its provider and model pick the managed price (default ${DEFAULT-VALUE}).")
    String lane;

    @Option(names = "--baseline", paramLabel = "URL", description = "Managed API base URL (key from OPENAI_API_KEY or ANTHROPIC_API_KEY).")
    String baselineUrl;

    @Option(names = "--baseline-runtime", paramLabel = "RUNTIME", description = "openai or anthropic (default: the lane's provider).")
    String baselineRuntime;

    @Option(names = "--candidate", paramLabel = "URL", description = "The BYOC candidate's OpenAI-compatible base URL.")
    String candidateUrl;

    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "dynamo",
            description = "BYOC profile: prices, sizing, dialect and model of the candidate (default ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the envelope and the reports go.")
    Path outDir;

    @Option(names = "--time-scale", paramLabel = "X", defaultValue = "1", description = "Replay speed-up (default ${DEFAULT-VALUE}: real time; "
            + "anything else is a smoke run whose verdict is never MOVE).")
    double timeScale;

    @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Replay only the trace's first DURATION (default: all of it).")
    Duration window;

    @Option(names = "--deletion-evidence", paramLabel = "FILE", description = {"A deletion drill's signed envelope (zumik purge --runtime "
            + "--out FILE) of the candidate: a lane requiring runtime-confirmed-deletion needs one, confirmed, signed with the verdict key and "
            + "no older than decision.deletion.drill.max.age.days.",
        "Replay workers read the latest drill from " + Topics.PURGES + " instead."})
    Path deletionEvidence;

    @Option(names = "--block-tokens", paramLabel = "B", defaultValue = "64",
            description = "Tokens per block when hashing text (openai-log; default ${DEFAULT-VALUE}).")
    int blockTokens;

    @Override
    public Integer call() throws InterruptedException {
        if (trace == null) {
            throw ZumikException.usage("give --trace FILE (a replay without Kafka), or use 'zumik replay request' to ask the replay workers");
        }
        for (final Object[] required : new Object[][] {{"--format FORMAT", format}, {"--baseline URL", baselineUrl},
            {"--candidate URL", candidateUrl}, {"--out DIR", outDir}}) {
            if (required[1] == null) {
                throw ZumikException.usage(required[0] + " is required with --trace");
            }
        }
        if (!(timeScale > 0)) {
            throw ZumikException.usage("--time-scale must be > 0, got " + timeScale);
        }
        if (window != null && (window.isZero() || window.isNegative())) {
            throw ZumikException.usage("--window must be > 0");
        }
        final ByocProfile byoc;
        final Lane parsedLane;
        try {
            byoc = Values.byocProfile("--profile", profile);
            parsedLane = Lanes.parse(lane);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
        final dev.zumik.replay.backend.Runtime baseRuntime;
        try {
            baseRuntime = baselineRuntime != null ? dev.zumik.replay.backend.Runtime.parse(baselineRuntime)
                    : "anthropic".equals(parsedLane.getProvider()) ? dev.zumik.replay.backend.Runtime.ANTHROPIC : dev.zumik.replay.backend.Runtime.OPENAI;
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage("--baseline-runtime: " + e.getMessage());
        }
        Values.writableDir("--out", outDir);
        final URI baseUrl = Values.httpUrl("--baseline", baselineUrl);
        final URI candUrl = Values.httpUrl("--candidate", candidateUrl);
        final var settings = replay.settings(timeScale, 1);
        final var key = replay.key();
        final DrillEvidence drill = deletionEvidence == null ? null : drill(key, byoc, candUrl);
        final var prices = replay.priceTable();
        final var policies = replay.policies();
        final var thresholds = decision.settings(ClientSettings.resolve(System.getenv(),
                config == null ? null : Values.readableFile("--config", config), Map.of()));
        final List<Decider.Asked> reasons = why.reasons().stream().map(r -> new Decider.Asked(r, ReasonTest.DECLARED)).toList();
        final String qualityEvidence = why.qualityEvidence();
        final LanePolicies.Policy policy = policies.forLane(Lanes.key(parsedLane)).withSlo(why.ttftMs(), why.e2eMs());
        final String apiKey = System.getenv(baseRuntime == dev.zumik.replay.backend.Runtime.ANTHROPIC ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
        final Backend baseline = new Backend("baseline", baseUrl, baseRuntime, parsedLane.getModel(), apiKey);
        final Backend candidate = new Backends(Map.of(), Map.of(),
                Optional.of(candUrl), replay.candidateMetrics()).candidate(byoc);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final List<RequestShape> shapes = new ArrayList<>();
        final Instant origin = Instant.parse("2026-01-01T00:00:00Z");
        TraceFiles.read(trace, format, lane, blockTokens, origin, err, shapes::add);
        shapes.sort(Comparator.comparing(RequestShape::getArrivalTime));
        if (shapes.isEmpty()) {
            throw ZumikException.failure(trace + ": no requests to replay");
        }
        final Instant from = shapes.get(0).getArrivalTime();
        final Instant last = shapes.get(shapes.size() - 1).getArrivalTime().plusMillis(1);
        // the money is priced from the whole trace, however little of it is replayed
        final ReplayJob.Demand demand = new ReplayJob.Demand(ReplayJob.Demand.of(shapes, from.toEpochMilli(), last.toEpochMilli()),
                ReplayJob.Demand.TRACE);
        final Instant to = window != null && from.plus(window).isBefore(last) ? from.plus(window) : last;
        shapes.removeIf(s -> !s.getArrivalTime().isBefore(to));
        out.println("Replaying " + shapes.size() + " requests of " + trace.getFileName() + " (" + (to.toEpochMilli() - from.toEpochMilli()) / 1000.0
                + " s at x" + timeScale + ") against " + baseline + " and " + candidate);
        out.flush();
        final ReplayJob.Inputs inputs = new ReplayJob.Inputs("trace-" + UUID.randomUUID(), Lanes.key(parsedLane), from, to, "MANUAL", shapes,
                false, byoc, baseline, candidate, prices, policy, thresholds, settings, reasons, qualityEvidence, replay.candidateReplicas(),
                demand, why.acceptPartialCoverage ? "--accept-partial-coverage" : policy.acceptsPartialCoverage()
                ? "the lane policy (acceptPartialCoverage)" : null, drill);
        final ReplayJob.Result result;
        try (ProgressLine progress = new ProgressLine(out, System.console() != null)) {
            result = ReplayJob.run(inputs, key, progress::watch);
        }
        final Path html = ReportFiles.write(outDir, result);
        out.println(VerdictSummary.text(result.report()));
        out.println("Envelope: " + outDir.resolve(ReportFiles.ENVELOPE) + "  report: " + html);
        return 0;
    }

    /** The --deletion-evidence envelope, checked to be a drill of this profile behind this candidate signed with the verdict key. */
    private DrillEvidence drill(final PrivateKey key, final ByocProfile byoc, final URI candidate) {
        final DrillEvidence drill;
        try {
            drill = DrillEvidence.open(Files.readAllBytes(Values.readableFile("--deletion-evidence",
                    deletionEvidence)), SigningKeys.publicOf(key), deletionEvidence.toString());
        } catch (final Dsse.VerificationException e) {
            throw ZumikException.usage("--deletion-evidence " + deletionEvidence + ": " + e.getMessage());
        } catch (final IOException e) {
            throw ZumikException.usage("--deletion-evidence " + deletionEvidence + ": cannot read it (" + e.getMessage() + ")");
        }
        if (!drill.drilled(byoc.name(), candidate)) {
            throw ZumikException.usage("--deletion-evidence " + deletionEvidence + " is a drill of " + drill.candidate() + " behind "
                    + drill.serving() + ", not of " + byoc.name() + " behind " + candidate);
        }
        return drill;
    }

    @Command(name = "request", description = "Ask the replay workers to replay one lane's window against the managed baseline and a BYOC profile.")
    static final class Request implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConnectionOptions connection;
        @Mixin ReasonOptions why;

        @Option(names = "--lane", paramLabel = "PROVIDER/MODEL/ROUTE", required = true, description = "The lane to replay.")
        String lane;

        @Option(names = "--from", paramLabel = "TIME", required = true, description = "Window start, inclusive (ISO-8601 or epoch ms).")
        String from;

        @Option(names = "--to", paramLabel = "TIME", required = true, description = "Window end, exclusive.")
        String to;

        @Option(names = "--profile", paramLabel = "NAME", defaultValue = "dynamo", description = "BYOC profile (default ${DEFAULT-VALUE}).")
        String profile;

        @Option(names = "--time-scale", paramLabel = "X", defaultValue = "1", description = "Replay speed-up (default ${DEFAULT-VALUE}: real time).")
        double timeScale;

        @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prefix of every Zumik topic name.")
        String topicPrefix;

        @Option(names = "--api", paramLabel = "URL", description = {"The streams app's query API: the lane's captured demand "
                + "(GET /lanes/{lane}/demand) goes with the request and the verdict's money is priced from it.",
            "Without it the worker prices the window alone, which is partial coverage (never MOVE unless --accept-partial-coverage)."})
        String api;

        @Override
        public Integer call() throws Exception {
            final Instant start = Values.instant("--from", from);
            final Instant end = Values.instant("--to", to);
            if (!end.isAfter(start)) {
                throw ZumikException.usage("--to must be after --from");
            }
            if (!(timeScale > 0)) {
                throw ZumikException.usage("--time-scale must be > 0, got " + timeScale);
            }
            if (!profile.matches("[a-z0-9][a-z0-9._-]*")) {
                throw ZumikException.usage("--profile must be a profile name such as " + String.join(" or ", ByocProfile.SHIPPED));
            }
            final List<String> reasons = why.reasons().stream().map(r -> r.code().name()).toList();
            final ReplayRequest request;
            try {
                request = ReplayRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setLane(Lanes.parse(lane))
                        .setFromTime(start).setToTime(end).setProfile(profile).setTrigger(ReplayTrigger.MANUAL).setReasons(reasons)
                        .setEstimatedGainPct(null).setTimeScale(timeScale).setRequestedAt(Instant.now()).setTtftSloMs(why.ttftMs())
                        .setE2eSloMs(why.e2eMs()).setQualityEvidence(why.qualityEvidence())
                        .setAcceptPartialCoverage(why.acceptPartialCoverage).setDemand(api == null ? null : CapturedDemand.fetch(api, lane)).build();
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage(e.getMessage());
            }
            final ClientSettings settings = connection.settings();
            final Topic<String, ReplayRequest> topic = Topics.create(new SchemaRegistryClient(settings.registrySettings()),
                    Topics.DEFAULT_SHAPE_PARTITIONS, topicPrefix).replayRequests();
            TopicsCommand.requireTopic(settings, topic.name());
            try (KafkaProducer<String, ReplayRequest> producer = new KafkaProducer<>(settings.kafkaProperties(), topic.keySerde().serializer(),
                    topic.valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topic.name(), request.getRequestId(), request)).get(30, TimeUnit.SECONDS);
            } catch (final ExecutionException e) {
                throw ZumikException.failure("cannot publish the replay request: " + DevCommand.rootMessage(e));
            }
            final PrintWriter out = spec.commandLine().getOut();
            out.println("Replay request " + request.getRequestId() + " for " + lane + " [" + start + ", " + end + ") against " + profile
                    + (reasons.isEmpty() ? " (no reason declared: the verdict can only be STAY)" : " testing " + String.join(", ", reasons))
                    + (request.getDemand() == null ? ", priced from the window alone (no --api)" : String.format(Locale.ROOT,
                    ", priced from %.1f hours of captured demand", Duration.between(request.getDemand().getHorizonStart(),
                            request.getDemand().getHorizonEnd()).toMillis() / 3_600_000.0))
                    + " published to " + topic.name());
            return 0;
        }
    }
}
