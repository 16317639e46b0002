package dev.zumik.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a server command in the foreground until Ctrl-C (or for a fixed time), then runs its
 * shutdown. On Ctrl-C the JVM exits once its shutdown hooks end, so the hook waits for the shutdown.
 */
final class Running {
    private static final long SHUTDOWN_WAIT_SECONDS = 60;

    private Running() { }

    static void untilStopped(final Duration runFor, final PrintWriter out, final Runnable shutdown) {
        untilStopped(runFor, out, shutdown, new CompletableFuture<>());
    }

    /** As above, and also stops when {@code failed} completes (the server stopped itself). */
    static void untilStopped(final Duration runFor, final PrintWriter out, final Runnable shutdown,
                             final CompletableFuture<?> failed) {
        final CountDownLatch stop = new CountDownLatch(1);
        failed.whenComplete((reason, error) -> stop.countDown());
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            stop.countDown();
            await(stopped, SHUTDOWN_WAIT_SECONDS);
        }, "zumik-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (runFor == null) {
                stop.await();
            } else {
                stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("Stopping...");
        out.flush();
        try {
            shutdown.run();
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException alreadyExiting) {
                // Ctrl-C: the hook is running and now returns
            }
        }
    }

    private static void await(final CountDownLatch latch, final long seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
