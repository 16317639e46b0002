package dev.zumik.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The capture proxy against the proxies a team would otherwise put in the path, each a real process on the same
 * upstream with the same load generator, in one run: nginx (a reverse proxy with keep-alive to the upstream,
 * buffering off), Portkey's AI gateway (npm {@code @portkey-ai/gateway}, Node), and {@code zumik capture} with Kafka up
 * ({@code zumik dev} beside it; shaping at idle priority, the default, and at normal priority) and with Kafka
 * unreachable; calling the upstream directly is the floor. The upstream
 * (in this JVM) answers a ~40-token chat completion at once. Two modes: open loop at a rate every peer sustains
 * (latency from each request's intended send time, HdrHistogram), and closed loop at saturation (requests/s and the
 * CPU µs per request of the peer's own processes, from /proc; the broker's reported apart). Short prompts (~60 tokens)
 * and long ones (~8k tokens). Every phase waits until the agents have shaped what earlier phases left them. After each
 * open loop, a table of what its tail met: the agents' JVM stops (their -Xlog:safepoint) and the bench JVM's GC pauses
 * ({@link TailCauses}). The bench installs nothing: a missing peer is named with how to install it, and skipped.
 *
 * <p>Arguments: open-loop rate (default 500/s), seconds per phase (default 10), requests in flight in the closed loop
 * (default 8), open-loop rounds (default 3: every path in turn, each round; medians reported). {@code ZUMIK_BENCH_SIZES}
 * keeps one prompt size (short or long). {@code ZUMIK_BENCH_PEERS} keeps some peers (nginx, portkey, capture-up, capture-up-normal,
 * capture-down; direct always runs).
 * From the project root after {@code mvn -q package -DskipTests}:
 * {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.PeerProxyBench 500 10 8 3}
 */
public final class PeerProxyBench {
    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + "Your invoice is in the billing tab, under documents. ".repeat(4)
            + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":60,\"completion_tokens\":40,\"total_tokens\":100,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}";
    private static final String SHORT = chat("You answer billing questions for Acme. Be brief and exact. ".repeat(4), "Where is my invoice?");
    private static final String LONG = chat(longContext(), "Summarize the payment terms.");
    /** /proc/PID/stat after the command's name: the state, ten fields (ppid to cmajflt), then utime and stime in clock ticks. */
    private static final Pattern CPU_FIELDS = Pattern.compile("\\) \\S+((?: -?\\d+){10}) (\\d+) (\\d+)");

    private PeerProxyBench() { }

    private static String chat(final String system, final String user) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"" + system + "\"},{\"role\":\"user\",\"content\":\""
                + user + "\"}]}";
    }

    /** About 8,000 tokens of varied contract text. */
    private static String longContext() {
        final StringBuilder s = new StringBuilder();
        for (int i = 1; i <= 480; i++) {
            s.append("Clause ").append(i).append(": invoices for period ").append(i).append(" are due within ").append(i % 30 + 10)
                    .append(" days of issue. ");
        }
        return s.toString();
    }

    /** One proxy under test: its port, the path and headers its requests carry, and the processes whose CPU is its own. */
    private record Peer(String name, int port, String path, Map<String, String> headers, List<Process> processes, Optional<Integer> adminPort,
                        Optional<Path> stopLog) { }

    public static void main(final String[] args) throws Exception {
        final int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        final Vertx upstreamVertx = Vertx.vertx();
        final HttpServer upstream = upstreamVertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .requestHandler(request -> request.body().onSuccess(body -> request.response().putHeader("content-type", "application/json")
                        .end(ANSWER)));
        upstream.listen().toCompletionStage().toCompletableFuture().get();
        final int upstreamPort = upstream.actualPort();
        final Path work = Files.createTempDirectory("zumik-peer-bench");
        final List<Peer> peers = new ArrayList<>();
        final List<Process> all = new ArrayList<>();
        peers.add(new Peer("direct (the upstream itself)", upstreamPort, "/v1/chat/completions", Map.of(), List.of(), Optional.empty(),
                Optional.empty()));
        Process broker = null;
        try {
            final List<Peer> started = new ArrayList<>();
            if (wanted("nginx")) {
                nginx(work, upstreamPort).ifPresent(started::add);
            }
            if (wanted("portkey")) {
                portkey(work, upstreamPort).ifPresent(started::add);
            }
            final int kafkaPort = ChildProcesses.freePort();
            final int registryPort = ChildProcesses.freePort();
            broker = ChildProcesses.zumik(work.resolve("dev.log"), "dev", "--data-dir", work.resolve("kafka").toString(), "--kafka-port",
                    Integer.toString(kafkaPort), "--registry-port", Integer.toString(registryPort));
            all.add(broker);
            ChildProcesses.awaitPort(registryPort, 120);
            if (wanted("capture-up")) {
                started.add(capture(work, "zumik capture, Kafka up", upstreamPort, "127.0.0.1:" + kafkaPort, "http://127.0.0.1:" + registryPort,
                        "idle"));
            }
            if (wanted("capture-up-normal")) {
                started.add(capture(work, "zumik capture, Kafka up, shaping at normal priority", upstreamPort, "127.0.0.1:" + kafkaPort,
                        "http://127.0.0.1:" + registryPort, "normal"));
            }
            if (wanted("capture-down")) {
                started.add(capture(work, "zumik capture, Kafka unreachable", upstreamPort, "127.0.0.1:1", "http://127.0.0.1:1", "idle"));
            }
            started.forEach(p -> all.addAll(p.processes()));
            peers.addAll(started);
            for (final Peer p : peers) {
                ChildProcesses.awaitPort(p.port(), 60);
            }
            run(peers, broker, rate, seconds, inFlight, rounds);
        } finally {
            all.forEach(p -> p.descendants().forEach(ProcessHandle::destroy));
            all.forEach(Process::destroy);
            for (final Process p : all) {
                p.waitFor(30, TimeUnit.SECONDS);
            }
            upstreamVertx.close();
        }
    }

    private static void run(final List<Peer> peers, final Process broker, final int rate, final int seconds, final int inFlight,
                            final int rounds) throws Exception {
        final JvmStops benchPauses = JvmStops.ofThisJvm();
        final Vertx vertx = Vertx.vertx();
        final HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
        System.out.printf("upstream answers a ~40-token chat completion at once; every peer a process on loopback; 2 cores shared by all%n");
        for (final Peer p : peers) {
            warmUp(vertx, client, p, inFlight);
        }
        for (final String[] size : new String[][] {{"short (~60 tokens)", SHORT, "short"}, {"long (~8k tokens)", LONG, "long"}}) {
            if (!listed("ZUMIK_BENCH_SIZES", size[2])) {
                continue;
            }
            openLoopRounds(vertx, client, peers, benchPauses, size, rate, seconds, rounds);
            System.out.printf("%n### %s prompts: closed loop, %d in flight, %d s each%n%n", size[0], inFlight, seconds);
            System.out.println("| path | requests/s | CPU µs per request (its own processes) | broker CPU µs per request | allocated KB per request |");
            System.out.println("|---|---|---|---|---|");
            final List<String> shaping = new ArrayList<>();
            for (final Peer p : peers) {
                awaitShaped(peers);
                final Optional<double[]> shapesBefore = shapeCounts(p);
                final long cpuBefore = cpuMicros(p.processes());
                final long brokerBefore = cpuMicros(List.of(broker));
                final Optional<Double> allocatedBefore = allocated(p);
                final long done = closedLoop(vertx, client, p, size[1], inFlight, seconds);
                final double cpu = (cpuMicros(p.processes()) - cpuBefore) / (double) Math.max(1, done);
                final double brokerCpu = (cpuMicros(List.of(broker)) - brokerBefore) / (double) Math.max(1, done);
                final Optional<Double> allocatedAfter = allocated(p);
                System.out.printf("| %s | %,.0f | %s | %s | %s |%n", p.name(), done / (double) seconds, p.processes().isEmpty() ? "(upstream in the bench JVM)"
                                : String.format("%.0f", cpu), p.name().contains("Kafka up") ? String.format("%.0f", brokerCpu) : "",
                        allocatedBefore.isPresent() && allocatedAfter.isPresent()
                                ? String.format("%.1f", (allocatedAfter.get() - allocatedBefore.get()) / 1024.0 / Math.max(1, done)) : "");
                if (shapesBefore.isPresent() && p.name().contains("Kafka up")) {
                    shaping.add(shapingRow(p, done, shapesBefore.get()));
                }
            }
            printShaping("closed loop", shaping);
        }
        for (final Peer p : peers) {
            final Optional<Double> queued = jvmMetric(p, "zumik_capture_shapes_pending_bytes");
            final Optional<Double> oldGen = jvmMetric(p, "jvm_memory_used_bytes\\{area=\"heap\",id=\"G1 Old Gen\"}");
            if (queued.isPresent()) {
                System.out.printf("%n%s: %.1f MB of shapes queued at the end, %s MB in the old generation%n", p.name(),
                        queued.get() / (1 << 20), oldGen.map(b -> String.format("%.0f", b / (1 << 20))).orElse("?"));
            }
        }
        vertx.close();
    }

    /**
     * The open loop in rounds, every peer once a round in turn, so that a spell of noise on the shared cores (the direct
     * path's own p99 moves several milliseconds from one 10 s slice to the next) falls on one round, not on one peer.
     * Reports each percentile's median over the rounds, and "added" as the median of each round's difference from the
     * direct path in that round, with the range of the added p99 over the rounds.
     */
    private static void openLoopRounds(final Vertx vertx, final HttpClientAgent client, final List<Peer> peers, final JvmStops benchPauses,
                                       final String[] size, final int rate, final int seconds, final int rounds) throws InterruptedException {
        System.out.printf("%n### %s prompts: open loop at %d requests/s, %d rounds of %d s per path, interleaved; medians over the rounds%n%n",
                size[0], rate, rounds, seconds);
        System.out.println("| path | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | added p50 ms | added p99 ms (range over rounds) "
                + "|");
        System.out.println("|---|---|---|---|---|---|---|---|");
        final List<List<LoadGenerator.OpenLoopRun>> runs = new ArrayList<>();
        final List<List<Histogram>> byPeer = new ArrayList<>();
        awaitShaped(peers);
        final List<Optional<double[]>> shapesBefore = peers.stream().map(PeerProxyBench::shapeCounts).toList();
        peers.forEach(p -> byPeer.add(new ArrayList<>()));
        peers.forEach(p -> runs.add(new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < peers.size(); i++) {
                final Peer p = peers.get(i);
                awaitShaped(peers);
                final LoadGenerator.OpenLoopRun run = openLoop(vertx, client, p, size[1], rate, seconds);
                runs.get(i).add(run);
                byPeer.get(i).add(run.latencies());
            }
        }
        final List<Histogram> direct = byPeer.get(0);
        for (int i = 0; i < peers.size(); i++) {
            final List<Histogram> own = byPeer.get(i);
            final double[] addedP99 = added(own, direct, 99);
            System.out.printf("| %s | %.3f | %.3f | %.3f | %.3f | %d | %+.3f | %+.3f (%+.1f to %+.1f) |%n", peers.get(i).name(),
                    median(own, 50), median(own, 90), median(own, 99), median(own, 99.9),
                    own.stream().mapToLong(h -> Long.parseLong(h.getTag())).sum(), median(added(own, direct, 50)), median(addedP99),
                    addedP99[0], addedP99[addedP99.length - 1]);
        }
        System.out.printf("%nWhat the open loop's tail met: stops of the proxy's JVM (its -Xlog:safepoint) and GC pauses of the bench's own%n%n");
        System.out.println(TailCauses.header());
        for (int i = 0; i < peers.size(); i++) {
            System.out.println(TailCauses.row(peers.get(i).name(), runs.get(i), peers.get(i).stopLog()
                    .map(log -> new TailCauses.ProxyStops(JvmStops.fromLog(log, false), JvmStops.fromLog(log, true))), benchPauses));
        }
        final List<String> shaping = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            if (shapesBefore.get(i).isPresent() && peers.get(i).name().contains("Kafka up")) {
                shaping.add(shapingRow(peers.get(i), byPeer.get(i).stream().mapToLong(Histogram::getTotalCount).sum(), shapesBefore.get(i).get()));
            }
        }
        printShaping("open loop", shaping);
    }

    /** Each round's percentile of these histograms less the baseline's in the same round, sorted. */
    private static double[] added(final List<Histogram> own, final List<Histogram> baseline, final double percentile) {
        final double[] differences = new double[own.size()];
        for (int r = 0; r < own.size(); r++) {
            differences[r] = ms(own.get(r), percentile) - ms(baseline.get(r), percentile);
        }
        Arrays.sort(differences);
        return differences;
    }

    private static double median(final List<Histogram> rounds, final double percentile) {
        return median(rounds.stream().mapToDouble(h -> ms(h, percentile)).sorted().toArray());
    }

    /** The median of sorted values. */
    static double median(final double[] sorted) {
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Whether this peer runs: ZUMIK_BENCH_PEERS lists some of nginx, portkey, capture-up, capture-up-normal, capture-down (all when unset). */
    private static boolean wanted(final String peer) {
        return listed("ZUMIK_BENCH_PEERS", peer);
    }

    /** Whether an environment variable's comma-separated list names {@code item}; true when it is unset or blank. */
    private static boolean listed(final String variable, final String item) {
        final String listed = System.getenv(variable);
        return listed == null || listed.isBlank() || List.of(listed.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains(item);
    }

    /** nginx as a reverse proxy (keep-alive upstream, buffering off), its configuration written here; empty when nginx is missing. */
    private static Optional<Peer> nginx(final Path work, final int upstreamPort) throws Exception {
        final Optional<Path> binary = Optional.ofNullable(System.getenv("ZUMIK_BENCH_NGINX")).map(Path::of)
                .or(() -> findOnPath("nginx")).or(() -> Optional.of(Path.of("/usr/sbin/nginx")).filter(Files::isExecutable));
        if (binary.isEmpty()) {
            System.out.println("skipped nginx: not found (Debian: apt-get install nginx-light; or set ZUMIK_BENCH_NGINX to its binary)");
            return Optional.empty();
        }
        final int port = ChildProcesses.freePort();
        final Path dir = Files.createDirectories(work.resolve("nginx"));
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  upstream llm { server 127.0.0.1:%2$d; keepalive 64; }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://llm;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                      proxy_request_buffering off;
                      client_max_body_size 64m;
                    }
                  }
                }
                """.formatted(dir.toAbsolutePath(), upstreamPort, port));
        final Process nginx = ChildProcesses.stopOnExit(new ProcessBuilder(binary.get().toString(), "-p", dir.toAbsolutePath().toString(), "-c",
                dir.resolve("nginx.conf").toAbsolutePath().toString()).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile())
                .start());
        return Optional.of(new Peer("nginx " + version(binary.get().toString(), "-v"), port, "/v1/chat/completions", Map.of(), List.of(nginx),
                Optional.empty(), Optional.empty()));
    }

    /** Portkey's AI gateway from npm (ZUMIK_BENCH_PORTKEY, else bench/peers/node_modules); empty when it is missing. */
    private static Optional<Peer> portkey(final Path work, final int upstreamPort) throws Exception {
        final Path script = Path.of(Optional.ofNullable(System.getenv("ZUMIK_BENCH_PORTKEY"))
                .orElse("bench/peers/node_modules/@portkey-ai/gateway/build/start-server.js"));
        final Optional<Path> node = findOnPath("node");
        if (!Files.exists(script) || node.isEmpty()) {
            System.out.println("skipped Portkey's gateway: " + (node.isEmpty() ? "node not found" : script + " not found")
                    + " (npm ci --prefix bench/peers installs the pinned @portkey-ai/gateway; or set ZUMIK_BENCH_PORTKEY to its start-server.js)");
            return Optional.empty();
        }
        final int port = ChildProcesses.freePort();
        final ProcessBuilder builder = new ProcessBuilder(node.get().toString(), script.toString(), "--port=" + port, "--headless")
                .redirectErrorStream(true).redirectOutput(work.resolve("portkey.log").toFile());
        builder.environment().put("NODE_ENV", "production");
        final Process gateway = ChildProcesses.stopOnExit(builder.start());
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-portkey-provider", "openai");
        headers.put("x-portkey-custom-host", "http://127.0.0.1:" + upstreamPort + "/v1");
        headers.put("authorization", "Bearer sk-bench");
        return Optional.of(new Peer("Portkey AI gateway " + packageVersion(script), port, "/v1/chat/completions", headers, List.of(gateway),
                Optional.empty(), Optional.empty()));
    }

    private static Peer capture(final Path work, final String name, final int upstreamPort, final String kafka, final String registry,
                                final String shapingPriority) throws IOException {
        final int port = ChildProcesses.freePort();
        final int admin = ChildProcesses.freePort();
        final String logName = name.replaceAll("\\W+", "-");
        final Path stopLog = work.resolve(logName + "-safepoints.log");
        final Process capture = ChildProcesses.zumik(work.resolve(logName + ".log"), JvmStops.logOptions(stopLog), "capture", "--upstream",
                "http://127.0.0.1:" + upstreamPort, "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + admin, "--key-dir",
                work.resolve("keys").toString(), "--kafka", kafka, "--registry", registry,
                "--shaping-priority", shapingPriority);
        return new Peer(name, port, "/v1/chat/completions", Map.of("authorization", "Bearer sk-bench"), List.of(capture), Optional.of(admin),
                Optional.of(stopLog));
    }

    /**
     * Warms the connection pools, Node's and nginx's workers and the JIT: slices of 5 s short and 2 s long requests, and
     * for a JVM peer more of them until a slice costs its compilers under 2% of a core (at most 120 s). Measuring earlier
     * would bill a one-off cost, C2 compiling on the same two cores, to every request.
     */
    private static void warmUp(final Vertx vertx, final HttpClientAgent client, final Peer p, final int inFlight) throws InterruptedException {
        final long started = System.nanoTime();
        Optional<Double> compiled = compilationMillis(p);
        while (true) {
            closedLoop(vertx, client, p, SHORT, inFlight, 5);
            closedLoop(vertx, client, p, LONG, inFlight, 2);
            final Optional<Double> now = compilationMillis(p);
            final boolean settled = now.isEmpty() || compiled.isEmpty() || now.get() - compiled.get() < 140;
            compiled = now;
            if (settled || System.nanoTime() - started > TimeUnit.SECONDS.toNanos(120)) {
                break;
            }
        }
        if (p.adminPort().isPresent()) {
            System.out.printf("%s warmed up for %d s (until its JIT settled)%n", p.name(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        }
    }

    private static void printShaping(final String phase, final List<String> rows) {
        if (!rows.isEmpty()) {
            System.out.printf("%nWhat became of the %s's shapes (counted once the agent's shaping backlog was empty again):%n%n", phase);
            System.out.println("| path | requests | shapes published | of them unparsed (body copies over budget) | dropped (backlog full) "
                    + "| backlog empty again after |");
            System.out.println("|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
        }
    }

    /** Shapes published, unparsed for want of body-copy budget, and dropped for a full shaping backlog, so far; empty for other peers. */
    private static Optional<double[]> shapeCounts(final Peer p) {
        return jvmMetric(p, "zumik_capture_shapes_published_total").map(published -> new double[] {published,
                jvmMetric(p, "zumik_capture_unparsed_total\\{reason=\"shaping_backlog\"}").orElse(0.0),
                jvmMetric(p, "zumik_capture_shapes_dropped_total\\{reason=\"shaping_backlog\"}").orElse(0.0)});
    }

    /**
     * A row saying what became of the shapes of a phase's {@code done} requests: the agent shapes behind the relay (at
     * idle priority it may fall far behind under saturation), so this waits until its backlog is empty.
     */
    private static String shapingRow(final Peer p, final long done, final double[] before) throws InterruptedException {
        final double waited = awaitShaped(List.of(p));
        final double[] after = shapeCounts(p).orElse(before);
        return String.format("| %s | %,d | %,.0f (%.0f%%) | %,.0f | %,.0f | %.1f s |", p.name(), done, after[0] - before[0],
                100 * (after[0] - before[0]) / Math.max(1, done), after[1] - before[1], after[2] - before[2], waited);
    }

    /**
     * Waits, up to 120 s, until every agent has shaped what earlier phases left it (and, with Kafka up, published it), so
     * that no phase measures another's leftovers being worked off on the same cores; the seconds waited.
     */
    private static double awaitShaped(final List<Peer> peers) throws InterruptedException {
        final long start = System.nanoTime();
        for (final Peer p : peers) {
            while (jvmMetric(p, "zumik_capture_shaping_backlog").orElse(0.0) > 0
                    || p.name().contains("Kafka up") && jvmMetric(p, "zumik_capture_shapes_pending").orElse(0.0) > 0) {
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(120)) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Bytes the peer's JVM has allocated, from its admin metrics; empty for other peers. */
    private static Optional<Double> allocated(final Peer p) {
        return jvmMetric(p, "jvm_gc_memory_allocated_bytes_total");
    }

    /** Milliseconds the peer's JVM has spent compiling, from its admin metrics; empty for other peers. */
    private static Optional<Double> compilationMillis(final Peer p) {
        return jvmMetric(p, "jvm_compilation_time_ms_total");
    }

    /** The first series of a metric on the peer's admin port; empty for other peers. */
    private static Optional<Double> jvmMetric(final Peer p, final String name) {
        return metricText(p).flatMap(text -> {
            final Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+]+)").matcher(text);
            return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
        });
    }

    private static Optional<String> metricText(final Peer p) {
        if (p.adminPort().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.adminPort().get()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (final IOException e) {
            return Optional.empty();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** User plus system CPU of these processes and all their descendants, in µs, from /proc/PID/stat. */
    private static long cpuMicros(final List<Process> processes) {
        long ticks = 0;
        for (final Process p : processes) {
            final List<ProcessHandle> handles = new ArrayList<>(List.of(p.toHandle()));
            p.descendants().forEach(handles::add);
            for (final ProcessHandle h : handles) {
                try {
                    final Matcher m = CPU_FIELDS.matcher(Files.readString(Path.of("/proc/" + h.pid() + "/stat")));
                    if (m.find()) {
                        ticks += Long.parseLong(m.group(2)) + Long.parseLong(m.group(3));
                    }
                } catch (final IOException gone) {
                    // a process that ended between the listing and the read
                }
            }
        }
        return ticks * 1_000_000L / CLOCK_TICKS;
    }

    /** Linux clock ticks per second (USER_HZ): 100 on every kernel configuration this bench meets. */
    private static final long CLOCK_TICKS = 100;

    private static Optional<Path> findOnPath(final String name) {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            final Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String version(final String... command) {
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            final Matcher m = Pattern.compile("(\\d+\\.\\d+\\.\\d+)").matcher(out);
            return m.find() ? m.group(1) : "";
        } catch (final IOException e) {
            return "";
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String packageVersion(final Path script) {
        try {
            final Matcher m = Pattern.compile("\"version\":\\s*\"([^\"]+)\"").matcher(Files.readString(script.getParent().getParent()
                    .resolve("package.json")));
            return m.find() ? m.group(1) : "";
        } catch (final IOException e) {
            return "";
        }
    }

    private static double ms(final Histogram h, final double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static RequestOptions options(final Peer p) {
        final RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(p.port()).setURI(p.path())
                .addHeader("content-type", "application/json").setIdleTimeout(30_000);
        p.headers().forEach(o::addHeader);
        return o;
    }

    private static LoadGenerator.OpenLoopRun openLoop(final Vertx vertx, final HttpClientAgent client, final Peer p, final String prompt,
                                                      final int rate, final int seconds) throws InterruptedException {
        return LoadGenerator.timedOpenLoop(vertx, client, () -> options(p), Buffer.buffer(prompt.getBytes(StandardCharsets.UTF_8)), rate, seconds);
    }

    private static long closedLoop(final Vertx vertx, final HttpClientAgent client, final Peer p, final String prompt, final int inFlight,
                                   final int seconds) throws InterruptedException {
        return LoadGenerator.closedLoop(vertx, client, () -> options(p), Buffer.buffer(prompt.getBytes(StandardCharsets.UTF_8)), inFlight,
                seconds);
    }
}
