package dev.zumik.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.traces.ImportReport;
import dev.zumik.capture.traces.MooncakeExporter;
import dev.zumik.capture.traces.ShapeWriter;
import dev.zumik.capture.traces.TraceImporter;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.RecentTime;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.ShapeWindowReader;
import dev.zumik.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Mooncake trace in, through Kafka, window out: the same lengths and the same hash-equality structure. */
@ExtendWith(LocalStackExtension.class)
class TraceRoundTripIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TRACE = Path.of("../data/mooncake_synthetic_trace.jsonl");

    @Test
    void shouldExportAnImportedMooncakeTraceWithTheSameLengthsAndReuseStructure(final LocalStack stack, @TempDir final Path dir)
            throws Exception {
        // given: the whole published trace, shipped in data/
        final Path trace = TRACE;
        final String topic = LocalStack.uniqueTopic("trace");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()))).all().get();
        }
        final Lane lane = Lanes.parse("mooncake/kimi/chat");
        final Instant start = RecentTime.yesterdayMidnight();
        final TraceImporter importer = TraceImporter.forFormat("mooncake",
                new TraceImporter.Target(lane, "tenant-a", start, new TenantKeyStore(dir.resolve("keys"))), 64, Optional.empty());

        // when
        final ImportReport report;
        try (ShapeWriter writer = new ShapeWriter(Map.of("bootstrap.servers", stack.bootstrapServers()),
                Topics.create(stack.registryClient()).shapes().named(topic))) {
            report = importer.importFile(trace, writer::write);
            writer.commit();
        }
        // a committed transaction is visible to read_committed readers once its markers are written, a moment after the commit
        final List<List<RequestShape>> read = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            read.add(0, ShapeWindowReader.read(Map.of("bootstrap.servers", stack.bootstrapServers()), topic,
                    new ConfluentAvroDeserializer<>(stack.registryClient(), RequestShape.class), lane, start, start.plusSeconds(3600)).shapes());
            return read.get(0).size() == report.importedCount();
        });
        final List<RequestShape> window = read.get(0);
        final StringWriter exported = new StringWriter();
        MooncakeExporter.write(window, new PrintWriter(exported));

        // then
        final List<String> originalLines = Files.readAllLines(trace, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        assertThat(report.skippedCount()).isZero();
        assertThat(report.importedCount()).isEqualTo(originalLines.size());
        final List<JsonNode> original = new ArrayList<>();
        for (final String line : originalLines) {
            original.add(JSON.readTree(line));
        }
        final List<JsonNode> back = new ArrayList<>();
        for (final String line : exported.toString().split("\n")) {
            back.add(JSON.readTree(line));
        }
        assertThat(back).hasSize(original.size());
        // one lane is one key, so one partition: the window comes back in file order (ties included)
        final Map<Long, Long> forward = new HashMap<>();
        final Map<Long, Long> reverse = new HashMap<>();
        for (int i = 0; i < original.size(); i++) {
            final JsonNode a = original.get(i);
            final JsonNode b = back.get(i);
            assertThat(b.path("timestamp").asLong()).isEqualTo(a.path("timestamp").asLong());
            assertThat(b.path("input_length").asLong()).isEqualTo(a.path("input_length").asLong());
            assertThat(b.path("output_length").asLong()).isEqualTo(a.path("output_length").asLong());
            assertThat(b.path("hash_ids").size()).isEqualTo(a.path("hash_ids").size());
            for (int j = 0; j < a.path("hash_ids").size(); j++) {
                final long x = a.path("hash_ids").get(j).asLong();
                final long y = b.path("hash_ids").get(j).asLong();
                // equal ids stay equal and different ids stay different: the mapping is a bijection
                assertThat(forward.computeIfAbsent(x, k -> y)).isEqualTo(y);
                assertThat(reverse.computeIfAbsent(y, k -> x)).isEqualTo(x);
            }
        }
    }
}
