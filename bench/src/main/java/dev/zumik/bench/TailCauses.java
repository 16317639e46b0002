package dev.zumik.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Whether the JVM stopping is what an open loop's tail is made of: of each round's slowest 1% of requests, how many
 * met a stop of the proxy's JVM (a GC pause or another safepoint) and how many a GC pause of the bench's JVM (the load
 * generator and the upstream); and the p99 of the requests that met neither, which is the tail without them.
 */
final class TailCauses {
    private TailCauses() { }

    /** The stops of a proxy's JVM: all of them, and its GC's alone. */
    record ProxyStops(JvmStops all, JvmStops gc) { }

    static String header() {
        return """
                | path | requests that met a stop of the proxy's JVM | of the slowest 1%: met one (a GC pause) | of the slowest 1%: met a GC \
                pause of the bench's JVM | the proxy JVM's stops: count, total ms, longest wait for its threads to reach one | p99 ms of \
                the requests that met no stop (median over rounds) |
                |---|---|---|---|---|---|""";
    }

    /** The table row of one path over its rounds. */
    static String row(final String name, final List<LoadGenerator.OpenLoopRun> rounds, final Optional<ProxyStops> own, final JvmStops bench) {
        long requests = 0;
        long metOwn = 0;
        long slowest = 0;
        long slowestMetOwn = 0;
        long slowestMetOwnGc = 0;
        long slowestMetBench = 0;
        final double[] stops = new double[3];
        final List<Double> untouchedP99 = new ArrayList<>();
        for (final LoadGenerator.OpenLoopRun run : rounds) {
            final int n = run.intendedNanos().length;
            final long[] latency = new long[n];
            final boolean[] ownStop = new boolean[n];
            final boolean[] benchStop = new boolean[n];
            final List<Long> untouched = new ArrayList<>();
            int answered = 0;
            long lastEnd = 0;
            for (int i = 0; i < n; i++) {
                final long from = run.intendedNanos()[i];
                final long to = run.endNanos()[i];
                latency[i] = to == 0 ? -1 : to - from;
                if (to == 0) {
                    continue;
                }
                answered++;
                lastEnd = Math.max(lastEnd, to);
                ownStop[i] = own.isPresent() && own.get().all().met(from, to);
                benchStop[i] = bench.met(from, to);
                metOwn += ownStop[i] ? 1 : 0;
                if (!ownStop[i] && !benchStop[i]) {
                    untouched.add(latency[i]);
                }
            }
            requests += answered;
            final Integer[] slowestFirst = new Integer[n];
            Arrays.setAll(slowestFirst, i -> i);
            Arrays.sort(slowestFirst, (a, b) -> Long.compare(latency[b], latency[a]));
            final int top = (int) Math.ceil(answered / 100.0);
            for (int k = 0; k < top; k++) {
                final int i = slowestFirst[k];
                slowest++;
                slowestMetOwn += ownStop[i] ? 1 : 0;
                slowestMetOwnGc += ownStop[i] && own.get().gc().met(run.intendedNanos()[i], run.endNanos()[i]) ? 1 : 0;
                slowestMetBench += benchStop[i] ? 1 : 0;
            }
            if (own.isPresent() && n > 0) {
                final double[] s = own.get().all().summary(run.intendedNanos()[0], lastEnd);
                stops[0] += s[0];
                stops[1] += s[1];
                stops[2] = Math.max(stops[2], s[2]);
            }
            if (!untouched.isEmpty()) {
                untouched.sort(null);
                untouchedP99.add(untouched.get((int) Math.ceil(untouched.size() * 0.99) - 1) / 1e6);
            }
        }
        final double p99 = untouchedP99.isEmpty() ? Double.NaN
                : PeerProxyBench.median(untouchedP99.stream().mapToDouble(Double::doubleValue).sorted().toArray());
        return String.format("| %s | %s | %s | %s | %s | %.3f |", name,
                own.isPresent() ? percent(metOwn, requests, 2) : "(no JVM)",
                own.isPresent() ? percent(slowestMetOwn, slowest, 0) + " (" + percent(slowestMetOwnGc, slowest, 0) + ")" : "",
                percent(slowestMetBench, slowest, 0),
                own.isPresent() ? String.format("%.0f, %.1f, %.2f", stops[0], stops[1], stops[2]) : "", p99);
    }

    private static String percent(final long part, final long whole, final int decimals) {
        return String.format("%." + decimals + "f%%", 100.0 * part / Math.max(1, whole));
    }
}
