package dev.zumik.streams.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.core.http.ConnectionGuard;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.streams.topology.AvroBytes;
import dev.zumik.streams.topology.DemandHours;
import dev.zumik.streams.topology.DiagnosisProcessor;
import dev.zumik.streams.topology.LaneAnalysisTopology;
import dev.zumik.streams.topology.WindowAccumulator;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The streams app's query API (interactive queries), answering from any instance: a request for
 * state another instance owns is forwarded to it (each instance sets {@code application.server} to
 * its API address). {@code GET /lanes}, {@code /lanes/{lane}/diagnosis},
 * {@code /lanes/{lane}/stats?from=&to=} (ISO-8601 or epoch ms; lane URL-encoded), {@code /concentration}.
 * For operators, about this instance only: {@code /healthz} (200 while the app runs or rebalances, 503
 * once it has stopped or failed, with its state) and {@code /metrics} (Prometheus text: Kafka Streams'
 * own metrics, such as records processed and consumer lag, and the JVM's memory and GC).
 */
public final class QueryApi implements AutoCloseable {
    private static final String DIAGNOSES = DiagnosisProcessor.LATEST;
    private final KafkaStreams streams;
    private final long windowMillis;
    private final HostInfo self;
    private final Vertx vertx;
    private final HttpServer server;
    private final HttpClient forwarder;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streamsMetrics;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    private QueryApi(final KafkaStreams streams, final HostInfo self, final long windowMillis) {
        this.streams = streams;
        this.windowMillis = windowMillis;
        this.self = self;
        this.vertx = Vertx.vertx();
        this.forwarder = vertx.createHttpClient();
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        gcMetrics.bindTo(meters);
        final ConnectionGuard.Timeouts timeouts = ConnectionGuard.Timeouts.configured(Duration.ofMinutes(2));
        this.server = ConnectionGuard.guard(vertx, vertx.createHttpServer(ConnectionGuard.withIdleTimeout(new HttpServerOptions()
                .setHost(self.host()).setPort(self.port()).setTcpNoDelay(true), timeouts)), timeouts, this::handle);
    }

    /** Serves on {@code host:port}, which must be the instance's {@code application.server}; windows are {@code windowMillis} long. */
    public static QueryApi start(final KafkaStreams streams, final String host, final int port, final long windowMillis) {
        final QueryApi api = new QueryApi(streams, new HostInfo(host, port), windowMillis);
        try {
            api.server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (final Exception e) {
            api.close();
            throw new IllegalStateException("the query API cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return api;
    }

    public int port() {
        return server.actualPort();
    }

    private void handle(final HttpServerRequest request) {
        if (request.method() != HttpMethod.GET) {
            send(request, 405, error("only GET is served"));
            return;
        }
        if (request.path().equals("/healthz")) {
            final KafkaStreams.State state = streams.state();
            final boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
            send(request, up ? 200 : 503, "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"state\":\"" + state + "\"}");
            return;
        }
        if (request.path().equals("/metrics")) {
            vertx.executeBlocking(meters::scrape, false)
                    .onSuccess(text -> request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(text))
                    .onFailure(e -> send(request, 500, error(String.valueOf(e.getMessage()))));
            return;
        }
        vertx.<Answer>executeBlocking(() -> answer(request.path(), request.getParam("from"), request.getParam("to")), false)
                .onSuccess(answer -> {
                    if (answer.forwardTo() != null) {
                        forward(request, answer.forwardTo());
                    } else {
                        send(request, answer.status(), answer.body());
                    }
                })
                .onFailure(e -> send(request, 500, error(String.valueOf(e.getMessage()))));
    }

    /** A response, or the instance to ask instead. */
    private record Answer(int status, String body, HostInfo forwardTo) {
        static Answer of(final int status, final String body) {
            return new Answer(status, body, null);
        }
    }

    private Answer answer(final String path, final String from, final String to) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Answer.of(503, error("the streams app is " + streams.state() + "; ask again shortly"));
        }
        if (path.equals("/lanes") || path.equals("/concentration")) {
            final HostInfo owner = ownerOf(DIAGNOSES, "lanes");
            if (owner == null) {
                return Answer.of(503, error("no instance owns the diagnoses yet"));
            }
            if (!owner.equals(self)) {
                return new Answer(0, null, owner);
            }
            return path.equals("/lanes") ? Answer.of(200, lanes().toString()) : Answer.of(200, concentration().toString());
        }
        if (path.startsWith("/lanes/") && path.endsWith("/diagnosis")) {
            final String lane = lane(path, "/diagnosis");
            final HostInfo owner = ownerOf(DIAGNOSES, "lanes");
            if (owner != null && !owner.equals(self)) {
                return new Answer(0, null, owner);
            }
            final byte[] bytes = diagnoses().get(lane);
            return bytes == null ? Answer.of(404, error("no diagnosis yet for lane " + lane))
                    : Answer.of(200, Renderings.diagnosis(AvroBytes.read(bytes, LaneDiagnosis.class)).toString());
        }
        if (path.startsWith("/lanes/") && path.endsWith("/demand")) {
            final String lane = lane(path, "/demand");
            final HostInfo owner = ownerOf(DIAGNOSES, "lanes");
            if (owner != null && !owner.equals(self)) {
                return new Answer(0, null, owner);
            }
            final var demand = DemandHours.profile(streams.store(StoreQueryParameters.fromNameAndType(
                    DemandHours.STORE, QueryableStoreTypes.keyValueStore())), marks(), lane, 0, new ArrayList<>());
            return demand == null ? Answer.of(404, error("no demand captured yet for lane " + lane))
                    : Answer.of(200, Renderings.demand(demand).toString());
        }
        if (path.startsWith("/lanes/") && path.endsWith("/stats")) {
            final String lane = lane(path, "/stats");
            final Instant start;
            final Instant end;
            try {
                start = from == null ? Instant.EPOCH : instant(from);
                end = to == null ? Instant.now().plusSeconds(86_400) : instant(to);
            } catch (final IllegalArgumentException e) {
                return Answer.of(400, error(e.getMessage()));
            }
            final KeyQueryMetadata meta = streams.queryMetadataForKey(LaneAnalysisTopology.WINDOW_STORE, Bytes.wrap(lane.getBytes(StandardCharsets.UTF_8)),
                    Serdes.Bytes().serializer());
            if (meta != null && meta.activeHost() != null && !meta.activeHost().equals(self) && meta.activeHost().port() > 0) {
                return new Answer(0, null, meta.activeHost());
            }
            final ReadOnlyWindowStore<Bytes, WindowAccumulator> store = streams.store(StoreQueryParameters.fromNameAndType(
                    LaneAnalysisTopology.WINDOW_STORE, QueryableStoreTypes.windowStore()));
            final ArrayNode out = Renderings.JSON.createArrayNode();
            // windows that start in [from, to)
            try (var windows = store.fetch(Bytes.wrap(lane.getBytes(StandardCharsets.UTF_8)), start, end.minusMillis(1))) {
                while (windows.hasNext()) {
                    final KeyValue<Long, WindowAccumulator> w = windows.next();
                    final long windowEnd = w.key + windowMillis;
                    out.add(Renderings.stats(w.value.toStats(Lanes.parse(lane), w.key, windowEnd)));
                }
            }
            return Answer.of(200, out.toString());
        }
        return Answer.of(404, error("no such resource: GET /lanes, /lanes/{lane}/diagnosis, /lanes/{lane}/demand, /lanes/{lane}/stats?from=&to=, /concentration"));
    }

    private ReadOnlyKeyValueStore<String, byte[]> diagnoses() {
        return streams.store(StoreQueryParameters.fromNameAndType(DIAGNOSES, QueryableStoreTypes.keyValueStore()));
    }

    /** Windows shown per lane in the live view: the latest ones, open or closed. */
    static final int RECENT_WINDOWS = 5;

    /**
     * Every lane seen: its latest diagnosis (the fields of GET /lanes/{lane}/diagnosis; {@code decision} null
     * while it has none, with {@code next_period_end}, when the period being gathered ends), and {@code live}:
     * what its windows of the last day held so far (requests, tokens, provider-reported capture, simulated
     * reuse per cache policy) and its latest windows, open ones included. Lanes are in key order.
     */
    private ArrayNode lanes() {
        final TreeMap<String, ObjectNode> byLane = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> all = diagnoses().all()) {
            all.forEachRemaining(e -> byLane.put(e.key, Renderings.diagnosis(AvroBytes.read(e.value, LaneDiagnosis.class))));
        }
        final Map<String, TreeMap<Long, WindowAccumulator>> windows = new HashMap<>();
        final Instant now = Instant.now();
        final ReadOnlyWindowStore<Bytes, WindowAccumulator> store = streams.store(StoreQueryParameters.fromNameAndType(
                LaneAnalysisTopology.WINDOW_STORE, QueryableStoreTypes.windowStore()));
        try (var all = store.fetchAll(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)))) {
            all.forEachRemaining(e -> windows.computeIfAbsent(new String(e.key.key().get(), StandardCharsets.UTF_8), k -> new TreeMap<>())
                    .put(e.key.window().start(), e.value));
        }
        final Long nextPeriodEnd = marks().get(DiagnosisProcessor.NEXT_PERIOD_END);
        windows.forEach((lane, byStart) -> {
            final ObjectNode entry = byLane.computeIfAbsent(lane, k -> {
                final ObjectNode undiagnosed = Renderings.JSON.createObjectNode().put("lane", k).putNull("decision");
                if (nextPeriodEnd != null) {
                    undiagnosed.put("next_period_end", Instant.ofEpochMilli(nextPeriodEnd).toString());
                }
                return undiagnosed;
            });
            final Lane parsed = Lanes.parse(lane);
            final List<LaneWindowStats> stats = byStart.entrySet().stream()
                    .map(w -> w.getValue().toStats(parsed, w.getKey(), w.getKey() + windowMillis)).toList();
            entry.set("live", Renderings.live(stats, now, RECENT_WINDOWS));
        });
        final ArrayNode out = Renderings.JSON.createArrayNode();
        byLane.values().forEach(out::add);
        return out;
    }

    private ReadOnlyKeyValueStore<String, Long> marks() {
        return streams.store(StoreQueryParameters.fromNameAndType(DiagnosisProcessor.MARKS, QueryableStoreTypes.keyValueStore()));
    }

    private ObjectNode concentration() {
        final ObjectNode out = Renderings.JSON.createObjectNode();
        try (KeyValueIterator<String, byte[]> all = diagnoses().all()) {
            LaneDiagnosis latest = null;
            while (all.hasNext()) {
                final LaneDiagnosis d = AvroBytes.read(all.next().value, LaneDiagnosis.class);
                if (latest == null || d.getPeriodEnd().isAfter(latest.getPeriodEnd())) {
                    latest = d;
                }
            }
            if (latest != null) {
                out.put("period_start", latest.getPeriodStart().toString()).put("period_end", latest.getPeriodEnd().toString());
                for (final String k : new String[] {"top1_share", "top2_share", "hhi"}) {
                    final Double v = latest.getFigures().get("concentration." + k);
                    if (v != null) {
                        out.put(k, v);
                    }
                }
            }
        }
        return out;
    }

    /** The instance that owns {@code store}'s partition for {@code key}; null while unknown. */
    private HostInfo ownerOf(final String store, final String key) {
        final KeyQueryMetadata meta = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (meta == null || meta.activeHost() == null || meta.activeHost().port() < 0) {
            return null;
        }
        return meta.activeHost().port() == 0 ? self : meta.activeHost();
    }

    private void forward(final HttpServerRequest request, final HostInfo owner) {
        forwarder.request(new RequestOptions().setHost(owner.host()).setPort(owner.port()).setURI(request.uri()).setMethod(HttpMethod.GET))
                .compose(r -> r.send().compose(response -> response.body().map(body -> new Object[] {response.statusCode(), body.toString()})))
                .onSuccess(result -> send(request, (Integer) result[0], (String) result[1]))
                .onFailure(e -> send(request, 502, error("the owning instance " + owner + " did not answer: " + e.getMessage())));
    }

    private static String lane(final String path, final String suffix) {
        return URLDecoder.decode(path.substring("/lanes/".length(), path.length() - suffix.length()), StandardCharsets.UTF_8);
    }

    private static Instant instant(final String value) {
        try {
            return value.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' is neither an ISO-8601 instant nor epoch milliseconds");
        }
    }

    private static String error(final String message) {
        return Renderings.JSON.createObjectNode().put("error", message).toString();
    }

    private static void send(final HttpServerRequest request, final int status, final String body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }

    @Override
    public void close() {
        streamsMetrics.close();
        gcMetrics.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (final Exception ignored) {
            // closing anyway
        }
    }
}
