package dev.zumik.capture.traces;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Turns a trace file into shapes, line by line: a line that cannot be read is reported with its
 * number and skipped. Formats: Mooncake JSONL, the Azure LLM inference CSV, and OpenAI request logs.
 */
public abstract class TraceImporter {
    /** Where imported shapes go and whose they are. */
    public record Target(Lane lane, String tenant, Instant start, TenantKeyStore keys) { }

    protected final Target target;

    protected TraceImporter(final Target target) {
        this.target = target;
    }

    /** The importer for a format name: mooncake, azure or openai-log. */
    public static TraceImporter forFormat(final String format, final Target target, final int blockSize,
                                          final Optional<String> tokenizer) {
        return switch (format) {
            case "mooncake" -> new MooncakeImporter(target);
            case "azure" -> new AzureImporter(target);
            case "openai-log" -> new OpenAiLogImporter(target, new ShapeBuilder(target.keys(), blockSize, tokenizer));
            default -> throw new IllegalArgumentException("unknown trace format '" + format + "' (known: mooncake, azure, openai-log)");
        };
    }

    /** Reads {@code file} and hands each shape to {@code sink}. */
    public ImportReport importFile(final Path file, final Consumer<RequestShape> sink) {
        final ImportReport report = new ImportReport();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long number = 0;
            while (nextLine(in, bytes)) {
                number++;
                final String line;
                try {
                    // one undecodable byte costs its line, not the file
                    line = utf8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString().replaceFirst("\r$", "");
                } catch (final CharacterCodingException e) {
                    report.skipped(number, "not UTF-8 text");
                    continue;
                }
                if (line.isBlank() || skipHeader(number, line)) {
                    continue;
                }
                try {
                    sink.accept(shape(number, line));
                    report.imported();
                } catch (final IllegalArgumentException | JsonProcessingException e) {
                    report.skipped(number, reason(e));
                } catch (final DateTimeException | ArithmeticException e) {
                    report.skipped(number, "a time out of range (" + e.getMessage() + ")");
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return report;
    }

    /** Reads the next line's bytes (without its newline) into {@code line}; false at the end of the input. */
    private static boolean nextLine(final InputStream in, final ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b = in.read();
        if (b < 0) {
            return false;
        }
        while (b >= 0 && b != '\n') {
            line.write(b);
            b = in.read();
        }
        return true;
    }

    private static String reason(final Exception e) {
        if (e instanceof JsonProcessingException json) {
            return "not valid JSON (" + json.getOriginalMessage() + ")";
        }
        return e.getMessage();
    }

    /**
     * A shape of this import with what every trace line gives: a stable event id (re-importing the
     * same file gives the same ids), tenant, lane, arrival and token counts; no provider report, no
     * timings, status 200. The caller sets blocks, tokenizer, stream flag and output limit.
     */
    protected RequestShape.Builder importedShape(final long number, final String line, final Instant arrival,
                                                 final int promptTokens, final int completionTokens) {
        return RequestShape.newBuilder()
                .setEventId(UUID.nameUUIDFromBytes((target.lane() + "|" + number + "|" + line).getBytes(StandardCharsets.UTF_8)).toString())
                .setTenant(target.tenant())
                .setLane(target.lane())
                .setArrivalTime(arrival)
                .setPromptTokens(promptTokens)
                .setCompletionTokens(completionTokens)
                .setCachedTokens(null)
                .setCacheWriteTokens(null)
                .setTtftMs(null)
                .setE2eMs(null)
                .setHttpStatus(200)
                .setServiceTier(null)
                .setSource(ShapeSource.IMPORT)
                .setParsed(true);
    }

    protected boolean skipHeader(final long number, final String line) {
        return false;
    }

    /** One shape from one line; IllegalArgumentException says what is wrong with the line. */
    protected abstract RequestShape shape(long number, String line) throws JsonProcessingException;
}
