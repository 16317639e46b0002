package dev.zumik.cli;

import dev.zumik.replay.schedule.Progress;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

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

    /** A replay's two sides. */
    void watch(final Progress baseline, final Progress candidate) {
        watch(List.of(Map.entry("baseline", baseline), Map.entry("candidate", candidate)));
    }

    /** Labelled counters, shown side by side. */
    void watch(final List<Map.Entry<String, Progress>> sides) {
        final Thread t = new Thread(() -> {
            final long every = terminal ? 250 : 5000;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                } catch (final InterruptedException e) {
                    return;
                }
                print(sides);
            }
        }, "replay-progress");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void print(final List<Map.Entry<String, Progress>> sides) {
        final String line = String.join(" | ", sides.stream().map(e -> e.getKey() + ": " + e.getValue().line()).toList());
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
