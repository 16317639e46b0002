package dev.zumik.replay.schedule;

import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.client.ReplayClient;
import dev.zumik.replay.synth.PromptSynthesizer;
import dev.zumik.replay.synth.RequestBodies;
import dev.zumik.schemas.avro.RequestShape;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Fires one side's requests open-loop: each at its intended time, whether or not earlier ones have
 * answered. One thread builds each body ahead of its time, sleeps until just before it and spins the
 * last few tens of microseconds, then hands the send to an event loop. The send time is never moved
 * to suit the backend: a send held back by the concurrency cap is late, and its lag is recorded.
 */
public final class OpenLoopScheduler {
    /** Below this, sleeping overshoots; spin instead. */
    private static final long SPIN_NANOS = 50_000;

    private OpenLoopScheduler() { }

    /**
     * Sends {@code shapes[i]} at {@code runStart + offsets[i]} (System.nanoTime clock) and waits for
     * every answer; outcomes are in shape order.
     */
    public static List<Outcome> run(final Vertx vertx, final ReplayClient client, final List<RequestShape> shapes, final long[] offsets,
                                    final long runStart, final int concurrency, final Progress progress) throws InterruptedException {
        final int n = shapes.size();
        final AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(n);
        final CountDownLatch finished = new CountDownLatch(n);
        final Semaphore inFlight = new Semaphore(concurrency);
        final Context loop = vertx.getOrCreateContext();
        for (int i = 0; i < n; i++) {
            final RequestShape shape = shapes.get(i);
            final byte[] body = RequestBodies.body(client.backend(), shape);
            final int targetPrompt = PromptSynthesizer.targetTokens(shape);
            final int targetOutput = RequestBodies.outputTokens(shape);
            waitUntil(runStart + offsets[i]);
            inFlight.acquire();
            final int index = i;
            loop.runOnContext(v -> client.send(index, runStart, offsets[index], body, targetPrompt, targetOutput, outcome -> {
                outcomes.set(index, outcome);
                inFlight.release();
                progress.completed(outcome.ok());
                finished.countDown();
            }));
            progress.sent(Math.max(0, System.nanoTime() - runStart - offsets[i]));
        }
        finished.await();
        final Outcome[] out = new Outcome[n];
        for (int i = 0; i < n; i++) {
            out[i] = outcomes.get(i);
        }
        return List.of(out);
    }

    static void waitUntil(final long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > SPIN_NANOS) {
            LockSupport.parkNanos(left - SPIN_NANOS);
        }
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /** Captured arrival offsets, compressed by the time scale, in nanoseconds from the first arrival. */
    public static long[] offsets(final List<RequestShape> shapes, final double timeScale) {
        final long[] offsets = new long[shapes.size()];
        if (shapes.isEmpty()) {
            return offsets;
        }
        final long first = shapes.get(0).getArrivalTime().toEpochMilli();
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = (long) ((shapes.get(i).getArrivalTime().toEpochMilli() - first) * 1e6 / timeScale);
        }
        return offsets;
    }

}
