package dev.zumik.capture.proxy;

import dev.zumik.capture.ByteBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Finished exchanges waiting to be shaped on worker threads, at most {@link #MAX_WAITING}; past that
 * their shapes are dropped and counted ({@code shaping_backlog}). The bytes their body copies hold are
 * bounded by the {@link ByteBudget}. Either way the traffic was answered before its exchange got here.
 */
final class ShapingBacklog {
    static final int MAX_WAITING = 20_000;

    private final ThreadPoolExecutor workers;
    private final Counter dropped;

    ShapingBacklog(final int threads, final MeterRegistry meters) {
        this.dropped = meters.counter("zumik_capture_shapes_dropped", "reason", "shaping_backlog");
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING), r -> {
            final Thread t = new Thread(r, "zumik-shaper");
            t.setDaemon(true);
            return t;
        }, (task, pool) -> {
            ((Held) task).release();
            dropped.increment();
        });
    }

    /** Runs {@code task} on a worker unless the backlog is full, then {@code after} either way. Never blocks. */
    void submit(final Runnable task, final Runnable after) {
        workers.execute(new Held(task, after));
    }

    /** Exchanges waiting or being shaped. */
    int size() {
        return workers.getQueue().size() + workers.getActiveCount();
    }

    /** Lets waiting exchanges be shaped, for up to 10 s. */
    void close() {
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Held implements Runnable {
        private final Runnable task;
        private final Runnable after;

        Held(final Runnable task, final Runnable after) {
            this.task = task;
            this.after = after;
        }

        @Override
        public void run() {
            try {
                task.run();
            } finally {
                release();
            }
        }

        void release() {
            after.run();
        }
    }
}
