package dev.zumik.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** The window accumulator as the window store keeps it: through its bytes after every shape. */
class WindowAccumulatorTest {
    private static final Lane LANE = new Lane("openai", "gpt-4.1", "chat");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldGiveTheSameStatisticsThroughItsBytesAfterEveryShapeAsInMemory() {
        // given 150 shapes (fewer than KLL keeps exactly)
        WindowAccumulator stored = new WindowAccumulator();
        final WindowAccumulator inMemory = new WindowAccumulator();
        final KllFloatsSketch reference = KllFloatsSketch.newHeapInstance(200);

        // when one goes through its bytes after each shape, as the store hands it over
        for (int i = 1; i <= 150; i++) {
            final RequestShape shape = shape(i, 1000 + i * 10, i % 7 == 0 ? 500 : 200);
            stored.add(shape).addHitTokens("infinite", 64);
            stored = WindowAccumulator.fromBytes(stored.toBytes());
            inMemory.add(shape).addHitTokens("infinite", 64);
            reference.update((float) (i * 3.0));
        }

        // then both give the same statistics, and the quantiles are the exact ones
        final LaneWindowStats a = stored.toStats(LANE, 0, 60_000);
        final LaneWindowStats b = inMemory.toStats(LANE, 0, 60_000);
        assertThat(a).isEqualTo(b);
        assertThat(a.getRequests()).isEqualTo(150);
        assertThat(a.getErrorsByClass()).containsExactly(Map.entry("5xx", 21L));
        assertThat(a.getSimulatedHitTokens()).containsExactly(Map.entry("infinite", 150L * 64));
        for (final int p : new int[] {50, 90, 99}) {
            assertThat(a.getQuantiles().get("ttft_p" + p)).isEqualTo((double) reference.getQuantile(p / 100.0, QuantileSearchCriteria.INCLUSIVE));
        }
        assertThat(a.getQuantiles().get("ttft_p50")).isEqualTo(225.0);
    }

    @Test
    void shouldRefuseAWindowInAnotherFormatNamingTheReset() {
        // given a stored window in an unreleased build's first format (format byte 1)
        final byte[] bytes = new byte[64];
        bytes[0] = 1;
        // when / then
        Assertions.assertThatThrownBy(() -> WindowAccumulator.fromBytes(bytes)).isInstanceOf(IncompatibleStateException.class)
                .hasMessageContaining("format 1, not 3").hasMessageContaining("reset the streams application");
    }

    private static RequestShape shape(final int i, final int prompt, final int status) {
        return RequestShape.newBuilder().setEventId("e" + i).setTenant("t").setLane(LANE)
                .setArrivalTime(T0.plusMillis(i * 100L)).setPromptTokens(prompt).setCompletionTokens(10).setCachedTokens(null)
                .setCacheWriteTokens(null).setBlockSize(64).setTokenizer("o200k_base").setHashedTokens(64).setBlockHashes(List.of((long) i))
                .setHashKeyId("k").setTtftMs(i * 3.0).setE2eMs(i * 5.0).setHttpStatus(status).setStream(false).setMaxTokens(null)
                .setServiceTier(null).setSource(ShapeSource.PROXY).setParsed(true).build();
    }
}
