package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.capture.CaptureAgent;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.localstack.junit.LogCapture;
import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.streams.StreamsApp;
import dev.zumik.streams.topology.StreamsSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Zumik HTTP server under a bounded hostile load: idle sockets and slowloris clients (a request head
 * dripped a byte at a time) are closed by the server within its header-read timeout (1 s here, through the
 * documented setting), a malformed chunk size gets a 400 in the server's own error format and an oversized
 * head a 431 or a close, never a hang nor a stack trace in the log, and a good request right after is answered as usual.
 */
@ExtendWith(LocalStackExtension.class)
class HostileHttpIT {

    @Test
    void shouldShedIdleAndSlowClientsAndKeepServingOnEveryServer(final LocalStack stack, @TempDir final Path dir) throws Exception {
        System.setProperty("zumik.http.header-timeout", "1s");
        try {
            // given every server Zumik runs, each on its own port
            final Topics topics = Topics.create(stack.registryClient(), 1, "hostile-" + UUID.randomUUID().toString().substring(0, 8) + ".");
            try (Admin admin = Admin.create(stack.clientProperties())) {
                admin.createTopics(topics.all().stream().map(t -> t.newTopic(Optional.empty())).toList()).all().get();
            }
            final int apiPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                apiPort = socket.getLocalPort();
            }
            try (SimServer sim = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
                 CaptureAgent proxy = CaptureAgent.start(CaptureSettings.defaults(List.of(Upstream.parse("http://127.0.0.1:"
                         + sim.port() + ",provider=openai")), dir.resolve("keys")).withAdmin("127.0.0.1", 0).withQueueBytes(8L << 20),
                         stack.clientProperties(), topics.shapes());
                 EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(stack.bootstrapServers(), 0);
                 StreamsApp streams = StreamsApp.start(StreamsSettings.defaults(stack.clientProperties(), dir.resolve("state"))
                         .withApplicationId("hostile-" + UUID.randomUUID()), topics, "127.0.0.1", apiPort)) {
                final Map<String, Integer> servers = new LinkedHashMap<>();
                servers.put("capture proxy", proxy.port());
                servers.put("capture admin", proxy.adminPort().orElseThrow());
                servers.put("sim", sim.port());
                servers.put("registry", registry.port());
                servers.put("query API", apiPort);
                final Map<String, String> goodPath = Map.of("capture proxy", "/v1/models", "capture admin", "/healthz", "sim", "/health",
                        "registry", "/subjects", "query API", "/healthz");
                // where each server reads a request body; the admin port and the query API take none and answer a POST 405 at once
                final Map<String, String> bodyPath = Map.of("capture proxy", "/v1/chat/completions", "sim", "/v1/chat/completions",
                        "registry", "/subjects/hostile/versions", "capture admin", "/healthz", "query API", "/lanes");
                streams.awaitRunning(Duration.ofSeconds(60));

                for (final Map.Entry<String, Integer> server : servers.entrySet()) {
                    final int port = server.getValue();
                    final LogCapture log = LogCapture.install();
                    // when 10 sockets send nothing, 3 drip a request head, one sends a malformed chunk size and one a 2 MB header
                    final List<Socket> quiet = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        quiet.add(new Socket("127.0.0.1", port));
                    }
                    final List<Socket> slow = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        final Socket s = new Socket("127.0.0.1", port);
                        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                        slow.add(s);
                    }
                    final Socket badChunk = new Socket("127.0.0.1", port);
                    badChunk.getOutputStream().write(("POST " + bodyPath.get(server.getKey()) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
                            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nhello\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    final Socket bigHeader = new Socket("127.0.0.1", port);
                    try {
                        bigHeader.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2 << 20) + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (final IOException refused) {
                        // the server stopped reading and closed: what it should do
                    }
                    final long began = System.nanoTime();
                    while (System.nanoTime() - began < 2_500_000_000L) {
                        for (final Socket s : slow) {
                            try {
                                s.getOutputStream().write('X');
                            } catch (final IOException closed) {
                                // the server has closed it
                            }
                        }
                        Thread.sleep(250);
                    }
                    // then the server has closed the idle and slow ones, answered or closed the malformed ones, and serves a good request
                    final List<Socket> shed = concat(quiet, slow);
                    for (int i = 0; i < shed.size(); i++) {
                        final Socket s = shed.get(i);
                        s.setSoTimeout(5000);
                        assertThat(read(s.getInputStream(), server.getKey() + (i < quiet.size() ? " idle socket" : " slowloris")))
                                .as(server.getKey() + ": an idle or slow socket is closed").doesNotContain("HTTP/1.1 200");
                        s.close();
                    }
                    badChunk.setSoTimeout(5000);
                    final String badChunkAnswer = read(badChunk.getInputStream(), server.getKey() + " bad chunk");
                    if (server.getKey().equals("capture admin") || server.getKey().equals("query API")) {
                        // a POST is answered 405 before its body arrives: that one answer, then the close
                        assertThat(badChunkAnswer).as(server.getKey()).startsWith("HTTP/1.1 405").doesNotContain("HTTP/1.1 400");
                    } else {
                        assertThat(badChunkAnswer).as(server.getKey() + ": a malformed chunk size is a 400 in the server's error format")
                                .startsWith("HTTP/1.1 400").contains("malformed request body: Invalid character in chunk size")
                                .contains(server.getKey().equals("registry") ? "\"error_code\":400" : "\"type\":\"invalid_request_error\"");
                    }
                    badChunk.close();
                    bigHeader.setSoTimeout(5000);
                    final String bigHeaderAnswer = read(bigHeader.getInputStream(), server.getKey() + " 2 MB header");
                    assertThat(bigHeaderAnswer.isEmpty() || bigHeaderAnswer.startsWith("HTTP/1.1 431")).as(server.getKey() + ": " + bigHeaderAnswer)
                            .isTrue();
                    bigHeader.close();
                    assertThat(get(port, goodPath.get(server.getKey()))).as(server.getKey()).startsWith("HTTP/1.1 200");
                    log.close();
                    // and the hostile clients cost at most a line each in the log, never a stack trace
                    assertThat(log.shownLines()).as(server.getKey() + " log").noneMatch(line -> line.contains(" | "));
                }
            }
        } finally {
            System.clearProperty("zumik.http.header-timeout");
        }
    }

    private static String get(final int port, final String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            final OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return read(s.getInputStream(), "a good request on " + port);
        }
    }

    /** Everything the server sends until it closes (a reset counts as closed with nothing more). */
    private static String read(final InputStream in, final String what) throws Exception {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                got.write(buffer, 0, n);
            }
        } catch (final SocketTimeoutException e) {
            throw new AssertionError(what + ": the server neither answered nor closed within the read timeout; got so far: "
                    + got.toString(StandardCharsets.ISO_8859_1).lines().findFirst().orElse(""), e);
        } catch (final SocketException reset) {
            // closed by the server
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<Socket> concat(final List<Socket> a, final List<Socket> b) {
        final List<Socket> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
