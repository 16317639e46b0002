package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.cli.ZumikCommandTest.Run;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.RecentTime;
import dev.zumik.localstack.junit.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class TraceCommandsIT {

    @Test
    void shouldImportATraceReportBadLinesAndExportTheWindow(final LocalStack stack, @TempDir final Path dir) throws Exception {
        // given: three good Mooncake lines and four bad ones (not JSON, inconsistent, one undecodable byte, a timestamp the
        // broker would refuse: three days after a start of yesterday midnight, so a day or more ahead at any hour; two days
        // were under the hour allowed ahead between 23:00 and midnight UTC)
        final Path trace = dir.resolve("trace.jsonl");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(String.join("\n",
                "{\"timestamp\": 0, \"input_length\": 1000, \"output_length\": 5, \"hash_ids\": [0, 1]}",
                "{\"timestamp\": 10, \"input_length\": 600, \"output_length\": 7, \"hash_ids\": [0, 2]}",
                "not json",
                "{\"timestamp\": 20, \"input_length\": 600, \"output_length\": 7, \"hash_ids\": [0]}",
                "").getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {'{', '"', 'x', (byte) 0xFF, '"', '}', '\n'});
        bytes.writeBytes(String.join("\n",
                "{\"timestamp\": 30, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [3]}",
                "{\"timestamp\": 259200000, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [4]}").getBytes(StandardCharsets.UTF_8));
        Files.write(trace, bytes.toByteArray());
        final String topic = LocalStack.uniqueTopic("cli-shapes");
        try (Admin admin = Admin.create(
                Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        final Instant start = RecentTime.yesterdayMidnight();
        final String[] connection = {"--kafka", stack.bootstrapServers(), "--registry", stack.registryUrl(), "--topic", topic};

        // when
        final Run missing = ZumikCommandTest.run(concat(new String[] {"import", "mooncake", trace.toString(), "--lane", "test/m/chat",
                "--key-dir", dir.resolve("keys").toString(), "--kafka", stack.bootstrapServers(), "--topic", "no-such-topic"}, new String[0]));
        final Run imported = ZumikCommandTest.run(concat(new String[] {"import", "mooncake", trace.toString(), "--lane", "test/m/chat",
                "--start", start.toString(), "--key-dir", dir.resolve("keys").toString()}, connection));
        final Run exported = ZumikCommandTest.run(concat(new String[] {"export", "mooncake", "--lane", "test/m/chat",
                "--from", start.toString(), "--to", start.plusSeconds(60).toString()}, connection));

        final Run tooOld = ZumikCommandTest.run(concat(new String[] {"import", "mooncake", trace.toString(), "--lane", "test/m/chat",
                "--start", Instant.now().minus(Duration.ofDays(8)).toString(), "--key-dir", dir.resolve("keys").toString()},
                connection));

        final Run backdated = ZumikCommandTest.run(concat(new String[] {"import", "mooncake", trace.toString(), "--lane", "test/m/chat",
                "--start", start.minus(Duration.ofHours(2)).toString(), "--key-dir", dir.resolve("keys").toString()}, connection));

        final Run tooReplicated = ZumikCommandTest.run("topics", "create", "--replication-factor", "5", "--kafka", stack.bootstrapServers(),
                "--registry", stack.registryUrl());

        // then
        assertThat(tooReplicated.exitCode()).as(tooReplicated.err()).isEqualTo(2);
        assertThat(tooReplicated.err().strip()).isEqualTo("zumik topics create: --replication-factor 5 needs at least that many brokers; "
                + stack.bootstrapServers() + " has 1");
        assertThat(backdated.exitCode()).as(backdated.err()).isEqualTo(2);
        assertThat(backdated.err().strip()).startsWith("zumik import: --start ").contains("is before the shapes " + topic + " already holds")
                .contains("invisible to export and replays");
        assertThat(tooOld.exitCode()).isEqualTo(2);
        assertThat(tooOld.err().strip()).startsWith("zumik import: --start ").contains("is older than " + topic + "'s retention (168 h");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip()).isEqualTo("zumik import: topic no-such-topic does not exist; create it first (zumik topics create)");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported 3 shapes, skipped 4 bad lines");
        assertThat(imported.err()).contains("skipped line 3: not valid JSON").contains("skipped line 4: hash_ids has 1 ids but input_length 600")
                .contains("skipped line 5: not UTF-8 text").contains("skipped line 7: arrival ").contains("min ahead of now");
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(exported.out().strip().lines()).containsExactly(
                "{\"timestamp\":0,\"input_length\":1000,\"output_length\":5,\"hash_ids\":[0,1]}",
                "{\"timestamp\":10,\"input_length\":600,\"output_length\":7,\"hash_ids\":[0,2]}",
                "{\"timestamp\":30,\"input_length\":512,\"output_length\":1,\"hash_ids\":[3]}");
        assertThat(exported.err()).contains("exported 3 shapes");
    }

    private static String[] concat(final String[] a, final String[] b) {
        final String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
