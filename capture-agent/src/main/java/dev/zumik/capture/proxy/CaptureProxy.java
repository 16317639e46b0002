package dev.zumik.capture.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.capture.ByteBudget;
import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.publish.ShapePublisher;
import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.core.http.ConnectionGuard;
import dev.zumik.core.prompt.Dialect;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pass-through proxy. Every method, path, header and body goes to the upstream byte for byte
 * (hop-by-hop headers excepted, Host set to the upstream's); responses stream back chunk by chunk
 * with backpressure, status and error bodies unchanged; a client that disconnects cancels its
 * upstream request. Copies of the bodies (up to the parse limit) go to a worker pool after the
 * response ends, which tokenizes, hashes and publishes the shape: the traffic never waits for it.
 */
public final class CaptureProxy implements AutoCloseable {
    /** Closes a client connection with no byte either way for this long (unless ZUMIK_HTTP_IDLE_TIMEOUT says otherwise). */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(15);

    /**
     * The most body bytes handed on as one chunk (Vert.x's default is 8 KB): as much as one socket read gives, so a
     * body read at once is relayed in one write and kept for shaping as the one array Vert.x copied it into.
     */
    static final int MAX_CHUNK_BYTES = 65_536;

    private static final Logger LOG = LoggerFactory.getLogger(CaptureProxy.class);
    /**
     * RFC 9110 §7.6.1 connection-specific headers, Host (it names the upstream) and Expect: the proxy
     * answers "100-continue" itself at once, so a client that waits for it (curl, some SDKs) never
     * stalls for its one-second fallback.
     */
    private static final Set<String> HOP_BY_HOP = caseInsensitive("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "host", "expect");

    private final CaptureSettings settings;
    private final Vertx vertx;
    private final HttpClientAgent client;
    private final HttpServer server;
    private final ShapingBacklog backlog;
    private final ByteBudget budget;
    private final ShapeTask.Factory shapes;
    private final MeterRegistry meters;
    private final Timer addedLatency;
    /** zumik_capture_requests by dialect (OTHER last) and status class (0 for none): looked up, not named, per request. */
    private final Counter[][] requestCounters = new Counter[Dialect.values().length + 1][10];

    private CaptureProxy(final CaptureSettings settings, final Vertx vertx, final HttpClientAgent client, final HttpServer server,
                         final ShapingBacklog backlog, final ByteBudget budget, final ShapeTask.Factory shapes, final MeterRegistry meters) {
        this.settings = settings;
        this.vertx = vertx;
        this.client = client;
        this.server = server;
        this.backlog = backlog;
        this.budget = budget;
        this.shapes = shapes;
        this.meters = meters;
        this.addedLatency = Timer.builder("zumik_capture_added_latency")
                .description("Time the proxy adds: request head in to upstream head out, plus response head in to client head out")
                .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram().register(meters);
    }

    /** Starts the proxy on the settings' listen address. */
    public static CaptureProxy start(final CaptureSettings settings, final TenantKeyStore keys, final ShapePublisher publisher,
                                     final MeterRegistry meters) {
        // epoll where Netty's native library loads (Linux x86-64), else NIO: fewer system calls per relayed request.
        // The relay runs on one event loop: Vert.x binds a server instance's connections to one loop, and opens each upstream
        // connection on the loop of the request that asked for it, so a request never changes thread (as nginx with one
        // worker; ~20k short requests/s here). The pool's other loops stay idle: one a core rather than Vert.x's two.
        final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        final HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true).setTcpNoDelay(true).setDecompressionSupported(false)
                        .setConnectTimeout(10_000).setIdleTimeout(0).setMaxInitialLineLength(65_536).setMaxHeaderSize(65_536)
                        .setMaxChunkSize(MAX_CHUNK_BYTES),
                new PoolOptions().setHttp1MaxSize(512).setMaxWaitQueueSize(-1));
        final ShapingBacklog backlog = new ShapingBacklog(Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
                settings.shapingPriority(), meters);
        final ByteBudget budget = new ByteBudget(settings.shapingBacklogBytes(), meters, "zumik_capture_body_copies_bytes");
        final ShapeTask.Factory shapes = new ShapeTask.Factory(
                new ShapeBuilder(keys, settings.blockSize(), settings.tokenizer()), keys, publisher, settings.tenantHeader(), meters);
        // a request may wait minutes on a model that thinks before its first byte: the idle timeout is long
        final ConnectionGuard.Timeouts timeouts = ConnectionGuard.Timeouts.configured(IDLE_TIMEOUT);
        final HttpServer server = vertx.createHttpServer(ConnectionGuard.withIdleTimeout(new HttpServerOptions()
                .setHost(settings.listenHost()).setPort(settings.listenPort()).setTcpNoDelay(true)
                .setCompressionSupported(false).setDecompressionSupported(false).setHandle100ContinueAutomatically(true)
                .setMaxInitialLineLength(65_536).setMaxHeaderSize(65_536).setMaxChunkSize(MAX_CHUNK_BYTES), timeouts));
        final CaptureProxy proxy = new CaptureProxy(settings, vertx, client, server, backlog, budget, shapes, meters);
        ConnectionGuard.guard(vertx, server, timeouts, proxy::handle);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (final Exception e) {
            vertx.close();
            throw new IllegalStateException("capture proxy cannot listen on " + settings.listenHost() + ":"
                    + settings.listenPort() + ": " + (e.getCause() == null ? e : e.getCause()), e);
        }
        LOG.info("Capture proxy on {}:{} -> {}", settings.listenHost(), server.actualPort(), settings.upstreams());
        return proxy;
    }

    public int port() {
        return server.actualPort();
    }

    private void handle(final HttpServerRequest request) {
        final long startNanos = System.nanoTime();
        final Instant arrival = Instant.now();
        final String uri = request.uri();
        final String path = request.path() == null ? "/" : request.path();
        final String selected = request.getHeader(Upstream.SELECT_HEADER);
        final Optional<Upstream> route = settings.route(path, selected);
        if (route.isEmpty()) {
            request.response().setStatusCode(404).putHeader("content-type", "application/json")
                    .end(error(selected != null ? "no upstream is named " + selected : "no upstream is configured for path " + path,
                            "invalid_request_error", "no_route"));
            return;
        }
        final Upstream upstream = route.get();
        final String upstreamUri = upstream.basePath() + uri.substring(upstream.prefix().length());
        final Optional<Dialect> dialect = "POST".equals(request.method().name()) ? Dialect.ofPath(path) : Optional.empty();
        final Exchange exchange = new Exchange(dialect, upstream, upstream.routeOf(path.substring(upstream.prefix().length())), arrival,
                startNanos, settings.parseLimitBytes(), request.headers(), budget);
        request.pause();

        final RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(upstream.base().getHost())
                .setPort(upstream.port())
                .setSsl(upstream.tls())
                .setURI(upstreamUri)
                .setFollowRedirects(false);
        final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        request.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey())) {
                headers.add(h.getKey(), h.getValue());
            }
        });
        headers.set("Host", upstream.base().getPort() > 0 ? upstream.base().getHost() + ":" + upstream.base().getPort()
                : upstream.base().getHost());
        options.setHeaders(headers);

        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                upstreamFailed(request, exchange, ar.cause());
                return;
            }
            final HttpClientRequest upstreamRequest = ar.result();
            final boolean hasLength = request.headers().contains("content-length");
            if (!hasLength && hasBody(request)) {
                upstreamRequest.setChunked(true);
            }
            upstreamRequest.exceptionHandler(e -> upstreamFailed(request, exchange, e));
            request.response().closeHandler(v -> {
                if (!request.response().ended()) {
                    exchange.clientGone = true;
                    upstreamRequest.reset();
                }
            });
            upstreamRequest.response().onComplete(rr -> {
                if (rr.failed()) {
                    upstreamFailed(request, exchange, rr.cause());
                } else {
                    relayResponse(request, rr.result(), exchange);
                }
            });
            request.handler(chunk -> {
                exchange.requestBody.add(chunk);
                exchange.upstreamHeadOut();
                upstreamRequest.write(chunk);
                if (upstreamRequest.writeQueueFull()) {
                    request.pause();
                    upstreamRequest.drainHandler(v -> request.resume());
                }
            });
            request.endHandler(v -> {
                exchange.upstreamHeadOut();
                upstreamRequest.end();
            });
            request.exceptionHandler(e -> upstreamRequest.reset());
            request.resume();
            // The head goes out with the first body bytes (one write, not two); a request whose body has not come by the end
            // of this turn of the event loop has its head sent alone, so a slow body never holds it back.
            vertx.getOrCreateContext().runOnContext(v -> {
                if (exchange.upstreamHeadOut()) {
                    upstreamRequest.sendHead();
                }
            });
        });
    }

    private static boolean hasBody(final HttpServerRequest request) {
        final String te = request.getHeader("transfer-encoding");
        return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    private void relayResponse(final HttpServerRequest request, final HttpClientResponse upstreamResponse, final Exchange exchange) {
        final long headIn = System.nanoTime();
        final HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(upstreamResponse.statusCode());
        response.setStatusMessage(upstreamResponse.statusMessage());
        upstreamResponse.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey())) {
                response.headers().add(h.getKey(), h.getValue());
            }
        });
        if (!upstreamResponse.headers().contains("content-length")) {
            response.setChunked(true);
        }
        exchange.status = upstreamResponse.statusCode();
        exchange.responseEncoding = upstreamResponse.getHeader("content-encoding");
        exchange.responseBody.expect(upstreamResponse.getHeader("content-length"));
        exchange.responseHeadInNanos = headIn;
        // As on the way up: the head goes out with the first body bytes, or alone at the end of this turn of the event loop.
        vertx.getOrCreateContext().runOnContext(v -> {
            if (!response.headWritten() && !response.ended() && !response.closed()) {
                recordAddedLatency(exchange, response);
                response.writeHead();
            }
        });
        upstreamResponse.handler(chunk -> {
            exchange.responseChunk(chunk, System.nanoTime());
            recordAddedLatency(exchange, response);
            response.write(chunk);
            if (response.writeQueueFull()) {
                upstreamResponse.pause();
                response.drainHandler(v -> upstreamResponse.resume());
            }
        });
        upstreamResponse.exceptionHandler(e -> {
            exchange.failure = "upstream_stream_error";
            response.reset();
            finish(exchange);
        });
        upstreamResponse.endHandler(v -> {
            recordAddedLatency(exchange, response);
            response.end();
            exchange.endNanos = System.nanoTime();
            finish(exchange);
        });
    }

    /** Records the latency the proxy added, as the response head is about to be handed on to the client (once: until it is written). */
    private void recordAddedLatency(final Exchange exchange, final HttpServerResponse response) {
        if (!response.headWritten()) {
            final long forwardDelay = exchange.upstreamHeadSentNanos > 0 ? exchange.upstreamHeadSentNanos - exchange.startNanos : 0;
            addedLatency.record(Math.max(0, forwardDelay) + (System.nanoTime() - exchange.responseHeadInNanos), TimeUnit.NANOSECONDS);
        }
    }

    private void upstreamFailed(final HttpServerRequest request, final Exchange exchange, final Throwable cause) {
        if (exchange.finished) {
            return;
        }
        final HttpServerResponse response = request.response();
        if (exchange.clientGone) {
            exchange.failure = "client_disconnected";
        } else if (!response.headWritten() && !response.ended()) {
            exchange.failure = "upstream_unreachable";
            meters.counter("zumik_capture_upstream_errors", "reason", "unreachable").increment();
            response.setStatusCode(502).putHeader("content-type", "application/json")
                    .end(error("Zumik capture proxy could not reach the upstream " + exchange.upstream.base() + ": "
                            + cause.getClass().getSimpleName(), "upstream_error", "bad_gateway"));
            exchange.status = 502;
        } else {
            exchange.failure = "upstream_stream_error";
            meters.counter("zumik_capture_upstream_errors", "reason", "stream_broken").increment();
            response.reset();
        }
        exchange.endNanos = System.nanoTime();
        finish(exchange);
    }

    private void finish(final Exchange exchange) {
        if (exchange.finished) {
            return;
        }
        exchange.finished = true;
        exchange.seal();
        requestCounter(exchange).increment();
        if (exchange.dialect.isPresent() && !exchange.clientGone) {
            backlog.submit(shapes.task(exchange), exchange::release);
        } else {
            exchange.release();
        }
    }

    private Counter requestCounter(final Exchange exchange) {
        final int dialect = exchange.dialect.map(Enum::ordinal).orElse(Dialect.values().length);
        final int statusClass = Math.min(9, Math.max(0, exchange.status / 100));
        Counter counter = requestCounters[dialect][statusClass];
        if (counter == null) {
            counter = meters.counter("zumik_capture_requests", "dialect", exchange.dialect.map(Enum::name).orElse("OTHER"),
                    "status", statusClass == 0 ? "none" : statusClass + "xx");
            requestCounters[dialect][statusClass] = counter;
        }
        return counter;
    }

    private static Set<String> caseInsensitive(final String... names) {
        final Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return Collections.unmodifiableSet(set);
    }

    static String error(final String message, final String type, final String code) {
        final ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
        return error.toString();
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (final Exception e) {
            LOG.warn("Capture proxy did not stop cleanly: {}", e.toString());
        }
        backlog.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (final Exception e) {
            LOG.warn("Vert.x did not stop cleanly: {}", e.toString());
        }
    }

    /** Pending shaping work, for tests and shutdown. */
    public int shapingBacklog() {
        return backlog.size();
    }
}
