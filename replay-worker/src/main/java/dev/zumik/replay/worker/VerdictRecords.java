package dev.zumik.replay.worker;

import dev.zumik.replay.ReplayJob;
import dev.zumik.replay.verdict.Bootstrap;
import dev.zumik.replay.verdict.SideStats;
import dev.zumik.replay.verdict.VerdictReport;
import dev.zumik.schemas.avro.ByocReasonTest;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.avro.VerdictDecision;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Builds the Avro {@link Verdict} published for a replay, so consumers get the key figures without parsing JSON. */
public final class VerdictRecords {
    private VerdictRecords() { }

    /** The verdict topic's record of one replay: the envelope, and its key figures as fields. */
    public static Verdict of(final ReplayRequest request, final ReplayJob.Result result) {
        final VerdictReport r = result.report();
        final Map<String, Double> figures = new HashMap<>();
        side(figures, "baseline", r.baseline());
        side(figures, "candidate", r.candidate());
        final Bootstrap.Result i = r.intervals();
        if (i != null) {
            figures.put("ttftP50DeltaMs", i.ttftP50DeltaMs().estimate());
            figures.put("ttftP99DeltaMs", i.ttftP99DeltaMs().estimate());
            figures.put("e2eP99DeltaMs", i.e2eP99DeltaMs().estimate());
        }
        if (r.demand() != null) {
            figures.put("demand.hoursCaptured", r.demand().coverage().hoursCaptured());
            figures.put("demand.fullWeek", r.demand().coverage().fullWeek() ? 1.0 : 0.0);
            figures.put("candidate.gpuHoursPerMonth", r.candidate().sizing().gpuHoursPerMonth());
            figures.put("candidate.idleGpuHoursPerMonth", r.candidate().sizing().idleGpuHoursPerMonth());
        }
        figures.values().removeIf(v -> v == null || v.isNaN() || v.isInfinite());
        return Verdict.newBuilder().setRequestId(request.getRequestId()).setLane(request.getLane()).setProfile(request.getProfile())
                .setDecision(VerdictDecision.valueOf(r.decision())).setReasons(r.reasons())
                .setCostGainPct(i == null ? null : finite(i.costGainPct().estimate()))
                .setCostGainCiLowPct(i == null ? null : finite(i.costGainPct().low()))
                .setCostGainCiHighPct(i == null ? null : finite(i.costGainPct().high()))
                .setFigures(figures).setWindowName(r.window().name()).setWindowSha256(r.window().sha256())
                .setDsseEnvelope(result.envelope()).setSigningKeyId(signingKeyId(result.envelope()))
                .setDecidedAt(Instant.parse(r.decidedAt()))
                .setByocReasons(r.byocReasons().stream().map(t -> new ByocReasonTest(t.reason(), t.source(), t.holds(), t.outcome())).toList())
                .setThresholds(r.thresholds().decision())
                .setModelFrom(r.modelSubstitution() == null ? null : r.modelSubstitution().from())
                .setModelTo(r.modelSubstitution() == null ? null : r.modelSubstitution().to())
                .setQualityEvaluated(r.modelSubstitution() != null && r.modelSubstitution().qualityEvaluated())
                .setQualityEvidence(r.modelSubstitution() == null ? null : r.modelSubstitution().qualityEvidence()).build();
    }

    private static void side(final Map<String, Double> figures, final String name, final VerdictReport.Side side) {
        if (side == null) {
            return;
        }
        final SideStats s = side.stats();
        figures.put(name + ".ttftP50Ms", s.ttftMs().p50());
        figures.put(name + ".ttftP90Ms", s.ttftMs().p90());
        figures.put(name + ".ttftP99Ms", s.ttftMs().p99());
        figures.put(name + ".tpotP50Ms", s.tpotMs().p50());
        figures.put(name + ".itlP99Ms", s.itlMs().p99());
        figures.put(name + ".e2eP99Ms", s.e2eMs().p99());
        figures.put(name + ".lagP99Ms", s.lagMs().p99());
        figures.put(name + ".errorRate", s.errorRate());
        figures.put(name + ".sloAttainment", s.sloAttainment());
        figures.put(name + ".capture", s.capture());
        figures.put(name + ".monthlyUsd", side.monthlyUsd());
        figures.put(name + ".perMillionTokensUsd", side.perMillionTokensUsd());
    }

    private static Double finite(final double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String signingKeyId(final String envelope) {
        final int at = envelope.indexOf("\"keyid\":\"");
        return at < 0 ? "" : envelope.substring(at + 9, envelope.indexOf('"', at + 9));
    }
}
