package dev.zumik.capture.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finished exchanges waiting to be shaped on worker threads, bounded in count and in the bytes of the
 * body copies they hold. A burst of large bodies (base64 images, long contexts) that shaping cannot
 * keep up with costs shapes, dropped and counted ({@code shaping_backlog}), never the proxy's memory:
 * the traffic itself was answered before its exchange got here.
 */
final class ShapingBacklog {
    static final int MAX_WAITING = 20_000;

    private final ThreadPoolExecutor workers;
    private final AtomicLong heldBytes = new AtomicLong();
    private final long maxBytes;
    private final Counter dropped;

    ShapingBacklog(final int threads, final long maxBytes, final MeterRegistry meters) {
        this.maxBytes = maxBytes;
        this.dropped = meters.counter("zumik_capture_shapes_dropped", "reason", "shaping_backlog");
        meters.gauge("zumik_capture_shaping_backlog_bytes", heldBytes);
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING), r -> {
            final Thread t = new Thread(r, "zumik-shaper");
            t.setDaemon(true);
            return t;
        }, (task, pool) -> {
            ((Held) task).release();
            dropped.increment();
        });
    }

    /** Runs {@code task}, which holds {@code bytes} of body copies until it ends, unless the backlog is full. Never blocks. */
    void submit(final long bytes, final Runnable task) {
        while (true) {
            final long held = heldBytes.get();
            if (held + bytes > maxBytes) {
                dropped.increment();
                return;
            }
            if (heldBytes.compareAndSet(held, held + bytes)) {
                break;
            }
        }
        workers.execute(new Held(task, bytes));
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

    private final class Held implements Runnable {
        private final Runnable task;
        private final long bytes;

        Held(final Runnable task, final long bytes) {
            this.task = task;
            this.bytes = bytes;
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
            heldBytes.addAndGet(-bytes);
        }
    }
}
