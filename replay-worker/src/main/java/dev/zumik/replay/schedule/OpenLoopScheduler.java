package dev.zumik.replay.schedule;

import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.client.RequestSender;
import dev.zumik.replay.synth.PromptSynthesizer;
import dev.zumik.replay.synth.RequestBodies;
import dev.zumik.schemas.avro.RequestShape;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Fires one side's requests open-loop: each at its intended time, whether or not earlier ones have
 * answered. A preparer thread builds bodies ahead (bounded look-ahead); the scheduling thread sleeps
 * until just before each send time, spins the last few tens of microseconds, then hands the send to an
 * event loop. The send time is never moved
 * to suit the backend: a send held back by the concurrency cap is late, and its lag is recorded.
 */
public final class OpenLoopScheduler {
    /** Bodies built ahead of their send time; a few hundred KB each at most for the longest prompts. */
    private static final int LOOK_AHEAD = 64;

    /** A body built ahead of its send time, with the sizes it was built to. */
    private record Prepared(byte[] body, int targetPrompt, int targetOutput) { }

    /** Below this, sleeping overshoots; spin instead. */
    private static final long SPIN_NANOS = 50_000;

    private OpenLoopScheduler() { }

    /**
     * Sends {@code shapes[i]} at {@code runStart + offsets[i]} (System.nanoTime clock), its prompt
     * synthesized under {@code salt}, and waits for every answer; outcomes are in shape order.
     */
    public static List<Outcome> run(final Vertx vertx, final RequestSender client, final List<RequestShape> shapes, final long[] offsets,
                                    final long runStart, final int concurrency, final long salt, final Progress progress)
            throws InterruptedException {
        final int n = shapes.size();
        final AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(n);
        final CountDownLatch finished = new CountDownLatch(n);
        final Semaphore inFlight = new Semaphore(concurrency);
        // sends alternate between two event-loop contexts, so one busy loop delays only half of them
        final Context[] loops = {vertx.getOrCreateContext(), vertx.getOrCreateContext()};
        final BlockingQueue<Prepared> ready = new ArrayBlockingQueue<>(LOOK_AHEAD);
        final Thread preparer = new Thread(() -> {
            try {
                for (final RequestShape shape : shapes) {
                    ready.put(new Prepared(RequestBodies.body(client.backend(), shape, salt), PromptSynthesizer.targetTokens(shape),
                            RequestBodies.outputTokens(shape)));
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "replay-bodies");
        preparer.setDaemon(true);
        preparer.start();
        try {
            for (int i = 0; i < n; i++) {
                final Prepared request = ready.take();
                waitUntil(runStart + offsets[i]);
                inFlight.acquire();
                final int index = i;
                loops[i & 1].runOnContext(v -> client.send(index, runStart, offsets[index], request.body(), request.targetPrompt(),
                        request.targetOutput(), outcome -> {
                            outcomes.set(index, outcome);
                            inFlight.release();
                            progress.completed(outcome.ok());
                            finished.countDown();
                        }));
                progress.sent(Math.max(0, System.nanoTime() - runStart - offsets[i]));
            }
        } finally {
            preparer.interrupt();
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
