package dev.zumik.core.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Timeouts every Zumik HTTP server has, so that one client cannot hold connections (and file
 * descriptors) for as long as it likes: a <b>header-read timeout</b> (a connection that has not sent a
 * complete request head within it of opening is closed: idle sockets, slowloris) and an <b>idle
 * timeout</b> (a connection with no byte either way for that long is closed; bytes of a live stream
 * keep it open). Configurable with the system properties {@code zumik.http.header-timeout} and
 * {@code zumik.http.idle-timeout} or the environment's {@code ZUMIK_HTTP_HEADER_TIMEOUT} and
 * {@code ZUMIK_HTTP_IDLE_TIMEOUT} (durations such as 30s, 10m); defaults 30 s and the server's own.
 */
public final class ConnectionGuard {
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);

    /** The two timeouts of one server. */
    public record Timeouts(Duration headerRead, Duration idle) {

        /** The configured timeouts, with {@code idleDefault} where none is configured (a proxy waits longer than a registry). */
        public static Timeouts configured(final Duration idleDefault) {
            return new Timeouts(setting("header-timeout", DEFAULT_HEADER_TIMEOUT), setting("idle-timeout", idleDefault));
        }

        private static Duration setting(final String name, final Duration fallback) {
            final String value = System.getProperty("zumik.http." + name,
                    System.getenv("ZUMIK_HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_')));
            return value == null || value.isBlank() ? fallback : parse(name, value.strip());
        }

        private static Duration parse(final String name, final String value) {
            final Matcher m = Pattern.compile("(\\d{1,9})(ms|s|m|h)").matcher(value);
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new IllegalArgumentException("zumik.http." + name + " must be a positive duration such as 30s or 10m, got '" + value + "'");
            }
            final long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
    }

    private ConnectionGuard() { }

    /**
     * The options with the idle timeout set (milliseconds, so that short test values work), and without
     * cleartext HTTP/2 detection: while Vert.x waits for a connection's first bytes to tell h2c from
     * HTTP/1.1 the connection does not exist for the guard, so a socket that never speaks would never be timed.
     */
    public static HttpServerOptions withIdleTimeout(final HttpServerOptions options, final Timeouts timeouts) {
        return options.setIdleTimeout((int) Math.min(Integer.MAX_VALUE, timeouts.idle().toMillis())).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(false);
    }

    /**
     * Serves {@code handler} on {@code server} with the header-read timeout: each new connection is closed
     * unless its first request head arrives in time (later requests on a kept-alive connection are bounded
     * by the idle timeout).
     */
    public static HttpServer guard(final Vertx vertx, final HttpServer server, final Timeouts timeouts,
                                   final Handler<HttpServerRequest> handler) {
        return guard(vertx, server, timeouts, handler, MalformedBody.OPENAI_ERROR);
    }

    /** As {@link #guard(Vertx, HttpServer, Timeouts, Handler)}, answering a malformed request body with {@code malformed}'s 400. */
    public static HttpServer guard(final Vertx vertx, final HttpServer server, final Timeouts timeouts,
                                   final Handler<HttpServerRequest> handler, final MalformedBody malformed) {
        final Map<HttpConnection, Long> waiting = new ConcurrentHashMap<>();
        server.connectionHandler(connection -> {
            MalformedBody.install(connection, malformed);
            waiting.put(connection, vertx.setTimer(timeouts.headerRead().toMillis(), id -> {
                if (waiting.remove(connection) != null) {
                    connection.close();
                }
            }));
            connection.closeHandler(v -> {
                final Long timer = waiting.remove(connection);
                if (timer != null) {
                    vertx.cancelTimer(timer);
                }
            });
        });
        return server.requestHandler(request -> {
            final Long timer = waiting.remove(request.connection());
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
            handler.handle(request);
        });
    }
}
