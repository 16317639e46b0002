package dev.zumik.replay.report;

import dev.zumik.replay.verdict.Bootstrap;
import dev.zumik.replay.verdict.VerdictReport;
import java.util.Locale;

/** A verdict in a few lines: decision and reasons, cost gain with its interval, TTFT p99 and capture on both sides. */
public final class VerdictSummary {
    private VerdictSummary() { }

    public static String text(final VerdictReport r) {
        final StringBuilder s = new StringBuilder();
        s.append("Verdict: ").append(r.decision()).append(" (").append(String.join(", ", r.reasons())).append(") for ").append(r.lane())
                .append(" against ").append(r.profile()).append('\n');
        if (r.intervals() != null) {
            final Bootstrap.Interval gain = r.intervals().costGainPct();
            s.append(String.format(Locale.ROOT, "  cost gain %.1f%% (%.0f%% interval %.1f%% to %.1f%%): managed $%,.0f/month, BYOC $%,.0f/month%n",
                    gain.estimate(), r.intervals().confidence() * 100, gain.low(), gain.high(), r.baseline().monthlyUsd(),
                    r.candidate().monthlyUsd()));
            s.append(String.format(Locale.ROOT, "  TTFT p99: baseline %.0f ms, candidate %.0f ms; capture: baseline %.1f%%, candidate %.1f%%%n",
                    r.baseline().stats().ttftMs().p99(), r.candidate().stats().ttftMs().p99(), r.baseline().stats().capture() * 100,
                    r.candidate().stats().capture() * 100));
        }
        r.notes().forEach(n -> s.append("  note: ").append(n).append('\n'));
        return s.toString().stripTrailing();
    }
}
