package dev.zumik.sim.http;

import dev.zumik.core.hashing.BlockHasher;
import dev.zumik.core.http.ConnectionGuard;
import dev.zumik.core.prompt.Dialect;
import dev.zumik.core.tokens.Tokenizer;
import dev.zumik.core.tokens.Tokenizers;
import dev.zumik.sim.model.PromptRequest;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.SimProfile;
import dev.zumik.sim.profile.WireDialect;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The simulator's HTTP front: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/messages}, {@code /v1/models} (also under a prefix such as KServe's {@code /openai}),
 * {@code /metrics} and {@code /health}. Requests are parsed and tokenized on Vert.x event loops
 * (large text prompts on a worker) and handed to the {@link SimEngine}, whose thread writes each
 * response as the model produces it: no thread per request.
 */
public final class SimServer implements AutoCloseable {
    /** Header a client sets to force a fault on its request: an error status, drop, slow or spike. */
    public static final String FAULT_HEADER = "x-zumik-sim-fault";
    private static final int INLINE_TOKENIZE_CHARS = 32 * 1024;
    /** The largest request body taken (a prompt of millions of tokens fits); larger is 413 with the sizes, read no further. */
    public static final int MAX_BODY_BYTES = Json.MAX_DOCUMENT_BYTES;

    private final SimProfile profile;
    private final Vertx vertx;
    private final HttpServer server;
    private final SimFleet fleet;
    private final PrometheusMeterRegistry registry;
    private final SimMetrics metrics;
    private final Wire openAi;
    private final Wire anthropic = new AnthropicWire();
    private final Tokenizer tokenizer;
    private final ThreadLocal<BlockHasher> hashers;
    private final long startedSeconds = System.currentTimeMillis() / 1000;

    private final RuntimeAdmin admin;

    private SimServer(final SimProfile profile, final String host, final int port, final int replicas, final SimFleet.Scheduler scheduler,
                      final boolean vllmDevMode) {
        this.profile = profile;
        this.fleet = new SimFleet(profile, replicas, scheduler);
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new SimMetrics(registry, fleet, profile);
        this.openAi = profile.wire() == WireDialect.ANTHROPIC ? null : new OpenAiWire(profile.wire());
        this.tokenizer = Tokenizers.byName(profile.tokenizer());
        final byte[] key = hashKey(profile.seed());
        this.hashers = ThreadLocal.withInitial(() -> new BlockHasher(key));
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
        this.admin = new RuntimeAdmin(profile, fleet, vertx, vllmDevMode);
        metrics.adminCounters(admin.removeAll);
        final ConnectionGuard.Timeouts timeouts = ConnectionGuard.Timeouts.configured(Duration.ofMinutes(10));
        this.server = ConnectionGuard.guard(vertx, vertx.createHttpServer(ConnectionGuard.withIdleTimeout(new HttpServerOptions().setHost(host)
                .setPort(port).setTcpNoDelay(true).setCompressionSupported(false), timeouts)), timeouts, this::handle);
    }

    /** Starts a one-replica simulator for {@code profile} on {@code host:port} (0 picks a free port). */
    public static SimServer start(final SimProfile profile, final String host, final int port) {
        return start(profile, host, port, 1, SimFleet.Scheduler.of(profile));
    }

    /** Starts a fleet of {@code replicas} behind {@code scheduler} on {@code host:port}. */
    public static SimServer start(final SimProfile profile, final String host, final int port, final int replicas,
                                  final SimFleet.Scheduler scheduler) {
        return start(profile, host, port, replicas, scheduler, "1".equals(System.getenv("VLLM_SERVER_DEV_MODE")));
    }

    /**
     * As above; {@code vllmDevMode} mounts vLLM's {@code /reset_prefix_cache}, as vLLM does only under
     * {@code VLLM_SERVER_DEV_MODE=1} (which the other overloads read).
     */
    public static SimServer start(final SimProfile profile, final String host, final int port, final int replicas,
                                  final SimFleet.Scheduler scheduler, final boolean vllmDevMode) {
        final SimServer sim = new SimServer(profile, host, port, replicas, scheduler, vllmDevMode);
        try {
            sim.server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (final Exception e) {
            sim.close();
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
        return sim;
    }

    public int port() {
        return server.actualPort();
    }

    public SimProfile profile() {
        return profile;
    }

    /** The Prometheus text of {@code /metrics}. */
    public String scrape() {
        return registry.scrape();
    }

    private void handle(final HttpServerRequest request) {
        final String path = pathOf(request);
        if (path.equals("/metrics")) {
            request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
            return;
        }
        if (path.equals("/health") || path.equals("/healthz")) {
            request.response().end();
            return;
        }
        if (admin.handle(request)) {
            return;
        }
        if (path.endsWith("/v1/models") && request.method() == HttpMethod.GET) {
            metrics.request("/v1/models", 200);
            request.response().putHeader("content-type", "application/json")
                    .end(wire(Dialect.OPENAI_CHAT).models(profile.models(), profile.output().contextTokens(), startedSeconds));
            return;
        }
        final Optional<Dialect> api = Dialect.ofPath(path).filter(this::serves);
        final Wire wire = wire(api.orElse(profile.wire() == WireDialect.ANTHROPIC ? Dialect.ANTHROPIC_MESSAGES : Dialect.OPENAI_CHAT));
        if (api.isEmpty()) {
            sendError(request, wire, 404, "Not found: " + request.method() + " " + path, "not_found", metrics);
            return;
        }
        if (request.method() != HttpMethod.POST) {
            sendError(request, wire, 405, "Method Not Allowed", null, metrics);
            return;
        }
        final long arrival = System.nanoTime();
        final String length = request.getHeader("content-length");
        if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
            request.response().putHeader("connection", "close");
            sendError(request, wire, 413, tooLarge(length.strip() + " bytes"), "request_too_large", metrics);
            return;
        }
        final Buffer received = Buffer.buffer();
        request.handler(chunk -> {
            if (received.length() + chunk.length() > MAX_BODY_BYTES) {
                if (!request.response().ended()) {
                    request.response().putHeader("connection", "close");
                    sendError(request, wire, 413, tooLarge("over " + MAX_BODY_BYTES + " bytes"), "request_too_large", metrics);
                }
                return;
            }
            received.appendBuffer(chunk);
        });
        request.endHandler(end -> {
            if (request.response().ended()) {
                return;
            }
            final Buffer body = received;
            final SimRequest sim;
            try {
                sim = RequestReader.read(api.get(), body.getBytes(), profile.wire(), profile.models());
            } catch (final RequestReader.BadRequest e) {
                sendError(request, wire, e.status, e.getMessage(), e.code, metrics);
                return;
            }
            if (sim.promptIds() != null || sim.promptText().length() <= INLINE_TOKENIZE_CHARS) {
                run(request, wire, sim, tokens(sim), arrival);
            } else {
                vertx.executeBlocking(() -> tokens(sim), false).onComplete(tokens -> {
                    if (tokens.succeeded()) {
                        run(request, wire, sim, tokens.result(), arrival);
                    } else {
                        sendError(request, wire, 500, "tokenization failed", null, metrics);
                    }
                });
            }
        });
    }

    private void run(final HttpServerRequest request, final Wire wire, final SimRequest sim, final int[] tokens, final long arrival) {
        if (tokens.length + (sim.maxTokens() == null ? 0 : sim.maxTokens()) > profile.output().contextTokens()) {
            sendError(request, wire, 400, "This model's maximum context length is " + profile.output().contextTokens() + " tokens. However, you requested "
                    + (tokens.length + (sim.maxTokens() == null ? 0 : sim.maxTokens())) + " tokens (" + tokens.length + " in the messages, "
                    + (sim.maxTokens() == null ? 0 : sim.maxTokens()) + " in the completion).", "context_length_exceeded", metrics);
            return;
        }
        final long[] hashes = hashers.get().hashTokens(tokens, tokens.length, profile.blockSize());
        final PromptRequest prompt = new PromptRequest(hashes, tokens.length, sim.cacheRequested(), sim.maxTokens(), sim.minTokens(),
                sim.ignoreEos(), request.getHeader(FAULT_HEADER));
        final Exchange exchange = new Exchange(request, wire, sim, tokens.length, arrival, metrics, profile.wire() == WireDialect.ANTHROPIC,
                profile.faults().cachedReportScale());
        metrics.open.incrementAndGet();
        final AtomicBoolean counted = new AtomicBoolean(true);
        final Runnable cancel = fleet.submit(prompt, exchange);
        request.response().closeHandler(closed -> {
            if (counted.getAndSet(false)) {
                metrics.open.decrementAndGet();
            }
            cancel.run();
        });
        request.response().endHandler(done -> {
            if (counted.getAndSet(false)) {
                metrics.open.decrementAndGet();
            }
        });
    }

    private int[] tokens(final SimRequest sim) {
        return sim.promptIds() != null ? sim.promptIds() : tokenizer.encode(sim.promptText());
    }

    /** Managed APIs serve only their own dialect; GPU runtimes serve the OpenAI endpoints and /v1/messages. */
    private boolean serves(final Dialect api) {
        return switch (api) {
            case OPENAI_CHAT, OPENAI_COMPLETIONS -> profile.wire() != WireDialect.ANTHROPIC;
            case ANTHROPIC_MESSAGES -> profile.wire() != WireDialect.OPENAI;
            default -> false;
        };
    }

    private Wire wire(final Dialect api) {
        return api == Dialect.ANTHROPIC_MESSAGES || openAi == null ? anthropic : openAi;
    }

    private static String tooLarge(final String size) {
        return "the request body is " + size + "; this server takes at most " + MAX_BODY_BYTES + " bytes (" + (MAX_BODY_BYTES >> 20) + " MiB)";
    }

    static void sendError(final HttpServerRequest request, final Wire wire, final int status, final String message, final String code,
                          final SimMetrics metrics) {
        final HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        metrics.request(Dialect.ofPath(pathOf(request)).map(Dialect::path).orElse("other"), status);
        final String body = wire.error(status, message, code, response.headers());
        response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }

    private static String pathOf(final HttpServerRequest request) {
        final String path = request.path();
        return path == null ? "/" : path;
    }

    /** The simulator's block-hash key: a function of the seed, so that runs with one seed hash alike. */
    private static byte[] hashKey(final long seed) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("zumik-sim/" + seed).getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (final Exception ignored) {
            // closing anyway
        } finally {
            fleet.close();
        }
    }
}
