package dev.zumik.bench;

import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.backend.Runtime;
import dev.zumik.replay.client.ErrorClass;
import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.client.ReplayClient;
import dev.zumik.replay.client.RequestSender;
import dev.zumik.replay.schedule.OpenLoopScheduler;
import dev.zumik.replay.schedule.Progress;
import dev.zumik.replay.verdict.Percentiles;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The replay scheduler's timing: schedule lag p50/p99 and achieved-rate error at several request
 * rates against the backend simulator ({@code zumik sim} in its own process), each against a baseline
 * measured in the same run: the same scheduler and event loop with a sender that answers at once
 * (no HTTP), which shows what this machine's timers and thread hand-offs cost alone. Then a
 * streams-in-flight run: long streams at a steady rate until thousands are open at once.
 * Arguments: seconds per rate (default 10), rates (default 500,1000,2000), streams-in-flight rate and
 * stream seconds (default 1000 and 8). Usage, from the project root after {@code mvn -q package -DskipTests}:
 * {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.ReplayBench 10 500,1000,2000}
 */
public final class ReplayBench {
    private static final Lane LANE = Lane.newBuilder().setProvider("bench").setModel("m").setRoute("r").build();

    private ReplayBench() { }

    public static void main(final String[] args) throws Exception {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final String[] rates = (args.length > 1 ? args[1] : "500,1000,2000").split(",");
        final int inFlightRate = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        final int streamSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        final Path work = Files.createTempDirectory("zumik-replaybench");
        final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            try (Simulated sim = Simulated.start(vertx, work, "fast", 1)) {
                run(vertx, sim.client(), shapes(500, 3, 4), "warm-up", false);
                for (final String rate : rates) {
                    final List<RequestShape> shapes = shapes(Integer.parseInt(rate.trim()), seconds, 4);
                    final Run bare = run(vertx, new Immediate(sim.client().backend()), shapes, "no-op sender (baseline)", true);
                    final Run real = run(vertx, sim.client(), shapes, "zumik sim", true);
                    System.out.printf("  %s req/s: lag p99 %.3f ms = %.2fx the no-op baseline's %.3f ms; rate error %.3f%% (baseline %.3f%%)%n",
                            rate, real.lag().p99(), real.lag().p99() / bare.lag().p99(), bare.lag().p99(), real.rateError() * 100,
                            bare.rateError() * 100);
                }
            }
            try (Simulated sim = Simulated.start(vertx, work, "slow", 100)) {
                // streams of streamSeconds x 10 tokens at 100 ms each, arriving at inFlightRate for streamSeconds
                run(vertx, sim.client(), shapes(inFlightRate, streamSeconds, streamSeconds * 10), "streams in flight", true);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    record Run(Percentiles.Summary lag, double rateError) { }

    /** {@code zumik sim --profile vllm} in its own process (1 ms to the first token, then one token per {@code itlMillis}), and a client for it. */
    private record Simulated(Process process, ReplayClient client) implements AutoCloseable {
        static Simulated start(final Vertx vertx, final Path work, final String name, final int itlMillis) throws Exception {
            final Path config = work.resolve(name + ".yaml");
            Files.writeString(config, "latency: {prefillTokensPerSecond: 100000000, overheadMillis: 1, itlMillis: " + itlMillis
                    + ", batchSlowdown: 0, maxBatch: 100000, prefillLanes: 100000, jitter: 0}\n");
            final int port = ChildProcesses.freePort();
            final Process process = ChildProcesses.zumik(work.resolve(name + ".log"), "sim", "--profile", "vllm", "--config", config.toString(),
                    "--listen", "127.0.0.1:" + port);
            ChildProcesses.awaitPort(port, 60);
            final ReplayClient client = new ReplayClient(vertx, new Backend("bench", URI.create("http://127.0.0.1:" + port), Runtime.VLLM,
                    "meta-llama/Llama-3.3-70B-Instruct", null), 20_000, Duration.ofMinutes(2), 1);
            client.warmUp(Duration.ofSeconds(10));
            return new Simulated(process, client);
        }

        @Override
        public void close() throws InterruptedException {
            client.close();
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Run run(final Vertx vertx, final RequestSender sender, final List<RequestShape> shapes, final String name,
                           final boolean print) throws InterruptedException {
        final long[] offsets = OpenLoopScheduler.offsets(shapes, 1);
        final Progress progress = new Progress(shapes.size());
        final long start = System.nanoTime() + 200_000_000L;
        final List<Outcome> outcomes = OpenLoopScheduler.run(vertx, sender, shapes, offsets, start, 20_000, 0, progress);
        final double[] lags = outcomes.stream().mapToDouble(o -> o.lagNanos() / 1e6).toArray();
        final long firstSend = outcomes.get(0).intendedNanos() + outcomes.get(0).lagNanos();
        final Outcome last = outcomes.get(outcomes.size() - 1);
        final long lastSend = last.intendedNanos() + last.lagNanos();
        final double intendedRate = (shapes.size() - 1) * 1e9 / (last.intendedNanos() - outcomes.get(0).intendedNanos());
        final double achievedRate = (shapes.size() - 1) * 1e9 / (lastSend - firstSend);
        final Run run = new Run(Percentiles.of(lags), Math.abs(achievedRate / intendedRate - 1));
        if (print) {
            final long failed = outcomes.stream().filter(o -> o.error() != ErrorClass.NONE).count();
            System.out.printf("%-24s %6d requests at %.0f req/s: lag p50 %.3f ms, p99 %.3f ms, max %.3f ms; achieved %.1f req/s (error %.3f%%);"
                            + " failed %d; peak in flight %d%n", name, shapes.size(), intendedRate, run.lag().p50(), run.lag().p99(),
                    Arrays.stream(lags).max().orElse(0), achievedRate, run.rateError() * 100, failed, progress.maxInFlight());
        }
        return run;
    }

    /** Small token-id prompts (64 tokens) at a steady rate. */
    private static List<RequestShape> shapes(final int perSecond, final int seconds, final int outputTokens) {
        final List<RequestShape> shapes = new ArrayList<>();
        final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < perSecond * seconds; i++) {
            shapes.add(RequestShape.newBuilder().setEventId("e" + i).setTenant("t").setLane(LANE)
                    .setArrivalTime(t0.plusNanos(i * 1_000_000_000L / perSecond)).setPromptTokens(64).setCompletionTokens(outputTokens)
                    .setBlockSize(64).setTokenizer("source:bench").setHashedTokens(64).setBlockHashes(List.of((long) i)).setHashKeyId("k")
                    .setHttpStatus(200).setStream(true).setSource(ShapeSource.IMPORT).build());
        }
        return shapes;
    }

    /** Answers every request at once on the event loop: the scheduler's own timing, without HTTP. */
    private record Immediate(Backend backend) implements RequestSender {
        @Override
        public void send(final int index, final long runStart, final long intended, final byte[] body, final int targetPrompt,
                         final int targetOutput, final Consumer<Outcome> done) {
            final long lag = Math.max(0, System.nanoTime() - runStart - intended);
            done.accept(new Outcome(index, intended, lag, 200, ErrorClass.NONE, 0, 0, 0, new int[0], targetPrompt, targetOutput, 0, null,
                    targetPrompt, targetOutput, 0));
        }
    }
}
