package dev.zumik.capture.admin;

import dev.zumik.core.http.ConnectionGuard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin port: Prometheus {@code /metrics} and {@code /healthz}. Health stays 200 while Kafka is
 * down, because the proxy keeps serving (fail-open); the body says whether shapes are flowing.
 */
public final class AdminServer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;

    private AdminServer(final Vertx vertx, final HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static AdminServer start(final String host, final int port, final PrometheusMeterRegistry registry,
                                    final Supplier<String> kafkaState) {
        final Vertx vertx = Vertx.vertx();
        final ConnectionGuard.Timeouts timeouts = ConnectionGuard.Timeouts.configured(Duration.ofMinutes(1));
        final HttpServer server = ConnectionGuard.guard(vertx, vertx.createHttpServer(ConnectionGuard.withIdleTimeout(new HttpServerOptions()
                .setHost(host).setPort(port).setTcpNoDelay(true), timeouts)), timeouts, request -> {
                    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
                        request.response().setStatusCode(405).putHeader("allow", "GET, HEAD").end();
                        return;
                    }
                    switch (request.path()) {
                        case "/metrics" -> request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                                .end(registry.scrape());
                        case "/healthz" -> request.response().putHeader("content-type", "application/json")
                                .end("{\"status\":\"UP\",\"kafka\":\"" + kafkaState.get() + "\"}");
                        default -> request.response().setStatusCode(404).end();
                    }
                });
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (final Exception e) {
            vertx.close();
            throw new IllegalStateException("admin port cannot listen on " + host + ":" + port + ": "
                    + (e.getCause() == null ? e : e.getCause()), e);
        }
        return new AdminServer(vertx, server);
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (final Exception ignored) {
            // closing anyway
        }
    }
}
