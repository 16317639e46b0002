package dev.zumik.capture.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.capture.ShapingPriority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShapingBacklogTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void shouldHoldAtMostItsBoundWaitingAndDropWhatComesPastIt() throws Exception {
        // given one worker held busy by a first task
        final ShapingBacklog backlog = new ShapingBacklog(1, ShapingPriority.NORMAL, meters);
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger ran = new AtomicInteger();
        final AtomicInteger after = new AtomicInteger();
        backlog.submit(() -> {
            started.countDown();
            await(release);
        }, after::incrementAndGet);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        // when the bound and five more are submitted while it works
        for (int i = 0; i < ShapingBacklog.MAX_WAITING + 5; i++) {
            backlog.submit(ran::incrementAndGet, after::incrementAndGet);
        }

        // then the five past the bound are dropped at once, counted, and their exchanges let go
        assertThat(after.get()).isEqualTo(5);
        assertThat(meters.get("zumik_capture_shapes_dropped").tag("reason", "shaping_backlog").counter().count()).isEqualTo(5.0);
        assertThat(backlog.size()).isEqualTo(ShapingBacklog.MAX_WAITING + 1);

        // and when the worker is free, every one that waited runs and the backlog empties
        release.countDown();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (backlog.size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(backlog.size()).isZero();
        assertThat(ran.get()).isEqualTo(ShapingBacklog.MAX_WAITING);
        assertThat(after.get()).isEqualTo(ShapingBacklog.MAX_WAITING + 6);

        // and once closed, it takes no more
        backlog.close();
        backlog.submit(ran::incrementAndGet, after::incrementAndGet);
        assertThat(ran.get()).isEqualTo(ShapingBacklog.MAX_WAITING);
        assertThat(after.get()).isEqualTo(ShapingBacklog.MAX_WAITING + 7);
    }

    private static void await(final CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
