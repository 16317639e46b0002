package dev.zumik.capture.traces;

import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.schemas.avro.RequestShape;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;

/**
 * The Azure LLM inference trace CSV ({@code TIMESTAMP,ContextTokens,GeneratedTokens}, UTC
 * timestamps with up to 7 fractional digits, or none where the fraction is zero, as in the 2023 and
 * 2024 releases). It has no hashes: its shapes carry lengths and
 * arrivals only. Arrivals keep their spacing, shifted so the first line lands at the target start.
 */
final class AzureImporter extends TraceImporter {
    /** The traces' form, with what other writers of the same columns vary: a 'T', no fraction, an offset. */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private Instant first;

    AzureImporter(final Target target) {
        super(target);
    }

    @Override
    protected boolean skipHeader(final long number, final String line) {
        return number == 1 && line.startsWith("TIMESTAMP");
    }

    @Override
    protected RequestShape shape(final long number, final String line) {
        final String[] cells = line.split(",");
        if (cells.length != 3) {
            throw new IllegalArgumentException("expected 3 columns TIMESTAMP,ContextTokens,GeneratedTokens, got " + cells.length);
        }
        final Instant at;
        try {
            final TemporalAccessor parsed = TIMESTAMP.parseBest(cells[0].trim(), OffsetDateTime::from, LocalDateTime::from);
            at = parsed instanceof OffsetDateTime offset ? offset.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (final DateTimeParseException e) {
            throw new IllegalArgumentException("TIMESTAMP '" + cells[0].trim() + "' is not yyyy-MM-dd HH:mm:ss[.fffffff][+HH:MM] (UTC unless an offset is given)");
        }
        final int context = nonNegative(cells[1], "ContextTokens");
        final int generated = nonNegative(cells[2], "GeneratedTokens");
        if (first == null) {
            first = at;
        }
        return importedShape(number, line, target.start().plus(Duration.between(first, at)), context, generated)
                .setBlockSize(ShapeBuilder.DEFAULT_BLOCK_SIZE)
                .setTokenizer("none")
                .setHashedTokens(0)
                .setBlockHashes(List.of())
                .setHashKeyId("none")
                .setStream(false)
                .setMaxTokens(null)
                .build();
    }

    private static int nonNegative(final String cell, final String column) {
        try {
            final int value = Integer.parseInt(cell.trim());
            if (value < 0) {
                throw new IllegalArgumentException(column + " is negative (" + value + ")");
            }
            return value;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(column + " '" + cell.trim() + "' is not a whole number");
        }
    }
}
