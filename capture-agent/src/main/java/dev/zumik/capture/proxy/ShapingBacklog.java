package dev.zumik.capture.proxy;

import dev.zumik.capture.ByteBudget;
import dev.zumik.capture.IdleBackoff;
import dev.zumik.capture.ShapingPriority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finished exchanges waiting to be shaped on worker threads, at most {@link #MAX_WAITING}; past that
 * their shapes are dropped and counted ({@code shaping_backlog}). The bytes their body copies hold are
 * bounded by the {@link ByteBudget}. Either way the traffic was answered before its exchange got here.
 * The event loop only enqueues; workers find the work on their own ({@link IdleBackoff}), at the priority the
 * settings give ({@link ShapingPriority}). The queue takes no lock: a worker at idle priority that the kernel
 * preempted while holding one would stall every event loop that next submits, for as long as the cores stay busy.
 */
final class ShapingBacklog {
    static final int MAX_WAITING = 20_000;

    private final ConcurrentLinkedQueue<Held> waiting = new ConcurrentLinkedQueue<>();
    /** How many wait in {@link #waiting}: its own size() walks the queue. */
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicInteger shaping = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private final Counter dropped;
    private final ShapingPriority priority;
    private final MeterRegistry meters;
    private volatile boolean accepting = true;

    ShapingBacklog(final int threads, final ShapingPriority priority, final MeterRegistry meters) {
        this.priority = priority;
        this.meters = meters;
        this.dropped = meters.counter("zumik_capture_shapes_dropped", "reason", "shaping_backlog");
        meters.gauge("zumik_capture_shaping_backlog", this, ShapingBacklog::size);
        for (int i = 0; i < threads; i++) {
            final Thread t = new Thread(this::work, "zumik-shaper");
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
    }

    /** Runs {@code task} on a worker unless the backlog is full (or closed), then {@code after} either way. Never blocks. */
    void submit(final Runnable task, final Runnable after) {
        if (accepting) {
            if (waitingCount.incrementAndGet() <= MAX_WAITING) {
                waiting.add(new Held(task, after));
                return;
            }
            waitingCount.decrementAndGet();
        }
        after.run();
        dropped.increment();
    }

    /** Exchanges waiting or being shaped. */
    int size() {
        return waitingCount.get() + shaping.get();
    }

    private void work() {
        priority.applyToCurrentThread(meters);
        final IdleBackoff backoff = new IdleBackoff();
        while (true) {
            shaping.incrementAndGet();
            final Held held = waiting.poll();
            if (held == null) {
                shaping.decrementAndGet();
                if (!accepting) {
                    return;
                }
                backoff.idle();
                continue;
            }
            waitingCount.decrementAndGet();
            backoff.worked();
            try {
                held.run();
            } finally {
                shaping.decrementAndGet();
            }
        }
    }

    /** Lets waiting exchanges be shaped, for up to 10 s. */
    void close() {
        accepting = false;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (final Thread t : workers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record Held(Runnable task, Runnable after) implements Runnable {
        @Override
        public void run() {
            try {
                task.run();
            } catch (final RuntimeException e) {
                // a task logs its own failures; a worker outlives them
            } finally {
                after.run();
            }
        }
    }
}
