package dev.zumik.replay.report;

import dev.zumik.core.cost.DemandCost;
import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.verdict.Bootstrap;
import dev.zumik.replay.verdict.Percentiles;
import dev.zumik.replay.verdict.SideStats;
import dev.zumik.replay.verdict.VerdictReport;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page for one verdict: decision and reasons, the figures side by side, TTFT
 * CDFs of both sides, cost and capture bars, and schedule lag over the replay, drawn as inline SVG.
 * No script, no external resource: it opens offline in any browser.
 */
public final class HtmlReport {
    private static final String BASE_COLOR = "#1f77b4";
    private static final String CAND_COLOR = "#d62728";
    private static final int W = 640;
    private static final int H = 260;
    private static final int PAD = 44;

    private HtmlReport() { }

    public static String render(final VerdictReport r, final List<Outcome> baseline, final List<Outcome> candidate) {
        final StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Zumik verdict ").append(esc(r.requestId()))
                .append("</title><style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                        + "th:first-child,td:first-child{text-align:left}.MOVE{color:#2a7d2a}.STAY{color:#555}.INCONCLUSIVE{color:#b36b00}"
                        + "svg{border:1px solid #eee;margin:0.5em 0}code{font-size:90%}</style></head><body>");
        h.append("<h1>Verdict: <span class=\"").append(esc(r.decision())).append("\">").append(esc(r.decision())).append("</span></h1>");
        h.append("<p>Lane <b>").append(esc(r.lane())).append("</b>, window ").append(esc(r.window().from())).append(" to ")
                .append(esc(r.window().to())).append(" (").append(r.window().shapes()).append(" requests), BYOC profile <b>")
                .append(esc(String.valueOf(r.profile()))).append("</b>. Reasons: <b>").append(esc(String.join(", ", r.reasons())))
                .append("</b>.</p>");
        h.append("<p>Window sha256 <code>").append(esc(r.window().sha256())).append("</code>; request ").append(esc(r.requestId()))
                .append(", trigger ").append(esc(r.trigger())).append(", decided ").append(esc(r.decidedAt())).append(".</p>");
        if (!r.byocReasons().isEmpty()) {
            h.append("<h2>Reasons to move, each tested</h2><table><tr><th>reason</th><th>from</th><th>holds</th><th>outcome</th>"
                    + "<th style=\"text-align:left\">test</th></tr>");
            r.byocReasons().forEach(t -> h.append("<tr><td>").append(esc(t.reason())).append("</td><td>").append(esc(t.source()))
                    .append("</td><td>").append(t.holds() ? "yes" : "no").append("</td><td>").append(esc(String.join(", ", t.outcome())))
                    .append("</td><td style=\"text-align:left\">").append(esc(t.test())).append("</td></tr>"));
            h.append("</table>");
        }
        if (r.modelSubstitution() != null && r.modelSubstitution().to() != null) {
            h.append("<p>Model: ").append(esc(r.modelSubstitution().from())).append(" would become ").append(esc(r.modelSubstitution().to()))
                    .append(r.modelSubstitution().qualityEvaluated() ? "; quality evaluation attached: " + esc(r.modelSubstitution().qualityEvidence())
                            : "; answer quality was not evaluated").append(".</p>");
        }
        if (!r.notes().isEmpty()) {
            h.append("<ul>");
            r.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul>");
        }
        if (r.baseline() != null && r.candidate() != null) {
            h.append("<p>SLO: TTFT &le; ").append(num(r.thresholds().ttftSloMs())).append(" ms, end-to-end &le; ")
                    .append(num(r.thresholds().e2eSloMs())).append(" ms (").append(esc(r.thresholds().sloSource())).append(").</p>");
            sides(h, r);
            intervals(h, r.intervals());
            if (r.demand() != null) {
                demand(h, r.demand());
            }
            h.append("<h2>TTFT, cumulative</h2>");
            cdf(h, ttfts(baseline), ttfts(candidate));
            h.append("<h2>Cost and capture</h2>");
            bars(h, r);
            h.append("<h2>Schedule lag over the replay</h2>");
            lag(h, baseline, candidate);
            h.append("<h2>Repetitions</h2><table><tr><th>#</th><th>salt</th><th>started</th><th>seconds</th><th>cost gain %</th>"
                    + "<th>baseline TTFT p99 ms</th><th>candidate TTFT p99 ms</th></tr>");
            r.replay().repetitions().forEach(rep -> h.append("<tr><td>").append(rep.number()).append("</td><td>").append(esc(rep.salt()))
                    .append("</td><td>").append(esc(rep.startedAt())).append("</td><td>").append(num(rep.seconds())).append("</td><td>")
                    .append(num(rep.costGainPct())).append("</td><td>").append(num(rep.baselineTtftP99Ms())).append("</td><td>")
                    .append(num(rep.candidateTtftP99Ms())).append("</td></tr>"));
            h.append("</table>");
            h.append("<p>Replay: ").append(esc(r.replay().mode())).append("; time scale ").append(num(r.replay().timeScale()))
                    .append(r.replay().decisionGrade() ? " (decision grade)" : " (a smoke run: never MOVE)")
                    .append("; concurrency cap ").append(r.replay().concurrency()).append("; warm-up: ").append(esc(r.replay().warmupPolicy()))
                    .append(".</p>");
        }
        h.append("<h2>Formulas</h2><table>");
        r.formulas().forEach((name, formula) -> h.append("<tr><td>").append(esc(name)).append("</td><td style=\"text-align:left\">")
                .append(esc(formula)).append("</td></tr>"));
        h.append("</table></body></html>\n");
        return h.toString();
    }

    private static void sides(final StringBuilder h, final VerdictReport r) {
        final SideStats b = r.baseline().stats();
        final SideStats c = r.candidate().stats();
        h.append("<table><tr><th>figure</th><th style=\"color:").append(BASE_COLOR).append("\">baseline</th><th style=\"color:")
                .append(CAND_COLOR).append("\">candidate</th></tr>");
        row(h, "backend", esc(r.baseline().backend()), esc(r.candidate().backend()));
        latency(h, "TTFT ms", b.ttftMs(), c.ttftMs());
        latency(h, "TPOT ms", b.tpotMs(), c.tpotMs());
        latency(h, "ITL ms", b.itlMs(), c.itlMs());
        latency(h, "end-to-end ms (at the captured output)", b.e2eMs(), c.e2eMs());
        latency(h, "schedule lag ms", b.lagMs(), c.lagMs());
        row(h, "requests / failed", b.requests() + " / " + b.failed(), c.requests() + " / " + c.failed());
        row(h, "errors by class", esc(b.errorsByClass().toString()), esc(c.errorsByClass().toString()));
        row(h, "SLO attainment", pct(b.sloAttainment()), pct(c.sloAttainment()));
        row(h, "goodput req/s", num(b.goodputPerSecond()), num(c.goodputPerSecond()));
        row(h, "capture (cached / prompt)", pct(b.capture()), pct(c.capture()));
        final VerdictReport.RuntimeCheck rc = r.runtimeCapture();
        row(h, "capture by the runtime's own counters", "- (a managed API publishes none)", rc == null || rc.runtimeCapture() == null
                ? "- (" + esc(rc == null ? "not read" : rc.note()) + ")" : pct(rc.runtimeCapture()) + ": " + esc(rc.decisionUses()));
        row(h, "capture of ideal reuse", b.captureOfIdeal() == null ? "-" : pct(b.captureOfIdeal()),
                c.captureOfIdeal() == null ? "-" : pct(c.captureOfIdeal()));
        row(h, "prompt / cached tokens", b.promptTokens() + " / " + b.cachedTokens(), c.promptTokens() + " / " + c.cachedTokens());
        row(h, "output tokens: requested (the captured lengths) / produced", b.requestedOutputTokens() + " / " + b.completionTokens(),
                c.requestedOutputTokens() + " / " + c.completionTokens());
        row(h, "cost per month USD", num(r.baseline().monthlyUsd()), num(r.candidate().monthlyUsd()));
        row(h, "cost per 1M tokens USD", num(r.baseline().perMillionTokensUsd()), num(r.candidate().perMillionTokensUsd()));
        final VerdictReport.Sizing s = r.candidate().sizing();
        row(h, "BYOC sizing", "-", s == null ? "-" : s.scaling() + " scaling: " + s.windowReplicas() + " replicas for the window's hours, "
                + s.peakReplicas() + " at the busiest hour, " + s.gpusPerReplica() + " GPUs each; " + num(s.gpuHoursPerMonth())
                + " GPU hours a month, " + num(s.idleGpuHoursPerMonth()) + " of them idle");
        h.append("</table>");
    }

    /** Where the money came from: the horizon, its coverage, and each observed hour of the week. */
    private static void demand(final StringBuilder h, final VerdictReport.Demand d) {
        final VerdictReport.Coverage c = d.coverage();
        h.append("<h2>Demand priced</h2><p>From ").append(esc(d.source())).append(", ").append(esc(d.horizonStart())).append(" to ")
                .append(esc(d.horizonEnd())).append(": ").append(num(c.hoursCaptured())).append(" hours captured, days seen: ")
                .append(esc(String.join(", ", c.daysOfWeekSeen()))).append(c.fullWeek() ? " (a full week)" : " (coverage: "
                        + num(c.hoursCaptured()) + " hours, less than a week" + (c.partialAcceptedBy() == null ? ")"
                        : ", accepted by " + esc(c.partialAcceptedBy()) + ")")).append(". Managed cache hits ").append(esc(d.managedCacheHits()))
                .append(".</p><table><tr><th>hour of week (UTC)</th><th>hours seen</th><th>requests/h</th><th>prompt tokens/h</th>"
                        + "<th>output tokens/h</th><th>peak prompt tok/s</th><th>replicas needed</th><th>replicas paid</th><th>managed USD/h</th></tr>");
        for (final DemandCost.Hour hour : d.hourly()) {
            h.append("<tr><td>").append(DayOfWeek.of(hour.hourOfWeek() / 24 + 1).getDisplayName(TextStyle.SHORT,
                    Locale.ROOT)).append(String.format(Locale.ROOT, " %02d:00", hour.hourOfWeek() % 24)).append("</td><td>")
                    .append(num(hour.hoursObserved())).append("</td><td>").append(num(hour.requests())).append("</td><td>")
                    .append(num(hour.promptTokens())).append("</td><td>").append(num(hour.outputTokens())).append("</td><td>")
                    .append(num(hour.peakPromptPerSecond())).append("</td><td>").append(hour.replicasNeeded()).append("</td><td>")
                    .append(num(hour.replicasPaid())).append("</td><td>").append(num(hour.managedUsd())).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void intervals(final StringBuilder h, final Bootstrap.Result i) {
        h.append("<table><tr><th>candidate vs baseline</th><th>estimate</th><th>").append(pct(i.confidence())).append(" low</th><th>high</th></tr>");
        interval(h, "cost gain %", i.costGainPct());
        interval(h, "TTFT p50 delta ms", i.ttftP50DeltaMs());
        interval(h, "TTFT p99 delta ms", i.ttftP99DeltaMs());
        interval(h, "end-to-end p99 delta ms", i.e2eP99DeltaMs());
        h.append("</table><p>Paired bootstrap, ").append(i.iterations()).append(" resamples.</p>");
    }

    private static void interval(final StringBuilder h, final String name, final Bootstrap.Interval v) {
        h.append("<tr><td>").append(name).append("</td><td>").append(num(v.estimate())).append("</td><td>").append(num(v.low()))
                .append("</td><td>").append(num(v.high())).append("</td></tr>");
    }

    private static void latency(final StringBuilder h, final String name, final Percentiles.Summary b, final Percentiles.Summary c) {
        row(h, name + " p50 / p90 / p99", num(b.p50()) + " / " + num(b.p90()) + " / " + num(b.p99()),
                num(c.p50()) + " / " + num(c.p90()) + " / " + num(c.p99()));
    }

    private static void row(final StringBuilder h, final String name, final String b, final String c) {
        h.append("<tr><td>").append(name).append("</td><td>").append(b).append("</td><td>").append(c).append("</td></tr>");
    }

    private static double[] ttfts(final List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o.ok() && o.ttftNanos() >= 0).mapToDouble(o -> o.ttftNanos() / 1e6).sorted().toArray();
    }

    private static void cdf(final StringBuilder h, final double[] b, final double[] c) {
        final double max = Math.max(b.length == 0 ? 1 : b[b.length - 1], c.length == 0 ? 1 : c[c.length - 1]);
        svgStart(h, "TTFT ms", "share of requests", max, 1);
        polyline(h, b, max, BASE_COLOR);
        polyline(h, c, max, CAND_COLOR);
        legend(h);
        h.append("</svg>");
    }

    private static void polyline(final StringBuilder h, final double[] sorted, final double max, final String color) {
        if (sorted.length == 0) {
            return;
        }
        h.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"");
        final int step = Math.max(1, sorted.length / 400);
        for (int i = 0; i < sorted.length; i += step) {
            h.append(x(sorted[i], max)).append(',').append(y((i + 1.0) / sorted.length, 1)).append(' ');
        }
        h.append(x(sorted[sorted.length - 1], max)).append(',').append(y(1, 1)).append("\"/>");
    }

    private static void bars(final StringBuilder h, final VerdictReport r) {
        final double bCost = r.baseline().monthlyUsd() == null ? 0 : r.baseline().monthlyUsd();
        final double cCost = r.candidate().monthlyUsd() == null ? 0 : r.candidate().monthlyUsd();
        final double maxCost = Math.max(1, Math.max(bCost, cCost));
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"150\" role=\"img\">");
        bar(h, 10, "baseline cost $/month " + num(bCost), bCost / maxCost, BASE_COLOR);
        bar(h, 40, "candidate cost $/month " + num(cCost), cCost / maxCost, CAND_COLOR);
        bar(h, 80, "baseline capture " + pct(r.baseline().stats().capture()), r.baseline().stats().capture(), BASE_COLOR);
        bar(h, 110, "candidate capture " + pct(r.candidate().stats().capture()), r.candidate().stats().capture(), CAND_COLOR);
        h.append("</svg>");
    }

    private static void bar(final StringBuilder h, final int top, final String label, final double share, final String color) {
        h.append("<rect x=\"230\" y=\"").append(top).append("\" height=\"22\" width=\"").append(num(Math.max(0, Math.min(1, share)) * (W - 240)))
                .append("\" fill=\"").append(color).append("\"/><text x=\"4\" y=\"").append(top + 16).append("\" font-size=\"12\">")
                .append(esc(label)).append("</text>");
    }

    private static void lag(final StringBuilder h, final List<Outcome> b, final List<Outcome> c) {
        final double maxT = Math.max(1, Math.max(maxOf(b, true), maxOf(c, true)));
        final double maxLag = Math.max(1, Math.max(maxOf(b, false), maxOf(c, false)));
        svgStart(h, "intended send, s", "lag ms", maxT, maxLag);
        dots(h, b, maxT, maxLag, BASE_COLOR);
        dots(h, c, maxT, maxLag, CAND_COLOR);
        legend(h);
        h.append("</svg>");
    }

    private static double maxOf(final List<Outcome> outcomes, final boolean time) {
        return outcomes.stream().mapToDouble(o -> time ? o.intendedNanos() / 1e9 : o.lagNanos() / 1e6).max().orElse(0);
    }

    private static void dots(final StringBuilder h, final List<Outcome> outcomes, final double maxT, final double maxLag, final String color) {
        final int step = Math.max(1, outcomes.size() / 2000);
        h.append("<g fill=\"").append(color).append("\">");
        for (int i = 0; i < outcomes.size(); i += step) {
            final Outcome o = outcomes.get(i);
            h.append("<circle r=\"1.5\" cx=\"").append(x(o.intendedNanos() / 1e9, maxT)).append("\" cy=\"")
                    .append(y(o.lagNanos() / 1e6, maxLag)).append("\"/>");
        }
        h.append("</g>");
    }

    private static void svgStart(final StringBuilder h, final String xLabel, final String yLabel, final double maxX, final double maxY) {
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H).append("\" role=\"img\">")
                .append("<line x1=\"").append(PAD).append("\" y1=\"").append(H - PAD).append("\" x2=\"").append(W - 10).append("\" y2=\"")
                .append(H - PAD).append("\" stroke=\"#888\"/><line x1=\"").append(PAD).append("\" y1=\"10\" x2=\"").append(PAD)
                .append("\" y2=\"").append(H - PAD).append("\" stroke=\"#888\"/>")
                .append("<text x=\"").append(W / 2).append("\" y=\"").append(H - 8).append("\" font-size=\"12\">").append(esc(xLabel))
                .append(" (0 to ").append(num(maxX)).append(")</text><text x=\"4\" y=\"22\" font-size=\"12\">").append(esc(yLabel))
                .append(" (to ").append(num(maxY)).append(")</text>");
    }

    private static void legend(final StringBuilder h) {
        h.append("<text x=\"").append(W - 170).append("\" y=\"30\" font-size=\"12\" fill=\"").append(BASE_COLOR).append("\">baseline</text>")
                .append("<text x=\"").append(W - 90).append("\" y=\"30\" font-size=\"12\" fill=\"").append(CAND_COLOR).append("\">candidate</text>");
    }

    private static String x(final double v, final double max) {
        return num(PAD + v / max * (W - PAD - 10));
    }

    private static String y(final double v, final double max) {
        return num(H - PAD - v / max * (H - PAD - 10));
    }

    static String num(final Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return "-";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String pct(final double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    static String esc(final String s) {
        if (s == null) {
            return "";
        }
        final StringBuilder out = new StringBuilder(s.length());
        for (final char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
