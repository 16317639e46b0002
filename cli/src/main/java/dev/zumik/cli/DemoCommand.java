package dev.zumik.cli;

import dev.zumik.capture.CaptureAgent;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.Isolation;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.core.decision.ReasonCode;
import dev.zumik.localstack.LocalStack;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.backend.Runtime;
import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.client.ReplayClient;
import dev.zumik.replay.report.ReportFiles;
import dev.zumik.replay.report.VerdictSummary;
import dev.zumik.replay.schedule.OpenLoopScheduler;
import dev.zumik.replay.schedule.Progress;
import dev.zumik.replay.schedule.ReplaySettings;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.SignedVerdict;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.replay.worker.Backends;
import dev.zumik.replay.worker.KafkaWindows;
import dev.zumik.replay.worker.ReplayWorker;
import dev.zumik.replay.worker.WorkerSettings;
import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.config.Readers;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.streams.StreamsApp;
import dev.zumik.streams.topology.DiagnosisSettings;
import dev.zumik.streams.topology.StreamsSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zumik demo}: the whole pipeline on this machine, on real parts — the embedded broker and
 * registry, a managed-style and a GPU-style simulator, the capture proxy in front of the managed one,
 * the streams app and a replay worker — driven by real traffic through the proxy, until the
 * diagnosis triggers a replay by itself and a signed verdict comes back and verifies (scenario
 * {@code move}), or until the diagnosis says stay and why (scenario {@code stay}).
 */
@Command(name = "demo", description = {
        "Run the whole pipeline on this machine and watch it decide: real Kafka, real HTTP through the capture proxy, the streams "
            + "app's diagnosis triggering a replay, a signed and verified verdict.",
        "%nScenarios: move (a slice of the Mooncake trace on a lane that requires private networking, which the BYOC "
            + "profile offers for less) and stay (a chat lane whose reuse managed prompt caching already captures). Work files go to one directory, named at the start."})
final class DemoCommand implements Callable<Integer> {
    /** Lane statistics windows, short so that a diagnosis comes within seconds. */
    static final Duration WINDOW = Duration.ofSeconds(2);
    static final int EVALUATION_WINDOWS = 5;
    /** Repetitions of the triggered replay, each under fresh prompt content, as the worker runs them by default. */
    static final int REPETITIONS = 3;
    /** The dynamo profile's minimum, which the demo lane is priced at: the fleet the candidate is replayed on. */
    static final int BYOC_REPLICAS = 2;
    /** The lane the capture proxy makes of the demo's traffic: provider, model, route. */
    static final String LANE = "openai/gpt-4.1/chat";

    @Spec CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "move", description = "move or stay (default ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work directory (default: a new zumik-demo-<time> directory here).")
    Path dir;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "150s", converter = DurationConverter.class,
            description = "Give up waiting for the decision after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (!"move".equals(scenario) && !"stay".equals(scenario)) {
            throw ZumikException.usage("--scenario must be move or stay, got '" + scenario + "'");
        }
        final Path work = dir != null ? dir : Path.of("zumik-demo-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .format(LocalDateTime.now()));
        Values.writableDir("--dir", work);
        final PrintWriter out = spec.commandLine().getOut();
        final long started = System.nanoTime();
        out.println("Zumik demo, scenario " + scenario + "; work files in " + work.toAbsolutePath());
        step(out, started, "starting the embedded Kafka broker and schema registry");
        try (Stack stack = new Stack(work, scenario)) {
            stack.start(out, started);
            final Result result = "move".equals(scenario) ? stack.move(out, started, timeout) : stack.stay(out, started, timeout);
            step(out, started, "done: " + result.line());
            return result.ok() ? 0 : ZumikException.FAILURE;
        }
    }

    static void step(final PrintWriter out, final long started, final String what) {
        out.printf("[%5.1f s] %s%n", (System.nanoTime() - started) / 1e9, what);
        out.flush();
    }

    /** How a scenario ended: whether it showed what it should, in a line. */
    record Result(boolean ok, String line) { }

    /** Every running part of the demo, stopped in reverse order of start. */
    private static final class Stack implements AutoCloseable {
        private final Path work;
        private final String scenario;
        private final List<AutoCloseable> parts = new ArrayList<>();
        private LocalStack kafka;
        private Topics topics;
        private SimServer managed;
        private SimServer gpu;
        private CaptureAgent capture;
        private PrivateKey key;

        Stack(final Path work, final String scenario) {
            this.work = work;
            this.scenario = scenario;
        }

        void start(final PrintWriter out, final long started) throws Exception {
            kafka = LocalStack.start(work.resolve("kafka"), 0, 0, 1);
            parts.add(kafka);
            topics = Topics.create(kafka.registryClient());
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                TopicsCommand.createAll(admin, topics, Optional.empty(), kafka.registryClient());
            }
            step(out, started, "kafka " + kafka.bootstrapServers() + ", registry " + kafka.registryUrl() + ", topics created");
            managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
            parts.add(managed);
            gpu = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0, BYOC_REPLICAS, SimFleet.Scheduler.KV_ROUTER);
            parts.add(gpu);
            step(out, started, "simulators: managed-openai at 127.0.0.1:" + managed.port() + ", dynamo (SGLang + LMCache + Mooncake, "
                    + "Llama-3.3-70B, 2 replicas of 2x H100) at 127.0.0.1:" + gpu.port());
            capture = CaptureAgent.start(CaptureSettings.defaults(
                            List.of(Upstream.parse("http://127.0.0.1:" + managed.port() + ",provider=openai")), work.resolve("capture-keys")),
                    kafka.clientProperties(), topics.shapes());
            parts.add(capture);
            step(out, started, "capture proxy at 127.0.0.1:" + capture.port() + " in front of the managed simulator");
            final PriceTable prices = PriceTable.defaults();
            final LanePolicies policies = policies(scenario);
            final DiagnosisSettings diagnosis = new DiagnosisSettings(prices, List.of(ByocProfile.shipped("dynamo")), policies,
                    DecisionSettings.defaults(), EVALUATION_WINDOWS, Duration.ofHours(6), 1);
            final StreamsSettings streams = new StreamsSettings("zumik-demo", kafka.clientProperties(), WINDOW, Duration.ofSeconds(1),
                    StreamsSettings.policiesFor(diagnosis), StreamsSettings.DEFAULT_SNAPSHOT_EVERY, work.resolve("streams"), diagnosis);
            final StreamsApp app = StreamsApp.start(streams, topics);
            parts.add(app);
            if (!app.awaitRunning(Duration.ofSeconds(60))) {
                throw ZumikException.failure("the streams app did not reach RUNNING (state " + app.state() + ")");
            }
            step(out, started, "streams app running: " + WINDOW.toSeconds() + " s windows, a diagnosis every "
                    + WINDOW.toSeconds() * EVALUATION_WINDOWS + " s");
            SigningKeys.generate(work.resolve("keys"));
            key = SigningKeys.readPrivate(work.resolve("keys").resolve(SigningKeys.PRIVATE_FILE));
            final Backends backends = new Backends(Map.of("openai", URI.create("http://127.0.0.1:" + managed.port() + "/v1")),
                    Map.of("openai", "sk-demo"), Optional.of(URI.create("http://127.0.0.1:" + gpu.port())));
            final ReplayWorker worker = ReplayWorker.start(WorkerSettings.defaults(kafka.clientProperties(), topics, backends, key,
                    work.resolve("verdicts")).withGroupId("zumik-demo-workers").withPrices(prices).withPolicies(policies)
                    .withReplay(ReplaySettings.defaults().withRepetitions(REPETITIONS)).withLateness(Duration.ofSeconds(5)));
            parts.add(worker);
            step(out, started, "replay worker ready, signing with key " + worker.keyId() + " (" + work.resolve("keys") + ")");
        }

        /**
         * The lane's owners declare its latency objective, TTFT p99 within 3 s: what a move must not break. In
         * the move scenario they also require private networking and accept up to 10% more than managed for it:
         * managed caching already captures the Mooncake slice's reuse, so isolation, not hot volume, is the
         * reason that can hold. A demo captures about a minute, not the full week a verdict is normally priced
         * from, so they accept partial coverage; the verdict records that it was accepted and on how many hours.
         */
        private static LanePolicies policies(final String scenario) {
            final List<String> isolation = "move".equals(scenario) ? List.of(Isolation.PRIVATE_NETWORKING) : List.of();
            return new LanePolicies(new LanePolicies.Policy(true, 3000.0, null, isolation, null, isolation.isEmpty() ? null : 10.0, null, null,
                    true), List.of());
        }

        Result move(final PrintWriter out, final long started, final Duration timeout) throws Exception {
            final List<RequestShape> shapes = DemoWorkloads.mooncake(Instant.now(), Files.createTempDirectory(work, "trace"));
            try (Watch watch = new Watch(out, started)) {
                // the first evaluation period then holds traffic from its start: a replay of a half-empty window says little
                final long period = WINDOW.toMillis() * EVALUATION_WINDOWS;
                final long toNext = period - System.currentTimeMillis() % period;
                step(out, started, "waiting " + toNext / 1000.0 + " s for the next diagnosis period to start");
                Thread.sleep(toNext);
                step(out, started, "driving " + shapes.size() + " requests of the Mooncake trace (900-960 s, prompts / "
                        + DemoWorkloads.LENGTH_DIVISOR + ", x" + DemoWorkloads.SPEED_UP + " speed) through the proxy as real HTTP");
                drive(out, started, shapes);
                step(out, started, "traffic sent; waiting for the diagnosis to trigger a replay and for its verdict");
                final Verdict verdict = watch.awaitVerdict(timeout);
                if (verdict == null) {
                    return new Result(false, "no verdict within " + timeout.toSeconds() + " s; the last diagnosis: " + watch.lastDiagnosis());
                }
                final SignedVerdict.Verified verified;
                try {
                    verified = SignedVerdict.verify(verdict.getDsseEnvelope().getBytes(StandardCharsets.UTF_8),
                            SigningKeys.readPublic(work.resolve("keys").resolve(SigningKeys.PUBLIC_FILE)),
                            Optional.of(KafkaWindows.source(kafka.clientProperties(), topics, Duration.ofSeconds(5))));
                } catch (final Dsse.VerificationException e) {
                    return new Result(false, "the verdict did not verify: " + e.getMessage());
                }
                step(out, started, "verdict " + verdict.getRequestId() + " verified: signature by key " + verified.keyId()
                        + ", window digest recomputed from " + topics.shapes().name());
                out.println(VerdictSummary.text(verified.predicate()));
                verdict.getReasons().forEach(r -> out.println("  why: " + r + ": " + ReasonCode.explain(r)));
                final Path report = work.resolve("verdicts").resolve(verdict.getRequestId()).resolve(ReportFiles.HTML_REPORT);
                out.println("  report: " + report.toAbsolutePath());
                out.println("  verify again: zumik verify " + report.resolveSibling(ReportFiles.ENVELOPE) + " --key "
                        + work.resolve("keys").resolve(SigningKeys.PUBLIC_FILE));
                out.println("  deploy the candidate: zumik profile render " + verified.predicate().path("profile").asText() + " --lane "
                        + verified.predicate().path("lane").asText() + " --from-verdict " + report.resolveSibling(ReportFiles.JSON_REPORT)
                        + " --out " + work.resolve("deploy").toAbsolutePath());
                return new Result(true, "verdict " + verified.decision() + " (" + String.join(", ", verdict.getReasons()) + ")");
            }
        }

        Result stay(final PrintWriter out, final long started, final Duration timeout) throws Exception {
            final Duration length = Duration.ofSeconds(36);
            final List<RequestShape> shapes = DemoWorkloads.sharedPrefixChat(Instant.now(), length);
            try (Watch watch = new Watch(out, started)) {
                step(out, started, "driving " + shapes.size() + " chat requests (a 2,048-token system prompt shared by all, 256 tokens "
                        + "of their own, 3 a second) through the proxy as real HTTP");
                drive(out, started, shapes);
                final LaneDiagnosis full = watch.awaitFullPeriodDiagnosis(timeout);
                if (full == null) {
                    return new Result(false, "no diagnosis of a full period within " + timeout.toSeconds() + " s");
                }
                final boolean replayed = !kafka.readCommitted(topics.replayRequests()).isEmpty();
                out.println("Diagnosis: " + full.getDecision() + " (" + String.join(", ", full.getReasons()) + ") for " + LANE);
                full.getReasons().forEach(r -> out.println("  why: " + r + ": " + ReasonCode.explain(r)));
                out.printf(Locale.ROOT, "  managed $%,.0f/month; managed capture %.0f%% of what its rules allow; BYOC (dynamo) "
                                + "$%,.0f/month, gain %.0f%%; replay requested: %s%n",
                        full.getFigures().getOrDefault("managed_monthly_usd", Double.NaN),
                        full.getFigures().getOrDefault("managed_capture_ratio", Double.NaN) * 100,
                        full.getFigures().getOrDefault("byoc_monthly_usd.dynamo", Double.NaN),
                        full.getFigures().getOrDefault("gain_pct.dynamo", Double.NaN), replayed ? "yes" : "no");
                return new Result("STAY_MANAGED".equals(full.getDecision().name()) && !replayed,
                        "diagnosis " + full.getDecision() + ", " + (replayed ? "a replay was requested" : "no replay"));
            }
        }

        /** Sends the shapes' requests through the capture proxy open-loop, with a progress line. */
        private void drive(final PrintWriter out, final long started, final List<RequestShape> shapes) throws InterruptedException {
            final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
            try (ReplayClient client = new ReplayClient(vertx, new Backend("client", URI.create("http://127.0.0.1:" + capture.port() + "/v1"),
                    Runtime.OPENAI, "gpt-4.1", "sk-demo-client"), 1000, Duration.ofMinutes(2), 1);
                 ProgressLine progress = new ProgressLine(out, System.console() != null)) {
                final Progress sent = new Progress(shapes.size());
                progress.watch(List.of(Map.entry("through the proxy", sent)));
                final List<Outcome> outcomes = OpenLoopScheduler.run(vertx, client, shapes, OpenLoopScheduler.offsets(shapes, 1),
                        System.nanoTime() + 200_000_000L, 1000, 0, sent);
                final long failed = outcomes.stream().filter(o -> !o.ok()).count();
                step(out, started, "proxy answered " + (outcomes.size() - failed) + "/" + outcomes.size() + " requests");
            } finally {
                vertx.close().await();
            }
        }

        /** Follows the diagnosis and verdict topics, printing each diagnosis as it comes. */
        private final class Watch implements AutoCloseable {
            private final PrintWriter out;
            private final long started;
            private final List<LaneDiagnosis> diagnoses = new CopyOnWriteArrayList<>();
            private final List<Verdict> verdicts = new CopyOnWriteArrayList<>();
            private final Thread thread;
            private volatile boolean running = true;

            Watch(final PrintWriter out, final long started) {
                this.out = out;
                this.started = started;
                this.thread = new Thread(this::follow, "demo-watch");
                thread.setDaemon(true);
                thread.start();
            }

            private void follow() {
                try (KafkaConsumer<String, LaneDiagnosis> d = consumer(topics.diagnoses());
                     KafkaConsumer<String, Verdict> v = consumer(topics.verdicts())) {
                    while (running) {
                        d.poll(Duration.ofMillis(200)).forEach(r -> {
                            diagnoses.add(r.value());
                            step(out, started, "diagnosis for " + Lanes.key(r.value().getLane()) + " over "
                                    + r.value().getPeriodStart() + " to " + r.value().getPeriodEnd() + ": " + r.value().getDecision() + " ("
                                    + String.join(", ", r.value().getReasons()) + ")"
                                    + (r.value().getEstimatedGainPct() == null ? "" : String.format(Locale.ROOT, ", estimated gain %.0f%%",
                                    r.value().getEstimatedGainPct())));
                        });
                        v.poll(Duration.ofMillis(200)).forEach(r -> verdicts.add(r.value()));
                    }
                }
            }

            Verdict awaitVerdict(final Duration timeout) throws InterruptedException {
                final long deadline = System.nanoTime() + timeout.toNanos();
                while (verdicts.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                return verdicts.isEmpty() ? null : verdicts.get(0);
            }

            /** The first diagnosis whose whole period carried traffic (the first period may start before the traffic). */
            LaneDiagnosis awaitFullPeriodDiagnosis(final Duration timeout) throws InterruptedException {
                final long deadline = System.nanoTime() + timeout.toNanos();
                while (System.nanoTime() < deadline) {
                    for (final LaneDiagnosis d : diagnoses) {
                        if (d.getFigures().getOrDefault("hot_windows", 0.0) >= EVALUATION_WINDOWS) {
                            Thread.sleep(1000); // a replay request would be published with it
                            return d;
                        }
                    }
                    Thread.sleep(200);
                }
                return null;
            }

            String lastDiagnosis() {
                return diagnoses.isEmpty() ? "none" : diagnoses.get(diagnoses.size() - 1).getDecision() + " "
                        + diagnoses.get(diagnoses.size() - 1).getReasons();
            }

            private <V> KafkaConsumer<String, V> consumer(final Topic<String, V> topic) {
                final KafkaConsumer<String, V> c = new KafkaConsumer<>(readProps(kafka), topic.keySerde().deserializer(),
                        topic.valueSerde().deserializer());
                c.subscribe(List.of(topic.name()));
                return c;
            }

            @Override
            public void close() throws InterruptedException {
                running = false;
                thread.join(5000);
            }
        }

        @Override
        public void close() {
            for (int i = parts.size() - 1; i >= 0; i--) {
                try {
                    parts.get(i).close();
                } catch (final Exception e) {
                    // stopping the rest matters more
                }
            }
        }
    }

    private static Properties readProps(final LocalStack kafka) {
        return Readers.committedGroup(kafka.clientProperties(), "zumik-demo-watch-" + UUID.randomUUID());
    }

}
