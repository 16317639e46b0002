package dev.zumik.replay;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.DemandCost;
import dev.zumik.core.cost.DemandProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.Isolation;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.core.decision.ReasonCode;
import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.core.reuse.ReuseSimulator;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.backend.CandidateCapacity;
import dev.zumik.replay.backend.CandidateMetrics;
import dev.zumik.replay.backend.RuntimeCounters;
import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.client.ReplayClient;
import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.schedule.OpenLoopScheduler;
import dev.zumik.replay.schedule.Progress;
import dev.zumik.replay.schedule.ReplaySettings;
import dev.zumik.replay.sign.SignedVerdict;
import dev.zumik.replay.sign.WindowDigest;
import dev.zumik.replay.verdict.Bootstrap;
import dev.zumik.replay.verdict.Decider;
import dev.zumik.replay.verdict.ReplayCosts;
import dev.zumik.replay.verdict.SideStats;
import dev.zumik.replay.verdict.VerdictReport;
import dev.zumik.schemas.avro.RequestShape;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * One replay from window to signed verdict, the same for the Kafka worker and {@code zumik replay
 * --trace}: checks the window (empty, lost to retention, unpriced → INCONCLUSIVE without firing a
 * request), then {@link #measure measures} (fires it open-loop at both sides and collects what each
 * did) and {@link #judge judges} (figures, costs, intervals, each BYOC reason's test, the decision),
 * and signs. Judging needs no HTTP, so decision tables run it on outcomes made up in advance.
 */
public final class ReplayJob {

    /**
     * What to replay, against what, and why: {@code reasons} are the BYOC reasons the replay tests (from
     * the diagnosis or declared by a person); {@code policy} is the lane's, with any SLO given for this
     * replay in place; {@code qualityEvidence} is a reference to a quality evaluation of the model swap, or null;
     * {@code candidateReplicas} the replicas behind the candidate as declared, or null to read them from its metrics;
     * {@code demand} the lane's captured demand the money is priced from, or null to price the window alone; {@code
     * coverageAcceptedBy} who accepted pricing from less than a full week ({@code --accept-partial-coverage}, the lane
     * policy), or null; {@code deletionDrill} the latest signed deletion drill of the candidate, or null when none is on
     * record (or none was looked for: only a lane requiring runtime-confirmed deletion needs one).
     */
    public record Inputs(String requestId, String laneKey, Instant from, Instant to, String trigger, List<RequestShape> shapes,
                         boolean truncatedByRetention, ByocProfile profile, Backend baseline, Backend candidate, PriceTable prices,
                         LanePolicies.Policy policy, DecisionSettings decision, ReplaySettings settings, List<Decider.Asked> reasons,
                         String qualityEvidence, Integer candidateReplicas, Demand demand, String coverageAcceptedBy,
                         DrillEvidence deletionDrill) {

        /** The demand priced: the one given, else the window's own shapes (partial coverage). */
        public Demand pricedDemand() {
            return demand != null ? demand : new Demand(Demand.of(shapes, from.toEpochMilli(), to.toEpochMilli()), Demand.WINDOW_ONLY);
        }
    }

    /** A lane's captured demand and where it came from (the words go in the report). */
    public record Demand(DemandProfile profile, String source) {
        public static final String STREAMS = "the streams app's capture of the lane (hour-of-week profile over the capture horizon)";
        public static final String TRACE = "the whole trace file";
        public static final String WINDOW_ONLY = "the replayed window alone (no captured demand came with the request)";

        /** The demand of these shapes over [from, to): captured prompt, reported cache and completion tokens per request. */
        public static DemandProfile of(final List<RequestShape> shapes, final long fromMillis, final long toMillis) {
            final DemandProfile.Builder b = new DemandProfile.Builder();
            for (final RequestShape s : shapes) {
                b.addRequest(s.getArrivalTime().toEpochMilli(), s.getPromptTokens(), s.getCachedTokens() == null ? null : (long) s.getCachedTokens(),
                        s.getCacheWriteTokens() == null ? 0 : s.getCacheWriteTokens(), s.getCompletionTokens(), "batch".equals(s.getServiceTier()));
            }
            return b.build(fromMillis, Math.max(toMillis, fromMillis + 1));
        }
    }

    /** The signed verdict, its report, and each side's per-request outcomes (empty when nothing was fired). */
    public record Result(VerdictReport report, String envelope, List<Outcome> baseline, List<Outcome> candidate) { }

    /** One repetition: both sides fired with the window's shapes, prompts synthesized under {@code salt}. */
    public record Run(long salt, List<Outcome> baseline, List<Outcome> candidate, String startedAt, double seconds) { }

    /**
     * What both sides did with the window's shapes (in arrival order), in each repetition, the capacity behind the
     * candidate, and what the candidate runtime's own cache counters saw over all repetitions (null: not read).
     */
    public record Measurement(List<RequestShape> shapes, List<Run> runs, CandidateCapacity.Tested capacity, RuntimeCapture runtime) {

        public Measurement(final List<RequestShape> shapes, final List<Run> runs, final CandidateCapacity.Tested capacity) {
            this(shapes, runs, capacity, null);
        }

        /** Every repetition's outcomes of one side, one after the other. */
        public List<Outcome> pooled(final boolean baseline) {
            return runs.stream().flatMap(r -> (baseline ? r.baseline() : r.candidate()).stream()).toList();
        }
    }

    /**
     * The candidate runtime's cache counters over the replay: prompt tokens it looked up and found (the delta of
     * its counters from before the first repetition to after the last, summed over every replica read), where they
     * were read, by which names, and each replica's share; or, with {@code counts} null, why there are none.
     */
    public record RuntimeCapture(String url, RuntimeCounters.Counts counts, String problem,
                                 List<VerdictReport.ReplicaCounts> replicas) { }

    /** Salts of the synthesized prompts: fresh for every repetition and every attempt, never repeated. */
    private static final SecureRandom SALTS = new SecureRandom();

    /** Receives the two sides' live counters once the replay starts. */
    public interface Listener {
        void started(Progress baseline, Progress candidate);
    }

    /** Time between the warm-up and the first send, for the first bodies to be built. */
    private static final long LEAD_NANOS = 250_000_000L;
    /** A lane without declared SLOs is held to the baseline's p99 times this. */
    public static final double IMPLICIT_SLO_SLACK = 1.2;

    private ReplayJob() { }

    public static Result run(final Inputs in, final PrivateKey key, final Listener listener) throws InterruptedException {
        final List<RequestShape> shapes = inArrivalOrder(in.shapes());
        final String[] lane = in.laneKey().split("/", 3);
        final Optional<PriceTable.ManagedPrice> price = in.prices().forModel(lane[0], lane[1]);
        final List<String> early = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        if (shapes.isEmpty()) {
            early.add(ReasonCode.EMPTY_WINDOW.name());
            notes.add("no shapes of this lane arrived in the window");
        }
        if (in.truncatedByRetention()) {
            early.add(ReasonCode.WINDOW_TRUNCATED_BY_RETENTION.name());
            notes.add("the shape topic had already deleted records from before the window's start: part of it is lost to retention");
        }
        if (price.isEmpty()) {
            early.add(ReasonCode.NO_PRICE.name());
            notes.add("the price table has no managed price for " + lane[0] + "/" + lane[1]);
        }
        if (!early.isEmpty()) {
            final VerdictReport report = new VerdictReport(in.requestId(), in.laneKey(), in.profile() == null ? null : in.profile().name(),
                    in.trigger(), window(in, shapes), null, null, null, null, null, null, null, "INCONCLUSIVE", early, List.of(), notes,
                    thresholds(in, new SideStats.Slo(in.policy().ttftP99SloMs(), in.policy().e2eP99SloMs())), substitution(in),
                    VerdictReport.standardFormulas(), Instant.now().toString());
            return new Result(report, SignedVerdict.sign(report, key), List.of(), List.of());
        }
        final Measurement measurement = measure(in, shapes, listener);
        final VerdictReport report = judge(in, measurement);
        return new Result(report, SignedVerdict.sign(report, key), measurement.pooled(true), measurement.pooled(false));
    }

    /**
     * Fires the shapes (in arrival order) open-loop at both sides, once per repetition, each repetition's
     * prompts under a fresh salt, and collects each request's outcome.
     */
    public static Measurement measure(final Inputs in, final List<RequestShape> shapes, final Listener listener) throws InterruptedException {
        final CandidateCapacity.Tested capacity = in.candidateReplicas() != null ? CandidateCapacity.declared(in.candidateReplicas())
                : CandidateCapacity.probe(in.candidate(), Duration.ofSeconds(5));
        final List<CandidateMetrics.Scrape> before = CandidateMetrics.readRuntimes(in.candidate(), Duration.ofSeconds(5));
        final List<Run> runs = new ArrayList<>();
        for (int r = 0; r < in.settings().repetitions(); r++) {
            runs.add(fire(in, shapes, SALTS.nextLong(), listener));
        }
        return new Measurement(shapes, runs, capacity, runtimeCapture(before,
                CandidateMetrics.readRuntimes(in.candidate(), Duration.ofSeconds(5))));
    }

    /**
     * The replicas' counters summed, from the scrapes before and after. Every replica must be read both times and
     * publish prefix-cache counters: a sum missing one replica would understate what the runtime counted.
     */
    static RuntimeCapture runtimeCapture(final List<CandidateMetrics.Scrape> before, final List<CandidateMetrics.Scrape> after) {
        final String urls = String.join(", ", after.stream().map(a -> a.url().toString()).toList());
        final List<VerdictReport.ReplicaCounts> replicas = new ArrayList<>();
        RuntimeCounters.Counts total = null;
        for (int i = 0; i < after.size(); i++) {
            final CandidateMetrics.Scrape b = before.get(i);
            final CandidateMetrics.Scrape a = after.get(i);
            if (!b.ok() || !a.ok()) {
                return new RuntimeCapture(urls, null, b.ok() ? a.problem() : b.problem(), List.of());
            }
            final var first = RuntimeCounters.parse(b.text());
            final var last = RuntimeCounters.parse(a.text());
            if (first.isEmpty() || last.isEmpty()) {
                return new RuntimeCapture(urls, null, a.url() + " publishes no prefix-cache counters (vllm:prefix_cache_*, "
                        + "sglang:cached_tokens_total)", List.of());
            }
            final var delta = last.get().since(first.get());
            replicas.add(new VerdictReport.ReplicaCounts(a.url().toString(), delta.queried(), delta.hit()));
            total = total == null ? delta : total.plus(delta);
        }
        return new RuntimeCapture(urls, total, null, replicas.size() > 1 ? List.copyOf(replicas) : List.of());
    }

    private static Run fire(final Inputs in, final List<RequestShape> shapes, final long salt, final Listener listener)
            throws InterruptedException {
        final ReplaySettings settings = in.settings();
        final long[] offsets = OpenLoopScheduler.offsets(shapes, settings.timeScale());
        final Progress baselineProgress = new Progress(shapes.size());
        final Progress candidateProgress = new Progress(shapes.size());
        listener.started(baselineProgress, candidateProgress);
        final Instant startedAt = Instant.now();
        final long started = System.nanoTime();
        final List<Outcome> baseline;
        final List<Outcome> candidate;
        final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        final ExecutorService schedulers = Executors.newFixedThreadPool(2, r -> {
            final Thread t = new Thread(r, "replay-scheduler");
            t.setDaemon(true);
            return t;
        });
        try (ReplayClient baseClient = client(vertx, in.baseline(), settings);
             ReplayClient candClient = client(vertx, in.candidate(), settings)) {
            baseClient.warmUp(Duration.ofSeconds(5));
            candClient.warmUp(Duration.ofSeconds(5));
            if (settings.sequential()) {
                final long start = System.nanoTime() + LEAD_NANOS;
                baseline = OpenLoopScheduler.run(vertx, baseClient, shapes, offsets, start, settings.concurrency(), salt, baselineProgress);
                candidate = OpenLoopScheduler.run(vertx, candClient, shapes, offsets, System.nanoTime() + LEAD_NANOS,
                        settings.concurrency(), salt, candidateProgress);
            } else {
                final long start = System.nanoTime() + LEAD_NANOS;
                final Future<List<Outcome>> b = schedulers.submit(() ->
                        OpenLoopScheduler.run(vertx, baseClient, shapes, offsets, start, settings.concurrency(), salt, baselineProgress));
                final Future<List<Outcome>> c = schedulers.submit(() ->
                        OpenLoopScheduler.run(vertx, candClient, shapes, offsets, start, settings.concurrency(), salt, candidateProgress));
                baseline = b.get();
                candidate = c.get();
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("replay failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            schedulers.shutdownNow();
            vertx.close().await();
        }
        final double seconds = (System.nanoTime() - started) / 1e9 / (settings.sequential() ? 2 : 1);
        return new Run(salt, baseline, candidate, startedAt.toString(), seconds);
    }

    /**
     * The verdict on a measurement: each side's figures against the lane's SLOs, both sides' monthly
     * costs, the bootstrap intervals, each BYOC reason's test and the decision. Needs a priced lane.
     */
    public static VerdictReport judge(final Inputs in, final Measurement m) {
        final List<RequestShape> shapes = m.shapes();
        final ReplaySettings settings = in.settings();
        final String[] lane = in.laneKey().split("/", 3);
        final PriceTable.ManagedPrice price = in.prices().forModel(lane[0], lane[1])
                .orElseThrow(() -> new IllegalArgumentException("no managed price for " + lane[0] + "/" + lane[1]));
        final long idealHits = idealHitTokens(shapes) * m.runs().size();
        final long warmupNanos = settings.warmup().toNanos();
        final List<Outcome> baseline = m.pooled(true);
        final List<Outcome> candidate = m.pooled(false);
        final double seconds = m.runs().stream().mapToDouble(Run::seconds).sum();
        final SideStats.Slo slo = slo(in.policy(), () -> SideStats.of(in.baseline().describe(), baseline, warmupNanos,
                new SideStats.Slo(null, null), idealHits, seconds));
        final SideStats baseStats = SideStats.of(in.baseline().describe(), baseline, warmupNanos, slo, idealHits, seconds);
        final SideStats candStats = SideStats.of(in.candidate().describe(), candidate, warmupNanos, slo, idealHits, seconds);
        final Demand demand = in.pricedDemand();
        final List<ReplayCosts> costs = m.runs().stream().map(r -> new ReplayCosts(price, in.profile(), in.prices(), demand.profile(),
                r.baseline(), r.candidate())).toList();
        final List<ReplayCosts.Figures> figures = costs.stream().map(ReplayCosts::all).toList();
        final Bootstrap.Result intervals = Bootstrap.run(costs, m.runs().stream().map(Run::baseline).toList(),
                m.runs().stream().map(Run::candidate).toList(), warmupNanos, settings.bootstrapBlock().toNanos(),
                settings.bootstrapIterations(), settings.confidence(), settings.seed());
        final double managedMonthly = figures.stream().mapToDouble(ReplayCosts.Figures::managedMonthlyUsd).average().orElseThrow();
        final ReplayCosts.Figures costliest = figures.stream().max(Comparator.comparingDouble(ReplayCosts.Figures::byocMonthlyUsd))
                .orElseThrow();
        final double byocMonthly = figures.stream().mapToDouble(ReplayCosts.Figures::byocMonthlyUsd).average().orElseThrow();
        final int pricedReplicas = costliest.month().pricedReplicasFor(in.from().toEpochMilli(), in.to().toEpochMilli());
        final DemandProfile profile = demand.profile();
        final Double priorityMonthly = price.atPriority()
                .map(p -> costs.stream().mapToDouble(c -> c.managedMonthlyUsdAt(p)).average().orElseThrow()).orElse(null);
        final Decider.Ruling ruling = Decider.decide(new Decider.Evidence(baseStats, candStats, intervals, managedMonthly, byocMonthly,
                priorityMonthly, medianPrompt(shapes), in.profile().capabilities(), pricedReplicas, m.capacity().replicas(),
                profile.fullWeek(), in.coverageAcceptedBy() != null, runtimeCapture(m), in.deletionDrill()),
                in.reasons(), in.policy(), in.decision(), settings);
        final boolean decisionGrade = settings.timeScale() == 1;
        final List<String> notes = notes(baseStats, candStats);
        if (!decisionGrade) {
            notes.add("replayed at time scale " + settings.timeScale() + ": a smoke run, not the priced load; it cannot say MOVE");
        }
        final VerdictReport.Side baseSide = new VerdictReport.Side(in.baseline().describe(), baseStats, managedMonthly,
                mean(figures, ReplayCosts.Figures::managedPerMillionUsd), null);
        final VerdictReport.Capacity capacity = new VerdictReport.Capacity(pricedReplicas, m.capacity().replicas(),
                in.profile().replicaSelection().get(0), m.capacity().source());
        final DemandCost month = costliest.month();
        final VerdictReport.Side candSide = new VerdictReport.Side(in.candidate().describe(), candStats, byocMonthly,
                mean(figures, ReplayCosts.Figures::byocPerMillionUsd), new VerdictReport.Sizing(month.candidateHitRatio(), month.scaling(),
                pricedReplicas, month.peakReplicas(), in.profile().gpu().perReplica(), month.gpuHoursPerMonth(), month.idleGpuHoursPerMonth()));
        if (m.capacity().replicas() != null && m.capacity().replicas() != pricedReplicas) {
            notes.add(String.format(Locale.ROOT, "capacity: BYOC is priced at %d replicas for the window's hours (their busiest "
                    + "minute at the candidate's measured capture), and %d stood behind the candidate: replay it on %d", pricedReplicas,
                    m.capacity().replicas(), pricedReplicas));
        }
        if (!profile.fullWeek()) {
            final double hours = profile.hoursCaptured();
            notes.add(String.format(Locale.ROOT, "coverage: %s of captured traffic, less than one full week; %s",
                    hours >= 1 ? String.format(Locale.ROOT, "%.1f hours", hours) : hours * 60 >= 1
                            ? String.format(Locale.ROOT, "%.1f minutes", hours * 60) : String.format(Locale.ROOT, "%.0f s", hours * 3600),
                    in.coverageAcceptedBy() != null ? "accepted by " + in.coverageAcceptedBy()
                            : "a verdict priced from it cannot be MOVE (zumik replay --accept-partial-coverage accepts it, and is recorded)"));
        }
        final List<VerdictReport.Repetition> repetitions = new ArrayList<>();
        for (int r = 0; r < m.runs().size(); r++) {
            final Run run = m.runs().get(r);
            repetitions.add(new VerdictReport.Repetition(r + 1, Long.toHexString(run.salt()), run.startedAt(), run.seconds(),
                    figures.get(r).gainPct(), SideStats.of("", run.baseline(), warmupNanos, slo, 0, run.seconds()).ttftMs().p99(),
                    SideStats.of("", run.candidate(), warmupNanos, slo, 0, run.seconds()).ttftMs().p99()));
        }
        final VerdictReport.Replay replay = new VerdictReport.Replay(settings.timeScale(), decisionGrade, settings.concurrency(),
                settings.sequential() ? "sequential: baseline first, then candidate" : "concurrent: both sides at once, separate clients",
                warmupPolicy(settings), m.runs().get(0).startedAt(), seconds, settings.seed(), settings.bootstrapBlock().toMillis() / 1000.0,
                repetitions);
        if (in.policy().isolation().contains(Isolation.RUNTIME_CONFIRMED_DELETION)) {
            notes.add(deletionNote(in));
        }
        final VerdictReport.RuntimeCheck runtimeCheck = runtimeCheck(m, candStats.capture(), in.decision().captureTolerance());
        if (runtimeCheck.runtimeCapture() != null && Math.abs(runtimeCheck.runtimeCapture() - candStats.capture()) > in.decision().captureTolerance()) {
            notes.add(String.format(Locale.ROOT, "%s: its runtime counted %.1f%% of prompt tokens served from cache, its responses "
                    + "reported %.1f%%", in.candidate().describe(), runtimeCheck.runtimeCapture() * 100, candStats.capture() * 100));
        }
        return new VerdictReport(in.requestId(), in.laneKey(), in.profile().name(), in.trigger(), window(in, shapes), replay,
                VerdictReport.Demand.of(demand.source(), profile, month, in.coverageAcceptedBy()), baseSide, candSide, capacity, runtimeCheck,
                intervals, ruling.decision().name(), ruling.reasons(), ruling.byocReasons(), notes, thresholds(in, slo), substitution(in),
                VerdictReport.standardFormulas(), Instant.now().toString());
    }

    /** What the lane's runtime-confirmed deletion rests on: the drill read, or where none was found. */
    private static String deletionNote(final Inputs in) {
        final DrillEvidence drill = in.deletionDrill();
        if (drill == null) {
            return "deletion: no signed deletion drill of " + in.profile().name() + " behind " + in.candidate().describe()
                    + " is on record; run zumik purge --runtime " + in.profile().name() + " against it";
        }
        return String.format(Locale.ROOT, "deletion: the latest drill of %s behind %s finished %s (%.1f days ago, limit %.0f), %s, "
                + "signed by key %s (%s)", drill.candidate(), drill.serving(), drill.finishedAt(), drill.ageDays(Instant.now()),
                in.decision().deletionDrillMaxAgeDays(), drill.confirmed() ? "deletion confirmed on every tier" : "deletion NOT confirmed",
                drill.keyId(), drill.source());
    }

    private static Double runtimeCapture(final Measurement m) {
        if (m.runtime() == null || m.runtime().counts() == null) {
            return null;
        }
        final double capture = m.runtime().counts().capture();
        return Double.isNaN(capture) ? null : capture;
    }

    /** The runtime's count of the candidate's capture against its responses', and which one the decision used. */
    private static VerdictReport.RuntimeCheck runtimeCheck(final Measurement m, final double reported, final double tolerance) {
        final Double runtime = runtimeCapture(m);
        if (runtime == null) {
            return new VerdictReport.RuntimeCheck(null, m.runtime() == null ? null : m.runtime().url(), null, reported, null, null,
                    "the responses' figure, unconfirmed", m.runtime() == null ? "the runtime's counters were not read"
                    : m.runtime().problem() != null ? m.runtime().problem() : "the runtime looked up no prompt tokens during the replay", List.of());
        }
        final var counts = m.runtime().counts();
        final String uses = reported - runtime > tolerance ? "neither: the responses claim more than the runtime counted (CAPTURE_UNCONFIRMED)"
                : runtime - reported > tolerance ? "the responses' figure, the lower of the two (the verdict is conservative)"
                : "the responses' figure, confirmed by the runtime within " + tolerance;
        return new VerdictReport.RuntimeCheck(counts.source(), m.runtime().url(), runtime, reported, counts.queried(), counts.hit(), uses,
                "a managed baseline publishes no cache counters: its capture is what its responses reported", m.runtime().replicas());
    }

    private static double mean(final List<ReplayCosts.Figures> figures, final ToDoubleFunction<ReplayCosts.Figures> f) {
        return figures.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    public static List<RequestShape> inArrivalOrder(final List<RequestShape> shapes) {
        return shapes.stream().sorted(Comparator.comparing(RequestShape::getArrivalTime).thenComparing(RequestShape::getEventId))
                .toList();
    }

    private static VerdictReport.Window window(final Inputs in, final List<RequestShape> shapes) {
        return new VerdictReport.Window(WindowDigest.name(in.laneKey(), in.from(), in.to()), in.from().toString(), in.to().toString(),
                shapes.size(), WindowDigest.sha256(shapes), in.truncatedByRetention());
    }

    /** The window's median prompt (nearest rank), for LONG_PROMPTS_ALONE. */
    static long medianPrompt(final List<RequestShape> shapes) {
        final long[] prompts = shapes.stream().mapToLong(RequestShape::getPromptTokens).sorted().toArray();
        return prompts.length == 0 ? 0 : prompts[(prompts.length - 1) / 2];
    }

    private static VerdictReport.ModelSubstitution substitution(final Inputs in) {
        final String[] lane = in.laneKey().split("/", 3);
        return new VerdictReport.ModelSubstitution(lane[0] + "/" + lane[1], in.profile() == null ? null : in.profile().model().name(),
                in.qualityEvidence() != null, in.qualityEvidence());
    }

    /**
     * The lane's declared SLOs; where it declares none, the baseline's replayed p99 with
     * {@link #IMPLICIT_SLO_SLACK} slack: moving must not make a lane slower than the API it leaves.
     */
    static SideStats.Slo slo(final LanePolicies.Policy policy, final Supplier<SideStats> baselineStats) {
        if (policy.ttftP99SloMs() != null || policy.e2eP99SloMs() != null) {
            return new SideStats.Slo(policy.ttftP99SloMs(), policy.e2eP99SloMs());
        }
        final SideStats baseline = baselineStats.get();
        final double ttft = baseline.ttftMs().p99();
        final double e2e = baseline.e2eMs().p99();
        return new SideStats.Slo(Double.isNaN(ttft) ? null : ttft * IMPLICIT_SLO_SLACK, Double.isNaN(e2e) ? null : e2e * IMPLICIT_SLO_SLACK);
    }

    private static ReplayClient client(final Vertx vertx, final Backend backend, final ReplaySettings settings) {
        return new ReplayClient(vertx, backend, settings.concurrency(), settings.idleTimeout(), settings.maxRetries());
    }

    /** Prefix hit tokens of an infinite cache over the window: all the reuse there is to capture. */
    static long idealHitTokens(final List<RequestShape> shapes) {
        final ReuseSimulator simulator = new ReuseSimulator(List.of(CachePolicy.infinite()));
        for (final RequestShape shape : shapes) {
            final long[] hashes = shape.getBlockHashes().stream().mapToLong(Long::longValue).toArray();
            simulator.observe(hashes, shape.getBlockSize(), shape.getHashedTokens(), shape.getArrivalTime().toEpochMilli());
        }
        return simulator.totals().get(0).hitTokens();
    }

    private static String warmupPolicy(final ReplaySettings settings) {
        return "caches start as the backends have them (cold for a fresh deployment); "
                + (settings.warmup().isZero() ? "no warm-up: every request counts"
                : "requests intended in the first " + settings.warmup().toMillis() + " ms are sent but left out of latency figures");
    }

    private static List<String> notes(final SideStats baseline, final SideStats candidate) {
        final List<String> notes = new ArrayList<>();
        for (final SideStats side : List.of(baseline, candidate)) {
            if (side.promptTokenMismatch() > 0.02) {
                notes.add(String.format("%s: reported prompt tokens differ from the synthesized length by %.1f%% (tokenizer or template)",
                        side.backend(), side.promptTokenMismatch() * 100));
            }
            if (side.outputTokenMismatch() > 0.02) {
                notes.add(String.format("%s: output tokens differ from the captured completion tokens by %.1f%% (the model stopped on its own)",
                        side.backend(), side.outputTokenMismatch() * 100));
            }
        }
        return notes;
    }

    private static VerdictReport.Thresholds thresholds(final Inputs in, final SideStats.Slo slo) {
        final boolean declared = in.policy().declaresSlo();
        final LanePolicies.Policy p = in.policy();
        return new VerdictReport.Thresholds(in.decision().asMap(), in.settings().maxLagP99Millis(), in.settings().maxErrorRate(),
                slo.ttftMs(), slo.e2eMs(), declared ? "declared by the lane policy" : "none declared: the baseline's replayed p99 x " + IMPLICIT_SLO_SLACK,
                p.sloTarget(in.decision()), p.acceptedPremiumPct(in.decision()));
    }
}
