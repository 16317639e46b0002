package dev.zumik.bench;

import dev.zumik.capture.CaptureAgent;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.localstack.LocalStack;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;

/**
 * Latency the capture proxy adds, measured against calling the same upstream directly in the same
 * run, with every component in its own process as deployed (the proxy via {@code zumik capture},
 * Kafka and the registry via {@code zumik dev}): open-loop at a fixed rate (latency from each request's intended send time, so a stall is not
 * hidden), streaming and not, with Kafka up and with Kafka unreachable; and closed-loop throughput
 * through the proxy against direct. The upstream answers at once, so the figures are the proxy's
 * cost, not a model's. Arguments: rate (default 1000/s), seconds per phase (default 10), and
 * {@code in-process} (default: everything in this JVM) or {@code processes} (as deployed).
 * Usage, from the project root after {@code mvn -q package -DskipTests}:
 * {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.ProxyBench 1000 10}
 */
public final class ProxyBench {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\""
            + "You answer billing questions. ".repeat(40) + "\"},{\"role\":\"user\",\"content\":\"Where is my invoice?\"}]}";
    private static final String JSON_ANSWER = "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
            + "{\"role\":\"assistant\",\"content\":\"Here.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":260,"
            + "\"completion_tokens\":2,\"total_tokens\":262,\"prompt_tokens_details\":{\"cached_tokens\":0}}}";
    private static final String SSE_ANSWER = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Here\"}}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\".\"}}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":260,\"completion_tokens\":2,\"total_tokens\":262}}\n\ndata: [DONE]\n\n";

    private ProxyBench() { }

    public static void main(final String[] args) throws Exception {
        final int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final Vertx upstreamVertx = Vertx.vertx();
        final HttpServer upstream = upstreamVertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    if (request.path().equals("/v1/models/slow")) {
                        // an upstream that takes 20 ms, like a short LLM answer
                        upstreamVertx.setTimer(20, id -> request.response().putHeader("content-type", "application/json").end(JSON_ANSWER));
                    } else if (body.toString().contains("\"stream\":true")) {
                        request.response().putHeader("content-type", "text/event-stream").setChunked(true);
                        request.response().write(SSE_ANSWER.substring(0, 60));
                        request.response().end(SSE_ANSWER.substring(60));
                    } else {
                        request.response().putHeader("content-type", "application/json").end(JSON_ANSWER);
                    }
                }));
        upstream.listen().toCompletionStage().toCompletableFuture().get();
        final String upstreamUrl = "http://127.0.0.1:" + upstream.actualPort();
        final Path keys = Files.createTempDirectory("zumik-bench-keys");
        final Vertx clientVertx = Vertx.vertx();
        final HttpClientAgent client = clientVertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
        final String mode = args.length > 2 ? args[2] : "in-process";
        System.out.printf("open loop %d req/s, %d s per phase, %s; upstream answers at once; 2 cores shared by all%n",
                rate, seconds, mode.equals("processes")
                        ? "processes as deployed (this JVM: load generator + upstream; zumik dev; one zumik capture per agent)"
                        : "one JVM (load generator, upstream, embedded broker + registry, two capture agents)");
        try (Targets targets = mode.equals("processes") ? Targets.processes(upstreamUrl, keys) : Targets.inProcess(upstreamUrl, keys)) {
            // warm-up of every path
            for (final int port : new int[] {upstream.actualPort(), targets.upPort(), targets.downPort()}) {
                openLoop(clientVertx, client, port, false, rate, 5);
                openLoop(clientVertx, client, port, true, rate, 3);
            }
            System.out.println();
            System.out.println("| path | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | added p50 ms | added p99 ms |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (final boolean stream : new boolean[] {false, true}) {
                final Histogram direct = openLoop(clientVertx, client, upstream.actualPort(), stream, rate, seconds);
                final Histogram viaUp = openLoop(clientVertx, client, targets.upPort(), stream, rate, seconds);
                final Histogram viaDown = openLoop(clientVertx, client, targets.downPort(), stream, rate, seconds);
                final String kind = stream ? "streaming" : "JSON";
                row("direct, " + kind + " (baseline)", direct, direct);
                row("proxy, Kafka up, " + kind, viaUp, direct);
                row("proxy, Kafka unreachable, " + kind, viaDown, direct);
            }
            System.out.println();
            System.out.println("| closed loop, 64 in flight | direct req/s | via proxy req/s | ratio |");
            System.out.println("|---|---|---|---|");
            for (final String path : new String[] {"/v1/models", "/v1/chat/completions", "/v1/models/slow"}) {
                final double directRate = closedLoop(clientVertx, client, upstream.actualPort(), path, 64, seconds);
                final double proxyRate = closedLoop(clientVertx, client, targets.upPort(), path, 64, seconds);
                System.out.printf("| %s (%s) | %,.0f | %,.0f | %.2f |%n", path,
                        path.equals("/v1/models") ? "instant upstream, passed through, not shaped"
                                : path.equals("/v1/models/slow") ? "upstream answers in 20 ms, passed through"
                                : "instant upstream, shaped: tokenized, hashed, published",
                        directRate, proxyRate, proxyRate / directRate);
            }
        } finally {
            clientVertx.close();
            upstreamVertx.close();
        }
    }

    /** The two proxies under test: one whose Kafka is up, one whose Kafka is unreachable. */
    private interface Targets extends AutoCloseable {
        int upPort();

        int downPort();

        @Override
        void close() throws Exception;

        static Targets inProcess(final String upstreamUrl, final Path keys) throws Exception {
            final LocalStack stack = LocalStack.startEphemeral();
            try (Admin admin = Admin.create(
                    Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
                admin.createTopics(List.of(Topics.create(null).shapes().newTopic(Optional.empty())))
                        .all().get();
            }
            final CaptureSettings settings = CaptureSettings.defaults(
                    List.of(Upstream.parse(upstreamUrl)), keys);
            final Map<String, Object> producer = new HashMap<>(Map.of("bootstrap.servers", stack.bootstrapServers()));
            // ZUMIK_BENCH_PRODUCER_<PROPERTY>=value sets a property of the capture agent's producer, e.g. ZUMIK_BENCH_PRODUCER_LINGER_MS=50
            producer.putAll(EnvProperties.withPrefix("ZUMIK_BENCH_PRODUCER_"));
            final CaptureAgent up = CaptureAgent.start(settings, producer,
                    Topics.create(stack.registryClient()).shapes());
            final CaptureAgent down = CaptureAgent.start(settings,
                    Map.of("bootstrap.servers", "127.0.0.1:1"), Topics.create(
                            new SchemaRegistryClient(RegistrySettings.of("http://127.0.0.1:1"))).shapes());
            return new Targets() {
                @Override
                public int upPort() {
                    return up.port();
                }

                @Override
                public int downPort() {
                    return down.port();
                }

                @Override
                public void close() {
                    up.close();
                    down.close();
                    stack.close();
                }
            };
        }

        static Targets processes(final String upstreamUrl, final Path keys) throws Exception {
            final int kafkaPort = ChildProcesses.freePort();
            final int registryPort = ChildProcesses.freePort();
            final int upPort = ChildProcesses.freePort();
            final int downPort = ChildProcesses.freePort();
            final Path work = Files.createTempDirectory("zumik-proxy-bench");
            final List<Process> children = new ArrayList<>();
            final Targets targets = new Targets() {
                @Override
                public int upPort() {
                    return upPort;
                }

                @Override
                public int downPort() {
                    return downPort;
                }

                @Override
                public void close() throws InterruptedException {
                    children.forEach(Process::destroy);
                    for (final Process child : children) {
                        child.waitFor(30, TimeUnit.SECONDS);
                    }
                }
            };
            try {
                children.add(ChildProcesses.zumik(work.resolve("dev.log"), "dev", "--data-dir", work.resolve("kafka").toString(),
                        "--kafka-port", Integer.toString(kafkaPort), "--registry-port", Integer.toString(registryPort)));
                ChildProcesses.awaitPort(registryPort, 120);
                children.add(ChildProcesses.zumik(work.resolve("capture-up.log"), "capture", "--upstream", upstreamUrl, "--listen", "127.0.0.1:" + upPort,
                        "--admin", "off", "--key-dir", keys.toString(), "--kafka", "127.0.0.1:" + kafkaPort,
                        "--registry", "http://127.0.0.1:" + registryPort));
                children.add(ChildProcesses.zumik(work.resolve("capture-down.log"), "capture", "--upstream", upstreamUrl, "--listen", "127.0.0.1:" + downPort,
                        "--admin", "off", "--key-dir", keys.toString(), "--kafka", "127.0.0.1:1", "--registry", "http://127.0.0.1:1"));
                ChildProcesses.awaitPort(upPort, 60);
                ChildProcesses.awaitPort(downPort, 60);
                return targets;
            } catch (final Exception e) {
                targets.close();
                throw e;
            }
        }
    }

    private static void row(final String name, final Histogram h, final Histogram base) {
        System.out.printf("| %s | %.3f | %.3f | %.3f | %.3f | %d | %+.3f | %+.3f |%n", name, ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9),
                h.getTag() == null ? 0 : Long.parseLong(h.getTag()), ms(h, 50) - ms(base, 50), ms(h, 99) - ms(base, 99));
    }

    private static double ms(final Histogram h, final double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The open loop of {@link LoadGenerator} on the chat route, as JSON or streaming. */
    private static Histogram openLoop(final Vertx vertx, final HttpClientAgent client, final int port, final boolean stream, final int rate,
                                      final int seconds) throws InterruptedException {
        final String body = stream ? CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"") : CHAT;
        return LoadGenerator.openLoop(vertx, client, () -> new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                        .setURI("/v1/chat/completions").addHeader("content-type", "application/json").setIdleTimeout(10_000),
                Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)), rate, seconds);
    }

    /** Requests per second answered with {@code inFlight} requests always outstanding: GET for the model routes, else the chat body. */
    private static double closedLoop(final Vertx vertx, final HttpClientAgent client, final int port, final String path, final int inFlight,
                                     final int seconds) throws InterruptedException {
        final boolean get = path.startsWith("/v1/models");
        return LoadGenerator.closedLoop(vertx, client, () -> new RequestOptions().setMethod(get ? HttpMethod.GET : HttpMethod.POST)
                        .setHost("127.0.0.1").setPort(port).setURI(path).setIdleTimeout(10_000),
                get ? null : Buffer.buffer(CHAT.getBytes(StandardCharsets.UTF_8)), inFlight, seconds) / (double) seconds;
    }
}
