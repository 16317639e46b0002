package dev.zumik.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Times a JVM stopped its threads, as windows of System.nanoTime, which on Linux is CLOCK_MONOTONIC and so one clock
 * for every process here: a child JVM's safepoints (GC pauses and every other stop, each from the moment it was asked
 * for, so the wait for threads to reach it counts), from the log {@link #logOptions} has it write; and this JVM's own
 * GC pauses (the load generator's and the upstream's), from GC notifications. Tells whether a request's span met one.
 */
final class JvmStops {
    /**
     * A safepoint's log line, written as it ends: "[123ns] Safepoint "G1CollectForAllocation", Time since last: 9 ns,
     * Reaching safepoint: 3475 ns, Cleanup: 27010 ns, At safepoint: 7939769 ns, Total: 7970254 ns".
     */
    private static final Pattern SAFEPOINT = Pattern.compile("^\\[(\\d+)ns] Safepoint \"([^\"]+)\".* Reaching safepoint: (\\d+) ns.* Total: (\\d+) ns$");

    /** Each stop's start, end and time for the threads to reach it (0 where unknown), in ns. */
    private final List<long[]> windows = new ArrayList<>();
    private long[] starts = new long[0];
    /** The latest end of a pause among those sorted up to each index. */
    private long[] endsSoFar = new long[0];

    /** JVM options that make a child log its safepoints to {@code log} on this clock. */
    static List<String> logOptions(final Path log) {
        return List.of("-Xlog:safepoint:file=" + log.toAbsolutePath() + ":timenanos");
    }

    /** The stops a child logged so far, all of them or only its GC's ({@code G1...} operations); none if it logged nothing yet. */
    static JvmStops fromLog(final Path log, final boolean onlyGc) {
        final JvmStops stops = new JvmStops();
        try {
            for (final String line : Files.readAllLines(log)) {
                final Matcher m = SAFEPOINT.matcher(line);
                if (m.matches() && (!onlyGc || m.group(2).startsWith("G1"))) {
                    final long end = Long.parseLong(m.group(1));
                    stops.add(end - Long.parseLong(m.group(4)), end, Long.parseLong(m.group(3)));
                }
            }
        } catch (final IOException e) {
            // no log yet: no stops
        }
        return stops;
    }

    /**
     * This JVM's pauses from now on. Notifications time them in whole milliseconds since the JVM started, so each
     * window is widened by a millisecond either side: a request near one is counted as meeting it.
     */
    static JvmStops ofThisJvm() {
        final JvmStops stops = new JvmStops();
        final long startNanos = System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000;
        for (final GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof NotificationEmitter emitter && !bean.getName().contains("Concurrent")) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        final var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
                        synchronized (stops) {
                            stops.add(startNanos + (info.getStartTime() - 1) * 1_000_000, startNanos + (info.getEndTime() + 1) * 1_000_000, 0);
                        }
                    }
                }, null, null);
            }
        }
        return stops;
    }

    private void add(final long start, final long end, final long reach) {
        windows.add(new long[] {start, end, reach});
        starts = null;
    }

    /** Stops that started in {@code [from, to]}: their count, their total ms, and the longest wait in ms for threads to reach one. */
    synchronized double[] summary(final long from, final long to) {
        long count = 0;
        double ms = 0;
        double reach = 0;
        for (final long[] w : windows) {
            if (w[0] >= from && w[0] <= to) {
                count++;
                ms += (w[1] - w[0]) / 1e6;
                reach = Math.max(reach, w[2] / 1e6);
            }
        }
        return new double[] {count, ms, reach};
    }

    /** Whether a stop overlapped {@code [from, to]}. */
    synchronized boolean met(final long from, final long to) {
        if (starts == null) {
            windows.sort((a, b) -> Long.compare(a[0], b[0]));
            starts = windows.stream().mapToLong(w -> w[0]).toArray();
            endsSoFar = new long[windows.size()];
            for (int i = 0; i < endsSoFar.length; i++) {
                endsSoFar[i] = Math.max(windows.get(i)[1], i > 0 ? endsSoFar[i - 1] : Long.MIN_VALUE);
            }
        }
        // of the pauses that start by the span's end, does any end after its start
        int i = Arrays.binarySearch(starts, to);
        i = i >= 0 ? i : -i - 2;
        return i >= 0 && endsSoFar[i] >= from;
    }
}
