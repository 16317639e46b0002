package dev.zumik.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses 500ms, 30s, 5m, 2h (or ISO-8601 PT30S). */
final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(final String value) {
        final Duration d;
        try {
            final Matcher m = SIMPLE.matcher(value.trim());
            if (m.matches()) {
                final long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                d = Duration.parse(value.trim());
            }
            d.toMillis(); // a duration past what milliseconds hold is no use to any flag
        } catch (final RuntimeException e) {
            throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 30s, 5m, 2h)");
        }
        if (d.isNegative()) {
            throw new TypeConversionException("'" + value + "' is negative: a duration must be 0 or more");
        }
        return d;
    }
}
