package dev.zumik.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Many concurrent streams through the backend simulator ({@code zumik sim} in its own process), and
 * the simulator's own CPU per streamed token, against a baseline measured in the same run: a bare
 * Vert.x server (its own process too) that streams the same number of fixed SSE events at the same
 * pace, with no model, cache, JSON or accounting. CPU comes from /proc (user + system) over the load
 * phase only. Arguments: streams (default 5000), tokens per stream (200), ms between tokens (100),
 * replicas of the simulated fleet (1) and its scheduler (the vllm profile's own, epp; the bench's prompts
 * are all alike, so epp keeps them on the replica that holds their prefix, and round-robin spreads them).
 * Usage, from the project root after {@code mvn -q package -DskipTests}:
 * {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.SimBench 5000 200 100}
 */
public final class SimBench {
    private static final String EVENT = "data: {\"id\":\"chatcmpl-0000000000000000\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,"
            + "\"model\":\"meta-llama/Llama-3.3-70B-Instruct\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the\"},\"logprobs\":null,"
            + "\"finish_reason\":null}]}\n\n";

    private SimBench() { }

    /** The baseline server: fixed events at a fixed pace, one periodic timer per stream. Args: port tokens itlMillis. */
    public static final class BareSseServer {
        private BareSseServer() { }

        public static void main(final String[] args) throws Exception {
            final int tokens = Integer.parseInt(args[1]);
            final long itl = Long.parseLong(args[2]);
            final Vertx vertx = Vertx.vertx();
            vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(Integer.parseInt(args[0])).setTcpNoDelay(true))
                    .requestHandler(request -> request.body().onSuccess(body -> {
                        final HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
                        response.writeHead();
                        final int[] sent = {0};
                        vertx.setPeriodic(itl, itl, id -> {
                            if (response.closed()) {
                                vertx.cancelTimer(id);
                            } else if (++sent[0] < tokens) {
                                response.write(EVENT);
                            } else {
                                vertx.cancelTimer(id);
                                response.end(EVENT + "data: [DONE]\n\n");
                            }
                        });
                    })).listen().toCompletionStage().toCompletableFuture().get();
            System.out.println("ready");
            Thread.currentThread().join();
        }
    }

    public static void main(final String[] args) throws Exception {
        final int streams = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        final int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        final int itl = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        final int replicas = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        final String scheduler = args.length > 4 ? args[4] : "epp";
        final Path work = Files.createTempDirectory("zumik-simbench");
        final Path config = work.resolve("sim.yaml");
        Files.writeString(config, "latency: {prefillTokensPerSecond: 1000000, overheadMillis: 5, itlMillis: " + itl
                + ", batchSlowdown: 0, maxBatch: 100000, prefillLanes: 100000, jitter: 0}\n");

        System.out.printf("%d concurrent streams of %d tokens, one every %d ms (about %d tokens/s in all)%n", streams, tokens, itl,
                (long) streams * 1000 / itl);
        final int barePort = ChildProcesses.freePort();
        final Result baseline = measure(ChildProcesses.java(work.resolve("bare.log"), BareSseServer.class, Integer.toString(barePort),
                Integer.toString(tokens), Integer.toString(itl)), barePort, streams, tokens, itl);
        print("bare SSE server (baseline)", baseline, streams, tokens);

        final int simPort = ChildProcesses.freePort();
        final Result simulated = measure(ChildProcesses.zumik(work.resolve("sim.log"), "sim", "--profile", "vllm", "--config",
                config.toString(), "--listen", "127.0.0.1:" + simPort, "--replicas", Integer.toString(replicas), "--scheduler", scheduler), simPort,
                streams, tokens, itl);
        print("zumik sim --profile vllm --replicas " + replicas + " --scheduler " + scheduler, simulated, streams, tokens);
        System.out.printf("simulator CPU per streamed token: %.2f us, %.2fx the bare SSE server's %.2f us%n",
                simulated.cpuMicrosPerToken(), simulated.cpuMicrosPerToken() / baseline.cpuMicrosPerToken(), baseline.cpuMicrosPerToken());
    }

    /** Loads the server once it listens, then stops it. */
    private static Result measure(final Process server, final int port, final int streams, final int tokens, final int itl) throws Exception {
        try {
            ChildProcesses.awaitPort(port, 60);
            return load(server.pid(), port, "/v1/chat/completions", streams, tokens, itl);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    record Result(int completed, int failed, long tokens, int peakOpen, int serverThreads, double cpuSeconds, double wallSeconds, Histogram ttft) {
        double cpuMicrosPerToken() {
            return cpuSeconds * 1e6 / tokens;
        }
    }

    private static void print(final String name, final Result r, final int streams, final int tokens) {
        System.out.printf("%-28s completed %d/%d (failed %d), peak open streams %d, server threads %d, tokens %d (%.1f%% of %d),"
                        + " first event p50 %.1f ms p99 %.1f ms, server CPU %.2f s over %.1f s, %.2f us/token%n",
                name, r.completed(), streams, r.failed(), r.peakOpen(), r.serverThreads(), r.tokens(), 100.0 * r.tokens() / ((long) streams * tokens),
                (long) streams * tokens, r.ttft().getValueAtPercentile(50) / 1e3, r.ttft().getValueAtPercentile(99) / 1e3, r.cpuSeconds(),
                r.wallSeconds(), r.cpuMicrosPerToken());
    }

    /** Opens {@code streams} streams over ~3 s, counts the events of each, waits for all to end. */
    private static Result load(final long serverPid, final int port, final String path, final int streams, final int tokens, final int itl)
            throws Exception {
        final Vertx vertx = Vertx.vertx();
        final HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setDefaultHost("127.0.0.1").setDefaultPort(port), new PoolOptions().setHttp1MaxSize(streams + 16).setMaxWaitQueueSize(-1));
        final String body = "{\"model\":\"meta-llama/Llama-3.3-70B-Instruct\",\"stream\":true,\"max_tokens\":" + tokens
                + ",\"ignore_eos\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Stream please.\"}]}";
        final CountDownLatch done = new CountDownLatch(streams);
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicLong events = new AtomicLong();
        final Histogram ttft = new Histogram(3_600_000_000L, 3);
        final long rampNanos = TimeUnit.SECONDS.toNanos(3);
        final double cpuBefore = cpuSeconds(serverPid);
        final long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            final long due = start + rampNanos * i / streams;
            vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime())), id -> {
                final long sent = System.nanoTime();
                final int[] boundaries = {0};
                final boolean[] lastWasNewline = {false};
                final boolean[] first = {true};
                client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path).putHeader("content-type", "application/json"))
                        .compose(request -> request.send(body))
                        .onSuccess(response -> {
                            peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                            response.handler(chunk -> {
                                if (first[0]) {
                                    first[0] = false;
                                    synchronized (ttft) {
                                        ttft.recordValue((System.nanoTime() - sent) / 1000);
                                    }
                                }
                                for (int b = 0; b < chunk.length(); b++) {
                                    final boolean newline = chunk.getByte(b) == '\n';
                                    if (newline && lastWasNewline[0]) {
                                        boundaries[0]++;
                                    }
                                    lastWasNewline[0] = newline;
                                }
                            });
                            response.endHandler(v -> {
                                open.decrementAndGet();
                                // every event but [DONE] (and a usage chunk, if any) carries a token
                                events.addAndGet(Math.min(tokens, boundaries[0] - 1));
                                completed.incrementAndGet();
                                done.countDown();
                            });
                            response.exceptionHandler(e -> {
                                open.decrementAndGet();
                                failed.incrementAndGet();
                                done.countDown();
                            });
                        })
                        .onFailure(e -> {
                            failed.incrementAndGet();
                            done.countDown();
                        });
            });
        }
        final int threadsMidRun;
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(rampNanos) + (long) tokens * itl / 2);
        threadsMidRun = threads(serverPid);
        if (!done.await(10L * tokens * itl + 120_000, TimeUnit.MILLISECONDS)) {
            System.out.println("timed out waiting for streams: " + done.getCount() + " left");
        }
        final double wall = (System.nanoTime() - start) / 1e9;
        final double cpu = cpuSeconds(serverPid) - cpuBefore;
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Result(completed.get(), failed.get(), events.get(), peak.get(), threadsMidRun, cpu, wall, ttft);
    }

    /** utime + stime of a process, from /proc/PID/stat (clock ticks of 1/100 s). */
    private static double cpuSeconds(final long pid) throws Exception {
        final String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static int threads(final long pid) throws Exception {
        for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring(8).trim());
            }
        }
        return -1;
    }
}
