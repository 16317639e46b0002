package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.sim.model.BatchEngine;
import dev.zumik.sim.model.LatencyModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The engine on a virtual clock: exact times, no sleeping. */
class BatchEngineTest {
    private static final long MS = 1_000_000;
    /** 10k prompt tokens/s, 5 ms overhead, 20 ms ITL +10% per extra request, no jitter. */
    private static LatencyModel model(final int maxBatch) {
        return new LatencyModel(10_000, 5, 20, 0.1, maxBatch, 1, 0, new double[0]);
    }

    /** Records a job's token times. */
    private static final class Recorder implements BatchEngine.Listener {
        final List<Long> tokens = new ArrayList<>();
        long finishedAt = -1;

        @Override
        public void onFirstToken(final long atNanos) {
            tokens.add(atNanos);
        }

        @Override
        public void onToken(final int index, final long atNanos) {
            assertThat(index).isEqualTo(tokens.size());
            tokens.add(atNanos);
        }

        @Override
        public void onFinish(final long atNanos) {
            finishedAt = atNanos;
        }
    }

    private static BatchEngine.Job job(final long uncached, final int output, final Recorder recorder) {
        return new BatchEngine.Job(uncached, new long[0], output, 0, new SplittableRandom(1), recorder);
    }

    private static void runUntilIdle(final BatchEngine engine) {
        while (engine.nextEventNanos() != Long.MAX_VALUE) {
            engine.advance(engine.nextEventNanos());
        }
    }

    @Test
    void shouldGiveFirstTokenAfterPrefillAndOverheadThenOneTokenPerStep() {
        // given
        final BatchEngine engine = new BatchEngine(model(8), 7);
        final Recorder r = new Recorder();
        // when: 1,000 uncached tokens = 100 ms of prefill, then 4 more tokens alone in the batch
        engine.submit(job(1000, 5, r), 0);
        runUntilIdle(engine);
        // then
        assertThat(r.tokens).containsExactly(105 * MS, 125 * MS, 145 * MS, 165 * MS, 185 * MS);
        assertThat(r.finishedAt).isEqualTo(185 * MS);
        assertThat(engine.running()).isZero();
    }

    @Test
    void shouldQueuePrefillsBehindEachOtherOnOneLane() {
        // given two requests arriving together
        final BatchEngine engine = new BatchEngine(model(8), 7);
        final Recorder first = new Recorder();
        final Recorder second = new Recorder();
        // when
        engine.submit(job(1000, 1, first), 0);
        engine.submit(job(1000, 1, second), 0);
        runUntilIdle(engine);
        // then: the second prefill starts when the first ends
        assertThat(first.tokens).containsExactly(105 * MS);
        assertThat(second.tokens).containsExactly(205 * MS);
    }

    @Test
    void shouldMakeARequestWaitForABatchSlot() {
        // given a batch of one
        final BatchEngine engine = new BatchEngine(model(1), 7);
        final Recorder first = new Recorder();
        final Recorder second = new Recorder();
        // when
        engine.submit(job(100, 3, first), 0);
        engine.submit(job(100, 3, second), 0);
        engine.advance(20 * MS);
        // then the second waits, and starts only when the first finishes
        assertThat(engine.waiting()).isEqualTo(1);
        runUntilIdle(engine);
        assertThat(first.finishedAt).isEqualTo((10 + 5 + 40) * MS);
        assertThat(second.tokens.get(0)).isEqualTo(first.finishedAt + 15 * MS);
    }

    @Test
    void shouldDecodeSlowerPerRequestInABiggerBatch() {
        // given
        final long alone = interTokenNanos(1);
        final long inEight = interTokenNanos(8);
        // then: 20 ms alone, 20 × (1 + 0.1 × 7) = 34 ms with eight decoding
        assertThat(alone).isEqualTo(20 * MS);
        assertThat(inEight).isEqualTo(34 * MS);
    }

    private static long interTokenNanos(final int concurrent) {
        final BatchEngine engine = new BatchEngine(model(64), 7);
        final List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            final Recorder r = new Recorder();
            recorders.add(r);
            engine.submit(new BatchEngine.Job(0, new long[0], 50, 0, new SplittableRandom(i), r), 0);
        }
        runUntilIdle(engine);
        final List<Long> t = recorders.get(0).tokens;
        return t.get(20) - t.get(19);
    }

    @Test
    void shouldFreeTheSlotOfACancelledRequest() {
        // given a batch of one held by a long request
        final BatchEngine engine = new BatchEngine(model(1), 7);
        final Recorder longOne = new Recorder();
        final Recorder next = new Recorder();
        final BatchEngine.Job hog = job(100, 1000, longOne);
        engine.submit(hog, 0);
        engine.submit(job(100, 2, next), 0);
        // when the first client goes away at 50 ms
        engine.cancel(hog, 50 * MS);
        runUntilIdle(engine);
        // then the second starts at once, and the first sends nothing more
        assertThat(next.tokens.get(0)).isEqualTo(65 * MS);
        assertThat(longOne.tokens).hasSizeLessThan(5);
        assertThat(longOne.finishedAt).isEqualTo(-1);
        assertThat(engine.running()).isZero();
    }

    @Test
    void shouldFinishWithoutTokensWhenNoneAreWanted() {
        // given max_tokens 0 (Anthropic's cache warm-up)
        final BatchEngine engine = new BatchEngine(model(4), 7);
        final Recorder r = new Recorder();
        // when
        engine.submit(job(500, 0, r), 0);
        runUntilIdle(engine);
        // then
        assertThat(r.tokens).isEmpty();
        assertThat(r.finishedAt).isEqualTo(55 * MS);
    }
}
