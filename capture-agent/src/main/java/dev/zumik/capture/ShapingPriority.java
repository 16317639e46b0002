package dev.zumik.capture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the agent's background threads (the shapers and the shape sender) are scheduled against the threads that relay
 * traffic. Shaping an 8k-token prompt takes a few hundred microseconds of CPU; at normal priority it competes with
 * the event loop for the same cores, and the proxy's p99 paid for it (the benchmark: added p99 about twice nginx's
 * with shaping, level with it without). In Linux's {@code SCHED_IDLE} class a thread runs only on CPU time no other
 * thread wants, and a relay thread that wakes takes the core at once. Shapes then wait while the cores are saturated,
 * within the shaping backlog's bounds (past them they are dropped and counted), and catch up when load falls.
 * A thread Linux creates inherits its creator's scheduling class, which is how the Kafka producer's own network
 * thread, started inside the client library, gets it too ({@link #make}).
 */
public enum ShapingPriority {
    /** {@code SCHED_IDLE} where the OS grants it (Linux, through util-linux's {@code chrt}); else normal, said once in the log. */
    IDLE,
    /** The same scheduling as the relay: shapes keep up under saturation, at the cost of the relay's tail. */
    NORMAL;

    private static final Logger LOG = LoggerFactory.getLogger(ShapingPriority.class);
    private static final int SCHED_IDLE = 5;
    private static final String IDLE_THREADS = "zumik_capture_background_threads_idle";
    private static final AtomicBoolean REFUSAL_LOGGED = new AtomicBoolean();

    /**
     * Puts the calling thread in this class, counting it in {@code zumik_capture_background_threads_idle} when it runs at
     * idle priority now. Never throws.
     */
    public void applyToCurrentThread(final MeterRegistry meters) {
        if (this == NORMAL) {
            return;
        }
        final Optional<String> refusal = lowerCurrentThread();
        if (refusal.isEmpty()) {
            Counter.builder(IDLE_THREADS).description("Agent threads that put themselves in SCHED_IDLE (threads they start inherit it)")
                    .register(meters).increment();
        } else if (REFUSAL_LOGGED.compareAndSet(false, true)) {
            LOG.warn("Shaping runs at normal priority, competing with the relay for CPU: {}", refusal.get());
        }
    }

    /**
     * Calls {@code make} on a new thread in this class and returns what it made, or throws what it threw: threads that
     * {@code make} starts, such as a Kafka client's, are scheduled in this class too.
     */
    public <T> T make(final Supplier<T> make, final MeterRegistry meters) {
        if (this == NORMAL) {
            return make.get();
        }
        final AtomicReference<T> made = new AtomicReference<>();
        final AtomicReference<RuntimeException> failed = new AtomicReference<>();
        final Thread maker = new Thread(() -> {
            applyToCurrentThread(meters);
            try {
                made.set(make.get());
            } catch (final RuntimeException e) {
                failed.set(e);
            }
        }, "zumik-background-start");
        maker.start();
        try {
            maker.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting a background thread", e);
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        return made.get();
    }

    /** Empty when the calling thread is now in {@code SCHED_IDLE}; else why not. */
    private static Optional<String> lowerCurrentThread() {
        final Optional<String> self = currentThreadId();
        if (self.isEmpty()) {
            return Optional.of("no /proc/thread-self (not Linux)");
        }
        final String tid = self.get();
        try {
            final Process chrt = new ProcessBuilder("chrt", "--idle", "--pid", "0", tid).redirectErrorStream(true).start();
            final String said = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!chrt.waitFor(5, TimeUnit.SECONDS) || chrt.exitValue() != 0) {
                return Optional.of("chrt --idle refused: " + said);
            }
        } catch (final IOException e) {
            return Optional.of("chrt (util-linux) is not installed");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
        return policyOf(tid) == SCHED_IDLE ? Optional.empty() : Optional.of("chrt ran but the policy did not change");
    }

    /** The calling thread's id as Linux knows it (from {@code /proc/thread-self}, "PID/task/TID"); empty elsewhere. */
    static Optional<String> currentThreadId() {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (final IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The scheduling policy of a thread of this process (field 41 of its stat), or -1 when unreadable. */
    static int policyOf(final String tid) {
        try {
            final String stat = Files.readString(Path.of("/proc/self/task", tid, "stat"));
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[41 - 3]);
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }
}
