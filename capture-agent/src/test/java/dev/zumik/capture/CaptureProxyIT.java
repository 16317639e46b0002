package dev.zumik.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.luben.zstd.ZstdInputStream;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.localstack.junit.LogCapture;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import dev.zumik.schemas.topics.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(LocalStackExtension.class)
class CaptureProxyIT {
    static final String CANARY_PROMPT = "CANARY-PROMPT-91ab";
    static final String CANARY_KEY = "sk-CANARY-KEY-55cd";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ScriptedUpstream upstream;
    private CaptureAgent agent;
    private String topic;
    private Path keyDir;

    @BeforeEach
    void start(final LocalStack stack, @TempDir final Path dir) throws Exception {
        upstream = new ScriptedUpstream();
        topic = LocalStack.uniqueTopic("shapes");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(2), Optional.empty()))).all().get();
        }
        keyDir = dir.resolve("keys");
        agent = CaptureAgent.start(settings(upstream.url(), keyDir), Map.of("bootstrap.servers", stack.bootstrapServers()),
                Topics.create(stack.registryClient()).shapes().named(topic));
    }

    static CaptureSettings settings(final String upstreamUrl, final Path keyDir) {
        return CaptureSettings.defaults(List.of(Upstream.parse(upstreamUrl)), keyDir).withAdmin("127.0.0.1", 0).withQueueBytes(8L << 20);
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
        upstream.close();
    }

    private String proxy(final String path) {
        return "http://127.0.0.1:" + agent.port() + path;
    }

    static String chatBody(final boolean stream, final String user) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"max_completion_tokens\":64,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are terse. " + "Policy text. ".repeat(200) + "\"},"
                + "{\"role\":\"user\",\"content\":\"" + user + "\"}]}";
    }

    @Test
    void shouldForwardAJsonExchangeByteForByteAndPublishItsShape(final LocalStack stack) throws Exception {
        // given
        final String body = chatBody(false, "Question with " + CANARY_PROMPT);

        // when
        final HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions?trace=1")))
                .header("Authorization", "Bearer " + CANARY_KEY).header("X-Custom", "a, b").header("X-Zumik-Tenant", "team-a")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

        // then: the upstream got exactly what the client sent
        final ScriptedUpstream.Received got = upstream.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri()).isEqualTo("/v1/chat/completions?trace=1");
        assertThat(got.body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(got.headers().get("Authorization")).containsExactly("Bearer " + CANARY_KEY);
        assertThat(got.headers().get("X-Custom")).containsExactly("a, b");
        // and the client got exactly what the upstream answered
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(ScriptedUpstream.JSON_COMPLETION);
        assertThat(response.headers().firstValue("x-request-id")).contains("req-1");

        final RequestShape shape = shapes(stack, 1).get(0);
        assertThat(shape.getTenant()).isEqualTo("team-a");
        assertThat(shape.getLane().getProvider()).isEqualTo("openai-compatible");
        assertThat(shape.getLane().getModel()).isEqualTo("gpt-4o-mini");
        assertThat(shape.getLane().getRoute()).isEqualTo("chat");
        assertThat(shape.getPromptTokens()).isEqualTo(2006);
        assertThat(shape.getCompletionTokens()).isEqualTo(300);
        assertThat(shape.getCachedTokens()).isEqualTo(1920);
        assertThat(shape.getMaxTokens()).isEqualTo(64);
        assertThat(shape.getServiceTier()).isEqualTo("default");
        assertThat(shape.getStream()).isFalse();
        assertThat(shape.getParsed()).isTrue();
        assertThat(shape.getSource()).isEqualTo(ShapeSource.PROXY);
        assertThat(shape.getTokenizer()).isEqualTo("o200k_base");
        assertThat(shape.getHashedTokens()).isGreaterThan(600);
        assertThat(shape.getBlockHashes()).hasSize((shape.getHashedTokens() + 63) / 64);
        assertThat(shape.getTtftMs()).isNotNull().isPositive();
        assertThat(shape.getE2eMs()).isGreaterThanOrEqualTo(shape.getTtftMs());
    }

    @Test
    void shouldStreamSseChunksAsTheyArriveAndMeasureTtftAtTheFirstContentToken(final LocalStack stack) throws Exception {
        // given
        final String body = chatBody(true, "Stream please");
        final long sent = System.nanoTime();

        // when: read the stream as it comes
        final HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").header("X-Zumik-Tenant", "team-a")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        final List<Long> arrivals = new ArrayList<>();
        final ByteArrayOutputStream all = readAsItArrives(response, sent, arrivals);

        // then: same bytes, still spread over ~400 ms (5 chunks 100 ms apart), not buffered into one
        assertThat(all.toString(StandardCharsets.UTF_8)).isEqualTo(String.join("", ScriptedUpstream.SSE_CHUNKS));
        assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
        assertThat(arrivals.size()).as("reads %s", arrivals).isGreaterThanOrEqualTo(4);
        assertThat(arrivals.get(arrivals.size() - 1) - arrivals.get(0)).as("reads %s", arrivals).isGreaterThanOrEqualTo(300);

        final RequestShape shape = shapes(stack, 1).get(0);
        assertThat(shape.getStream()).isTrue();
        assertThat(shape.getPromptTokens()).isEqualTo(1500);
        assertThat(shape.getCachedTokens()).isEqualTo(1024);
        // the first chunk only carries the role; the first content token comes ~100 ms later
        assertThat(shape.getTtftMs()).isBetween(90.0, 300.0);
        assertThat(shape.getE2eMs()).isGreaterThan(380.0);
    }

    @Test
    void shouldPassLargeBinaryAndGzippedBodiesUntouched(final LocalStack stack) throws Exception {
        // given
        final byte[] binary = new byte[5 << 20];
        new Random(1).nextBytes(binary);
        final ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(chatBody(false, "zipped").getBytes(StandardCharsets.UTF_8));
        }

        // when
        final HttpResponse<byte[]> echoed = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/files")))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(binary)).build(), HttpResponse.BodyHandlers.ofByteArray());
        final HttpResponse<byte[]> zipped = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
        final HttpResponse<String> error = http.send(HttpRequest.newBuilder(URI.create(proxy("/error"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(echoed.statusCode()).isEqualTo(201);
        assertThat(echoed.body()).isEqualTo(binary);
        assertThat(upstream.received.poll(5, TimeUnit.SECONDS).body()).isEqualTo(binary);
        assertThat(upstream.received.poll(5, TimeUnit.SECONDS).body()).isEqualTo(gz.toByteArray());
        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(error.statusCode()).isEqualTo(429);
        assertThat(error.headers().firstValue("retry-after")).contains("3");
        assertThat(error.body()).contains("rate_limit_exceeded");
        final RequestShape shape = shapes(stack, 1).get(0);
        assertThat(shape.getParsed()).isTrue();
        assertThat(shape.getPromptTokens()).isEqualTo(2006);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "zstd"})
    void shouldShapeACompressedStreamAndTimeItsFirstTokenInDecodedBytes(final String coding, final LocalStack stack) throws Exception {
        // given: a client that accepts a coding, as the official SDKs accept gzip; the upstream flushes each chunk compressed
        final String body = chatBody(true, "Stream it compressed");
        final long sent = System.nanoTime();

        // when
        final HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").header("Accept-Encoding", coding)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        final List<Long> arrivals = new ArrayList<>();
        final ByteArrayOutputStream all = readAsItArrives(response, sent, arrivals);

        // then: the compressed bytes pass through as they come and decode, with the client's own decoder, to the stream sent
        assertThat(response.headers().firstValue("content-encoding")).contains(coding);
        final InputStream decoder = coding.equals("gzip") ? new GZIPInputStream(new ByteArrayInputStream(all.toByteArray()))
                : new ZstdInputStream(new ByteArrayInputStream(all.toByteArray()));
        assertThat(new String(decoder.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(String.join("", ScriptedUpstream.SSE_CHUNKS));
        assertThat(arrivals.get(arrivals.size() - 1) - arrivals.get(0)).as("reads %s", arrivals).isGreaterThanOrEqualTo(300);

        final RequestShape shape = shapes(stack, 1).get(0);
        assertThat(shape.getPromptTokens()).isEqualTo(1500);
        assertThat(shape.getCachedTokens()).isEqualTo(1024);
        assertThat(shape.getCompletionTokens()).isEqualTo(2);
        // the first content token is in the second chunk, ~100 ms in; its decoded offset, read as an offset into the
        // compressed bytes, would fall in a later chunk
        assertThat(shape.getTtftMs()).isBetween(90.0, 190.0);
    }

    @Test
    void shouldShapeBrotliAnswersAndLeaveTheTtftOfABrotliStreamUnknown(final LocalStack stack) throws Exception {
        // when: a client that accepts only br, as a Python client with the brotli package may
        final HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").header("Accept-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(false, "br whole"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        final HttpResponse<byte[]> streamed = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").header("Accept-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(true, "br stream"))).build(), HttpResponse.BodyHandlers.ofByteArray());

        // then: the Brotli bytes pass through untouched
        assertThat(whole.headers().firstValue("content-encoding")).contains("br");
        assertThat(whole.body()).isEqualTo(BrotliFixtures.jsonEncoded());
        final ByteArrayOutputStream segments = new ByteArrayOutputStream();
        BrotliFixtures.sseSegments().forEach(segments::writeBytes);
        assertThat(streamed.body()).isEqualTo(segments.toByteArray());

        // and both are shaped from the decoded usage; Java's Brotli decoder cannot say when a stream's first token
        // was decodable, so that TTFT is unknown rather than guessed
        final List<RequestShape> shapes = shapes(stack, 2);
        assertThat(shapes).filteredOn(s -> !s.getStream()).singleElement().satisfies(s -> {
            assertThat(s.getPromptTokens()).isEqualTo(1800);
            assertThat(s.getCachedTokens()).isEqualTo(1664);
            assertThat(s.getCompletionTokens()).isEqualTo(4);
            assertThat(s.getTtftMs()).isNotNull();
        });
        assertThat(shapes).filteredOn(RequestShape::getStream).singleElement().satisfies(s -> {
            assertThat(s.getPromptTokens()).isEqualTo(1700);
            assertThat(s.getCachedTokens()).isEqualTo(1536);
            assertThat(s.getCompletionTokens()).isEqualTo(3);
            assertThat(s.getTtftMs()).isNull();
            assertThat(s.getE2eMs()).isGreaterThan(280.0);
        });
    }

    @Test
    void shouldAnswerExpectContinueAtOnce() throws Exception {
        // given: a client that waits for 100 Continue before it sends its body
        final String body = chatBody(false, "expect");
        final long start = System.nanoTime();

        // when
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .expectContinue(true).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        // then: no stall waiting for a 100 that never comes, and the body arrived whole
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(700);
        assertThat(upstream.received.poll(5, TimeUnit.SECONDS).body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPassAResponseHeadOnAtOnceWhenItsBodyComesLate() throws Exception {
        // given: an upstream that sends its head at once and its first body byte 1.5 s later
        final long start = System.nanoTime();

        // when: the client is handed the response as soon as its head arrives
        final HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(proxy("/late-first-byte"))).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        final long headMillis = (System.nanoTime() - start) / 1_000_000;

        // then: the proxy did not hold the head back for the body it now carries with it
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(headMillis).isLessThan(1000);
        try (InputStream body = response.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: late\n\n");
        }
    }

    @Test
    void shouldSendARequestHeadUpstreamAtOnceWhenItsBodyComesLate() throws Exception {
        try (Socket client = new Socket("127.0.0.1", agent.port())) {
            // given: a client that sends its request head and holds its body back
            final OutputStream out = client.getOutputStream();
            out.write(("POST /late-body HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // then: the head reaches the upstream while the body is still to come
            assertThat(upstream.heads.poll(1, TimeUnit.SECONDS)).isEqualTo("/late-body");

            // and when the body comes, the request completes byte for byte
            out.write("late".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(upstream.received.poll(5, TimeUnit.SECONDS).body()).isEqualTo("late".getBytes(StandardCharsets.US_ASCII));
            final String answer = new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 201");
        }
    }

    @Test
    void shouldForwardMalformedBodiesAndMarkTheirShapesUnparsed(final LocalStack stack) throws Exception {
        // when
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{not json")).build(),
                HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.received.poll(5, TimeUnit.SECONDS).body()).isEqualTo("{not json".getBytes(StandardCharsets.UTF_8));
        final RequestShape shape = shapes(stack, 1).get(0);
        assertThat(shape.getParsed()).isFalse();
        assertThat(shape.getBlockHashes()).isEmpty();
        assertThat(shape.getHttpStatus()).isEqualTo(200);
    }

    @Test
    void shouldStopCopyingBodiesPastTheBudgetOfAllCopiesAndPassTheirTrafficUntouched(final LocalStack stack, @TempDir final Path dir)
            throws Exception {
        // given: an agent whose body copies may hold 8 KiB together
        agent.close();
        final CaptureSettings defaults = settings(upstream.url(), dir.resolve("small-budget-keys"));
        agent = CaptureAgent.start(defaults.withAdmin(defaults.adminHost(), -1).withShapingBacklog(8 << 10), Map.of("bootstrap.servers", stack.bootstrapServers()), Topics.create(stack.registryClient()).shapes().named(topic));
        final String large = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "Long context. ".repeat(2000)
                + "\"}]}";
        final String small = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        // when: a 28 KB request, then a small one, on the same lane
        final HttpResponse<String> largeResponse = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(large)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upstream.received.poll(5, TimeUnit.SECONDS).body()).isEqualTo(large.getBytes(StandardCharsets.UTF_8));
        final HttpResponse<String> smallResponse = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(small)).build(),
                HttpResponse.BodyHandlers.ofString());

        // then: both answered untouched; the large one shaped unparsed (its copy gave up at the budget), the small one parsed
        assertThat(largeResponse.statusCode()).isEqualTo(200);
        assertThat(largeResponse.body()).isEqualTo(ScriptedUpstream.JSON_COMPLETION);
        assertThat(smallResponse.statusCode()).isEqualTo(200);
        assertThat(upstream.received.poll(5, TimeUnit.SECONDS).body()).isEqualTo(small.getBytes(StandardCharsets.UTF_8));
        // (each shape is published when its shaping ends, so the two may come in either order)
        final List<RequestShape> shapes = shapes(stack, 2);
        final RequestShape largeShape = shapes.stream().filter(x -> !x.getParsed()).findFirst().orElseThrow();
        final RequestShape smallShape = shapes.stream().filter(RequestShape::getParsed).findFirst().orElseThrow();
        assertThat(largeShape.getHttpStatus()).isEqualTo(200);
        assertThat(smallShape.getHashedTokens()).isPositive().isLessThan(64);
        assertThat(agent.meters().find("zumik_capture_unparsed").tag("reason", "shaping_backlog").counter().count()).isEqualTo(1.0);
        // every copy's bytes were given back
        assertThat(agent.meters().find("zumik_capture_body_copies_bytes").gauge().value()).isZero();
    }

    @Test
    void shouldAnswer502InOpenAiStyleWhenTheUpstreamIsUnreachable(final LocalStack stack, @TempDir final Path dir) throws Exception {
        // given: a proxy whose upstream refuses connections
        try (CaptureAgent dead = CaptureAgent.start(settings("http://127.0.0.1:1", dir.resolve("k")),
                Map.of("bootstrap.servers", stack.bootstrapServers()), Topics.create(stack.registryClient()).shapes().named(topic))) {
            // when
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + dead.port() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody(false, "x"))).build(), HttpResponse.BodyHandlers.ofString());

            // then
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("\"error\":{").contains("\"type\":\"upstream_error\"").contains("\"code\":\"bad_gateway\"");
        }
    }

    @Test
    void shouldCancelTheUpstreamRequestWhenTheClientGoes() throws Exception {
        // given
        final HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(proxy("/slow-stream"))).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        final InputStream in = response.body();
        assertThat(in.read(new byte[16])).isPositive();

        // when
        in.close();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.disconnects.get() > 0);
    }

    @Test
    void shouldGiveBackTheBodyCopiesOfAnExchangeWhoseClientWent() throws Exception {
        // given: a chat stream that never ends, its request and first events copied for shaping
        final HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chatBody(true, "slow-stream-me")))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        final InputStream in = response.body();
        assertThat(in.read(new byte[16])).isPositive();
        assertThat(agent.meters().find("zumik_capture_body_copies_bytes").gauge().value()).isPositive();

        // when
        in.close();

        // then: the upstream request is cancelled and the copies' bytes given back
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.disconnects.get() > 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.meters().find("zumik_capture_body_copies_bytes").gauge().value() == 0);
    }

    @Test
    void shouldNeverLetPromptCompletionOrKeyTextLeaveTheAgent(final LocalStack stack) throws Exception {
        // given: canaries in prompt, completion and credentials, streamed and not, with every log line recorded at DEBUG
        final List<String> logLines;
        final List<byte[]> raw;
        try (LogCapture logs = LogCapture.install()) {
            for (final boolean stream : new boolean[] {false, true}) {
                http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions")))
                        .header("Authorization", "Bearer " + CANARY_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chatBody(stream, CANARY_PROMPT))).build(), HttpResponse.BodyHandlers.ofString());
            }
            // a malformed body holding a canary, and an unreachable route, must not be quoted in any log either
            http.send(HttpRequest.newBuilder(URI.create(proxy("/v1/chat/completions"))).header("Authorization", "Bearer " + CANARY_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\": [" + CANARY_PROMPT)).build(), HttpResponse.BodyHandlers.ofString());

            // when
            raw = rawValues(stack, 3);
            logLines = logs.lines();
        }

        // then
        for (final byte[] value : raw) {
            final String text = new String(value, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain(CANARY_PROMPT).doesNotContain(ScriptedUpstream.CANARY_COMPLETION)
                    .doesNotContain(CANARY_KEY).doesNotContain("Policy text");
        }
        try (var files = Files.walk(keyDir)) {
            for (final Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain(CANARY_KEY).doesNotContain(CANARY_PROMPT);
            }
        }
        assertThat(logLines).isNotEmpty().allSatisfy(line -> assertThat(line).doesNotContain(CANARY_PROMPT)
                .doesNotContain(ScriptedUpstream.CANARY_COMPLETION).doesNotContain(CANARY_KEY));
        final String scrape = agent.meters().scrape();
        assertThat(scrape).doesNotContain(CANARY_KEY).doesNotContain(CANARY_PROMPT).contains("zumik_capture_shapes_published_total 3.0");
        // tenant derived from the key is a keyed hash, not the key
        assertThat(shapes(stack, 3)).allSatisfy(s -> assertThat(s.getTenant()).startsWith("key-").doesNotContain("CANARY"));
    }

    /** The body, read as it comes; each read's arrival, in ms after {@code sent}, goes to {@code arrivals}. */
    private static ByteArrayOutputStream readAsItArrives(final HttpResponse<InputStream> response, final long sent, final List<Long> arrivals)
            throws IOException {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (InputStream in = response.body()) {
            final byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                arrivals.add((System.nanoTime() - sent) / 1_000_000);
                all.write(buffer, 0, n);
            }
        }
        return all;
    }

    private List<RequestShape> shapes(final LocalStack stack, final int expected) {
        agent.awaitShaped(Duration.ofSeconds(10));
        final List<RequestShape> out = TopicShapes.read(stack.bootstrapServers(), stack.registryClient(), topic, expected);
        assertThat(out).hasSize(expected);
        return out;
    }

    private List<byte[]> rawValues(final LocalStack stack, final int expected) {
        agent.awaitShaped(Duration.ofSeconds(10));
        final List<byte[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(stack), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            final long deadline = System.currentTimeMillis() + 20_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                    out.add(r.key());
                }
            }
        }
        return out;
    }

    private Properties consumerProps(final LocalStack stack) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }
}
