package dev.zumik.cli;

import dev.zumik.replay.schedule.Progress;
import java.io.PrintWriter;

/**
 * Shows a running replay: on a terminal one line rewritten four times a second, otherwise a plain
 * log line every five seconds.
 */
final class ProgressLine implements AutoCloseable {
    private final PrintWriter out;
    private final boolean terminal;
    private volatile Thread thread;

    ProgressLine(final PrintWriter out, final boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void watch(final Progress baseline, final Progress candidate) {
        final Thread t = new Thread(() -> {
            final long every = terminal ? 250 : 5000;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                } catch (final InterruptedException e) {
                    return;
                }
                print(baseline, candidate);
            }
        }, "replay-progress");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void print(final Progress baseline, final Progress candidate) {
        final String line = "baseline: " + baseline.line() + " | candidate: " + candidate.line();
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void close() {
        final Thread t = thread;
        if (t != null) {
            t.interrupt();
            if (terminal) {
                out.println();
            }
        }
    }
}
