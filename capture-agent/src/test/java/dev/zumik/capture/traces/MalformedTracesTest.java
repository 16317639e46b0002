package dev.zumik.capture.traces;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile trace files for every format: whatever a line holds, the import goes on, keeps every good line,
 * and skips each bad one with its line number and a reason; nothing throws and no count wraps.
 */
class MalformedTracesTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final byte[] NOT_UTF8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    @TempDir
    Path dir;

    private TraceImporter importer(final String format) {
        return TraceImporter.forFormat(format, new TraceImporter.Target(new Lane("t", "gpt-4o", "chat"), "tenant", START,
                new TenantKeyStore(dir.resolve("keys"))), 64, Optional.empty());
    }

    /** Good lines, then bad ones, with the bad lines' numbers. */
    private record Case(List<byte[]> lines, int good) { }

    private Path write(final Case c) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] line : c.lines()) {
            out.writeBytes(line);
            out.write('\n');
        }
        final Path file = Files.createTempFile(dir, "trace", ".txt");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] text(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void check(final String format, final Case c) throws Exception {
        final List<RequestShape> shapes = new ArrayList<>();
        final ImportReport report = importer(format).importFile(write(c), shapes::add);
        assertThat(report.importedCount()).as(format + ": " + report.problems() + " IMPORTED " + shapes.stream().map(s -> s.getArrivalTime() + "/" + s.getPromptTokens() + "/" + s.getCompletionTokens()).toList()).isEqualTo(c.good());
        assertThat(report.skippedCount()).as(format + ": " + report.problems()).isEqualTo(c.lines().size() - c.good()
                - (format.equals("azure") ? 1 : 0));
        assertThat(report.problems()).allSatisfy(p -> assertThat(p).matches("line \\d+: .+"));
        assertThat(shapes).allSatisfy(s -> {
            assertThat(s.getPromptTokens()).isNotNegative();
            assertThat(s.getCompletionTokens()).isNotNegative();
        });
    }

    @Test
    void shouldSkipEveryKindOfBadMooncakeLineAndKeepTheGoodOnes() throws Exception {
        check("mooncake", new Case(List.of(
                text("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [0, 1]}"),
                text("{\"timestamp\": 10, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [2]}"),
                text("not json"),
                text("[1, 2, 3]"),
                text("null"),
                text("{}"),
                text("{\"timestamp\": 0, \"input_length\": -5, \"output_length\": 1, \"hash_ids\": [3]}"),
                text("{\"timestamp\": 0, \"input_length\": 99999999999999999999, \"output_length\": 1, \"hash_ids\": [3]}"),
                text("{\"timestamp\": 1e300, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [3]}"),
                text("{\"timestamp\": 9223372036854775807, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [3]}"),
                text("{\"timestamp\": \"soon\", \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [3]}"),
                text("{\"timestamp\": 0, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": \"abc\"}"),
                text("{\"timestamp\": 0, \"input_length\": 5000, \"output_length\": 1, \"hash_ids\": [3]}"),
                text("{\"timestamp\": 0, \"input_length\": 512, \"output_length\": -1, \"hash_ids\": [3]}"),
                NOT_UTF8), 2));
    }

    @Test
    void shouldSkipEveryKindOfBadAzureLineAndKeepTheGoodOnes() throws Exception {
        check("azure", new Case(List.of(
                text("TIMESTAMP,ContextTokens,GeneratedTokens"),
                text("2023-11-16 18:15:46.6805900,4808,10"),
                text("2023-11-16 18:15:50.9951690,3180,8"),
                text("2023-11-16 18:15:51,1"),
                text("2023-11-16 18:15:51,-1,1"),
                text("2023-11-16 18:15:51,99999999999999999999,1"),
                text("yesterday,100,1"),
                text("9999999-11-16 18:15:51,100,1"),
                text("2023-11-16 18:15:51,abc,1"),
                text(",,"),
                NOT_UTF8), 2));
    }

    @Test
    void shouldSkipEveryKindOfBadOpenAiLogLineAndKeepTheGoodOnes() throws Exception {
        check("openai-log", new Case(List.of(
                text("{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}"),
                text("{\"request\": {\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}, "
                        + "\"response\": {\"usage\": {\"prompt_tokens\": 8, \"completion_tokens\": 2}}, \"timestamp\": 1000}"),
                text("not json"),
                text("[]"),
                text("{\"request\": \"a string\"}"),
                text("{\"request\": {\"model\": \"gpt-4o\", \"messages\": \"not a list\"}}"),
                text("{\"request\": {\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}, \"timestamp\": \"soon\"}"),
                text("{\"request\": {\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}, \"timestamp\": 1e300}"),
                NOT_UTF8), 2));
    }
}
