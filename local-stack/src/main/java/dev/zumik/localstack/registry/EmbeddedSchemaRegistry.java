package dev.zumik.localstack.registry;

import dev.zumik.core.http.ConnectionGuard;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyStoreOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Confluent-compatible schema registry for the single-machine default. Its store is a
 * compacted Kafka topic, so ids survive restarts. It is a single writer: run one instance per
 * Kafka cluster (production uses Confluent, Apicurio ccompat, Karapace or Redpanda).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final Vertx vertx;
    private final HttpServer server;
    private final SchemaStore store;
    private final String url;

    private EmbeddedSchemaRegistry(final Vertx vertx, final HttpServer server, final SchemaStore store, final String url) {
        this.vertx = vertx;
        this.server = server;
        this.store = store;
        this.url = url;
    }

    /**
     * Loads the store from {@code topic} and serves the REST API on {@code host:port} (0 picks a free port).
     *
     * @param clientOverrides Kafka client properties for the store's clients (security settings, etc.)
     * @param security        TLS and basic auth of the API
     */
    public static EmbeddedSchemaRegistry start(final String bootstrapServers, final String host, final int port,
                                               final String topic, final Map<String, Object> clientOverrides,
                                               final RegistryServerSecurity security) {
        final SchemaStore store = new SchemaStore(bootstrapServers, topic, clientOverrides);
        final Vertx vertx = Vertx.vertx();
        try {
            final ConnectionGuard.Timeouts timeouts = ConnectionGuard.Timeouts.configured(Duration.ofMinutes(2));
            final HttpServerOptions options = ConnectionGuard.withIdleTimeout(new HttpServerOptions().setHost(host).setPort(port)
                    .setTcpNoDelay(true), timeouts);
            if (security.tls()) {
                options.setSsl(true).setKeyCertOptions(new KeyStoreOptions().setType("PKCS12")
                        .setPath(security.keystore().toAbsolutePath().toString()).setPassword(security.keystorePassword()));
            }
            final HttpServer server = ConnectionGuard.guard(vertx, vertx.createHttpServer(options), timeouts,
                            new RegistryApi(store).router(vertx, security.users()), RegistryApi.MALFORMED_BODY)
                    .listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            final String url = (security.tls() ? "https://" : "http://") + host + ":" + server.actualPort();
            LOG.info("Schema registry ready at {} (store: topic {}{}{})", url, topic, security.tls() ? ", TLS" : "",
                    security.users().isEmpty() ? "" : ", basic auth");
            return new EmbeddedSchemaRegistry(vertx, server, store, url);
        } catch (final Exception e) {
            vertx.close();
            store.close();
            throw new IllegalStateException("Schema registry could not listen on " + host + ":" + port + ": "
                    + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    public static EmbeddedSchemaRegistry start(final String bootstrapServers, final int port) {
        return start(bootstrapServers, "127.0.0.1", port, SchemaStore.DEFAULT_TOPIC, Map.of(), RegistryServerSecurity.none());
    }

    public String url() {
        return url;
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (final Exception e) {
            LOG.warn("Schema registry did not stop cleanly: {}", e.toString());
        }
        store.close();
    }
}
