package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.capture.CaptureAgent;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.DemandHour;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.streams.StreamsApp;
import dev.zumik.streams.topology.StreamsSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path a new user takes with real traffic rather than the demo: a managed-style simulator, the capture
 * proxy in front of it, the streams app with its query API (2 s windows, 1 s grace, a diagnosis every 10 s),
 * and an application on the official OpenAI SDK that sends chat requests for a while and then stops. The lane
 * must show while the traffic flows, its last window must close on the clock once it stops, and its diagnosis
 * must come without any further traffic.
 */
@ExtendWith(LocalStackExtension.class)
class NewcomerPathIT {
    private static final Path NODE_DIR = Path.of("../sdk-conformance");
    private static final String LANE = "openai/gpt-4.1-mini/chat";
    private static final int REQUESTS = 24;
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldShowALaneAsItsTrafficFlowsAndDiagnoseItOnceTheTrafficStops(final LocalStack stack, @TempDir final Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/openai")),
                "skipped: run npm ci --prefix sdk-conformance to install the official SDKs");
        // given the topics, a managed-style simulator, the proxy in front of it and the streams app
        final String prefix = "newcomer-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        final Topics topics = Topics.create(stack.registryClient(), 3, prefix);
        try (Admin admin = Admin.create(stack.clientProperties())) {
            admin.createTopics(topics.all().stream().map(t -> t.newTopic(Optional.empty())).toList()).all().get();
        }
        final StreamsSettings defaults = StreamsSettings.defaults(stack.clientProperties(), dir.resolve("state"));
        final StreamsSettings settings = defaults.withApplicationId("newcomer-" + UUID.randomUUID()).withWindow(WINDOW, GRACE)
                .withDiagnosis(defaults.diagnosis().withEvaluationWindows(5));
        final int apiPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            apiPort = socket.getLocalPort();
        }
        final String api = "http://127.0.0.1:" + apiPort;
        try (SimServer managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
             CaptureAgent proxy = CaptureAgent.start(CaptureSettings.defaults(
                     List.of(Upstream.parse("http://127.0.0.1:" + managed.port() + ",provider=openai")), dir.resolve("keys")).withQueueBytes(8L << 20),
                     stack.clientProperties(), topics.shapes());
             StreamsApp streams = StreamsApp.start(settings, topics, "127.0.0.1", apiPort)) {
            assertThat(streams.awaitRunning(Duration.ofSeconds(60))).isTrue();

            // when an application on the official SDK sends a chat request every half second
            final Process app = new ProcessBuilder("node", "chat_traffic.mjs", "http://127.0.0.1:" + proxy.port(), String.valueOf(REQUESTS),
                    "500").directory(NODE_DIR.toFile()).redirectErrorStream(true).start();

            // then the lane shows while the traffic flows, before any diagnosis, with what its windows hold so far
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> lane(api) != null
                    && lane(api).path("live").path("requests").asLong() > 0);
            final JsonNode early = lane(api);
            assertThat(early.path("decision").isNull()).as(early.toString()).isTrue();
            assertThat(early.path("live").path("windows")).isNotEmpty();
            final ZumikCommandTest.Run table = ZumikCommandTest.run("lanes", "--api", api);
            assertThat(table.out()).contains(LANE, "not diagnosed yet");

            // and once it stops, its last window closes on the clock, within a window and the grace and a few seconds
            assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
            final String appOutput = new String(app.getInputStream().readAllBytes());
            assertThat(app.exitValue()).as(appOutput).isZero();
            final long stopped = System.nanoTime();
            await().atMost(WINDOW.plus(GRACE).plusSeconds(8)).pollInterval(Duration.ofMillis(200)).until(() ->
                    stack.readCommitted(topics.laneStats()).stream().mapToLong(LaneWindowStats::getRequests).sum() == REQUESTS);
            final double closedAfter = (System.nanoTime() - stopped) / 1e9;

            // and its diagnosis comes without any further traffic
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500)).until(() -> diagnosis(api) != null);
            assertThat(diagnosis(api).path("lane").asText()).isEqualTo(LANE);
            assertThat(lane(api).path("decision").isNull()).isFalse();
            assertThat(closedAfter).isLessThan(WINDOW.plus(GRACE).plusSeconds(8).toMillis() / 1000.0);

            // and a replay a person asks for carries the lane's captured demand, for the verdict to be priced from
            final JsonNode demand = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(api + "/lanes/" + LANE + "/demand")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(demand.path("hours").findValues("requests").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(REQUESTS);
            final Instant from = Instant.parse(demand.path("horizon_start").asText());
            final ZumikCommandTest.Run request = ZumikCommandTest.run("replay", "request", "--lane", LANE, "--from", from.toString(), "--to",
                    from.plusSeconds(10).toString(), "--reason", "hot-volume", "--api", api, "--kafka", stack.bootstrapServers(), "--registry",
                    stack.registryUrl(), "--topic-prefix", prefix);
            assertThat(request.exitCode()).as(request.err()).isZero();
            assertThat(request.out()).contains("priced from", "hours of captured demand");
            final var asked = stack.readCommitted(topics.replayRequests()).stream()
                    .filter(r -> r.getTrigger() == ReplayTrigger.MANUAL).toList();
            assertThat(asked).singleElement().satisfies(r -> assertThat(r.getDemand().getHours().stream()
                    .mapToLong(DemandHour::getRequests).sum()).isEqualTo(REQUESTS));
        }
    }

    /** The lane's entry in GET /lanes, or null. */
    private JsonNode lane(final String api) throws Exception {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/lanes")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return null;
        }
        for (final JsonNode lane : JSON.readTree(r.body())) {
            if (LANE.equals(lane.path("lane").asText())) {
                return lane;
            }
        }
        return null;
    }

    private JsonNode diagnosis(final String api) throws Exception {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/lanes/" + LANE + "/diagnosis")).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }
}
