package dev.zumik.cli;

import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.replay.schedule.ReplaySettings;
import dev.zumik.replay.sign.SigningKeys;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How replays run, are judged and signed: shared by {@code replay-worker} and {@code replay --trace}. */
final class ReplayOptions {
    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "Ed25519 private key (PEM) that signs verdicts; make one with 'zumik keys generate'.")
    Path signingKey;

    @Option(names = "--prices", paramLabel = "FILE", description = "Price table YAML (default: the shipped one).")
    Path prices;

    @Option(names = "--lanes", paramLabel = "FILE", description = "Lane policies YAML: the SLOs a replay's goodput is measured against.")
    Path lanes;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "10000",
            description = "Most requests in flight per side; more wait, and their wait counts as schedule lag (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Requests intended in this first part of the replay are sent but not counted in latency (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--sequential", description = "Replay the baseline first, then the candidate (default: both at once).")
    boolean sequential;

    @Option(names = "--max-lag-p99", paramLabel = "MS", defaultValue = "50",
            description = "Schedule lag p99 above this makes a verdict INCONCLUSIVE (default ${DEFAULT-VALUE} ms).")
    double maxLagP99;

    @Option(names = "--max-error-rate", paramLabel = "SHARE", defaultValue = "0.05",
            description = "A side failing more than this share of requests makes a verdict INCONCLUSIVE (default ${DEFAULT-VALUE}).")
    double maxErrorRate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the bootstrap intervals (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--repetitions", paramLabel = "N",
            description = "Replay the window N times, each under fresh prompt content, and fold the spread into the intervals "
                    + "(default: 3 for the worker, 1 for replay --trace).")
    Integer repetitions;

    @Option(names = "--bootstrap-block", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "The bootstrap resamples blocks of the schedule this long (default ${DEFAULT-VALUE}; a tenth of a shorter replay).")
    Duration bootstrapBlock;

    @Option(names = "--candidate-replicas", paramLabel = "N",
            description = "Replicas behind the candidate (default: read from its scheduler's metrics; a verdict on other capacity than "
                    + "the priced one is INCONCLUSIVE).")
    Integer candidateReplicas;

    @Option(names = "--candidate-metrics", paramLabel = "URL", split = ",",
            description = {"Each candidate replica's runtime metrics endpoint (repeatable: every vLLM pod's :8000/metrics, every Dynamo "
                    + "worker's system port /metrics), where the runtime's own cached-token counters are read before and after the replay.",
                "Default: the candidate host's /metrics, where a single server publishes them."})
    List<String> candidateMetrics = new ArrayList<>();

    /** The --candidate-metrics URLs, each checked. */
    List<URI> candidateMetrics() {
        return candidateMetrics.stream().map(u -> Values.httpUrl("--candidate-metrics", u)).toList();
    }

    Integer candidateReplicas() {
        if (candidateReplicas != null && candidateReplicas < 1) {
            throw ZumikException.usage("--candidate-replicas must be >= 1, got " + candidateReplicas);
        }
        return candidateReplicas;
    }

    ReplaySettings settings(final double timeScale, final int defaultRepetitions) {
        try {
            final ReplaySettings d = ReplaySettings.defaults();
            return new ReplaySettings(timeScale, concurrency, sequential, warmup, maxLagP99, maxErrorRate, d.maxRetries(), d.idleTimeout(),
                    d.bootstrapIterations(), d.confidence(), seed, repetitions != null ? repetitions : defaultRepetitions, bootstrapBlock);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
    }

    PrivateKey key() {
        if (signingKey == null) {
            throw ZumikException.usage("--signing-key FILE is required (make one with 'zumik keys generate --out DIR')");
        }
        try {
            return SigningKeys.readPrivate(Values.readableFile("--signing-key", signingKey));
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
    }

    PriceTable priceTable() {
        try {
            return prices == null ? PriceTable.defaults() : PriceTable.read(Values.readableFile("--prices", prices));
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
    }

    LanePolicies policies() {
        try {
            return lanes == null ? LanePolicies.none() : LanePolicies.read(Values.readableFile("--lanes", lanes));
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
    }
}
