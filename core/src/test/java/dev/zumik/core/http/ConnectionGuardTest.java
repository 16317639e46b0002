package dev.zumik.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {
    private static final ConnectionGuard.Timeouts TIMEOUTS = new ConnectionGuard.Timeouts(Duration.ofMillis(800), Duration.ofMillis(2500));
    private Vertx vertx;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        final HttpServer server = ConnectionGuard.guard(vertx, vertx.createHttpServer(ConnectionGuard.withIdleTimeout(
                new HttpServerOptions().setHost("127.0.0.1").setPort(0), TIMEOUTS)), TIMEOUTS, request -> {
                    if (request.path().equals("/stream")) {
                        // a live stream: a chunk every 400 ms for 3.2 s, longer than the idle timeout
                        request.response().setChunked(true);
                        final long[] sent = {0};
                        vertx.setPeriodic(400, id -> {
                            if (++sent[0] > 7) {
                                vertx.cancelTimer(id);
                                request.response().end("done\n");
                            } else {
                                request.response().write("chunk\n");
                            }
                        });
                    } else {
                        request.response().end("ok");
                    }
                });
        port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldCloseIdleAndSlowHeaderConnectionsAndStillServeGoodOnes() throws Exception {
        // given 20 sockets that send nothing and 5 that drip a request head a byte at a time
        final List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            idle.add(new Socket("127.0.0.1", port));
        }
        final List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            final Socket s = new Socket("127.0.0.1", port);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
        }
        final long began = System.nanoTime();
        while (System.nanoTime() - began < 1_500_000_000L) {
            for (final Socket s : slow) {
                try {
                    s.getOutputStream().write('X');
                } catch (final IOException closed) {
                    // the server has closed it
                }
            }
            Thread.sleep(200);
        }
        // then every one of them is closed by the server, and a good request is answered
        for (final Socket s : concat(idle, slow)) {
            s.setSoTimeout(500); // opened under 2.5 s ago, under the idle timeout: only the header-read timeout can have closed it
            assertThat(readToEnd(s.getInputStream())).as("closed without an answer").doesNotContain("200");
            s.close();
        }
        assertThat(get("/")).startsWith("HTTP/1.1 200").endsWith("ok");
    }

    @Test
    void shouldNeverCutAStreamWhoseBytesKeepFlowing() throws Exception {
        assertThat(get("/stream")).startsWith("HTTP/1.1 200").contains("chunk").contains("done");
    }

    @Test
    void shouldReadDurationsAndRefuseNonsense() {
        System.setProperty("zumik.http.header-timeout", "5s");
        System.setProperty("zumik.http.idle-timeout", "2m");
        try {
            assertThat(ConnectionGuard.Timeouts.configured(Duration.ofMinutes(10)))
                    .isEqualTo(new ConnectionGuard.Timeouts(Duration.ofSeconds(5), Duration.ofMinutes(2)));
            System.setProperty("zumik.http.idle-timeout", "forever");
            assertThatThrownBy(() -> ConnectionGuard.Timeouts.configured(Duration.ofMinutes(10)))
                    .hasMessageContaining("zumik.http.idle-timeout must be a positive duration");
        } finally {
            System.clearProperty("zumik.http.header-timeout");
            System.clearProperty("zumik.http.idle-timeout");
        }
    }

    private String get(final String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            final OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return readToEnd(s.getInputStream()).strip();
        }
    }

    private static String readToEnd(final InputStream in) throws Exception {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final SocketException reset) {
            return "";
        }
    }

    private static List<Socket> concat(final List<Socket> a, final List<Socket> b) {
        final List<Socket> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
