package dev.zumik.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The LRU model against a published figure: Mooncake's FAST '25 paper plots the token hit rate of
 * its synthetic trace against cache capacity (Figure 9, read off the plot to ±0.02; data/README.md).
 * The trace's hash_ids are chained 512-token block ids, so LRU over them is the paper's experiment.
 */
class MooncakeCacheCurveTest {
    private static final Path TRACE = Path.of("../data/mooncake_synthetic_trace.jsonl");
    private static final Pattern FIELDS = Pattern.compile("\"input_length\":\\s*(\\d+).*\"hash_ids\":\\s*\\[([^\\]]*)\\]");

    record Request(long inputLength, long[] blocks) { }

    static List<Request> trace() throws IOException {
        final List<Request> requests = new ArrayList<>();
        for (final String line : Files.readAllLines(TRACE, StandardCharsets.UTF_8)) {
            final Matcher m = FIELDS.matcher(line);
            if (!m.find()) {
                continue;
            }
            final String[] ids = m.group(2).split(",");
            final long[] blocks = new long[m.group(2).isBlank() ? 0 : ids.length];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = Long.parseLong(ids[i].trim());
            }
            requests.add(new Request(Long.parseLong(m.group(1)), blocks));
        }
        return requests;
    }

    @ParameterizedTest(name = "{0} tokens of cache -> hit ratio {1}")
    @CsvSource({"100000, 0.01", "1000000, 0.145", "3000000, 0.30", "10000000, 0.59", "50000000, 0.66"})
    void shouldReproduceThePublishedHitRateCurve(final long capacityTokens, final double published) throws IOException {
        // given
        final TieredLruCache cache = new TieredLruCache(capacityTokens / 512);
        long hitTokens = 0;
        long promptTokens = 0;

        // when
        long time = 0;
        for (final Request r : trace()) {
            hitTokens += cache.access(r.blocks(), time++).tokens(512, r.inputLength());
            promptTokens += r.inputLength();
        }

        // then: token-weighted aggregate hit ratio within the plot's reading error (±0.02) plus a little
        assertThat((double) hitTokens / promptTokens).isCloseTo(published, Offset.offset(0.025));
    }
}
