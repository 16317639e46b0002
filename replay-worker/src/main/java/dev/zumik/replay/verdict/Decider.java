package dev.zumik.replay.verdict;

import dev.zumik.replay.client.ErrorClass;
import dev.zumik.replay.schedule.ReplaySettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision rules of DESIGN.md for a finished replay. INCONCLUSIVE when the replay cannot be
 * trusted (schedule lag p99 or error rate over their bounds on either side). Otherwise MOVE only when
 * every one holds: cost gain at least the material threshold, the interval's lower bound above 0,
 * SLO attainment no worse than the baseline's and cache capture no worse ("equal capture"), each
 * within a small tolerance for measurement noise; else STAY with the failed conditions as reasons.
 */
public final class Decider {
    /** SLO attainment may trail the baseline's by this much (one request in a hundred) and count as no worse. */
    public static final double SLO_TOLERANCE = 0.01;
    /** Capture may trail the baseline's by this much (two points) and count as equal. */
    public static final double CAPTURE_TOLERANCE = 0.02;

    public enum Decision { MOVE, STAY, INCONCLUSIVE }

    public record Ruling(Decision decision, List<String> reasons) { }

    private Decider() { }

    public static Ruling decide(final SideStats baseline, final SideStats candidate, final Bootstrap.Result intervals,
                                 final double materialGainPct, final ReplaySettings settings) {
        final List<String> untrusted = new ArrayList<>();
        if (candidate.requests() > 0 && candidate.errors(ErrorClass.CONNECT) + candidate.errors(ErrorClass.TIMEOUT) == candidate.requests()) {
            untrusted.add("CANDIDATE_UNREACHABLE");
        }
        if (baseline.requests() > 0 && baseline.errors(ErrorClass.CONNECT) + baseline.errors(ErrorClass.TIMEOUT) == baseline.requests()) {
            untrusted.add("BASELINE_UNREACHABLE");
        }
        if (baseline.errorRate() > settings.maxErrorRate()) {
            untrusted.add("BASELINE_ERRORS");
        }
        if (candidate.errorRate() > settings.maxErrorRate()) {
            untrusted.add("CANDIDATE_ERRORS");
        }
        if (lagged(baseline, settings) || lagged(candidate, settings)) {
            untrusted.add("SCHEDULE_LAG");
        }
        if (!untrusted.isEmpty()) {
            return new Ruling(Decision.INCONCLUSIVE, untrusted);
        }
        final List<String> failed = new ArrayList<>();
        final List<String> held = new ArrayList<>();
        final Bootstrap.Interval gain = intervals.costGainPct();
        (gain.estimate() >= materialGainPct ? held : failed).add(gain.estimate() >= materialGainPct ? "MATERIAL_GAIN" : "NO_MATERIAL_GAIN");
        (gain.low() > 0 ? held : failed).add(gain.low() > 0 ? "GAIN_SIGNIFICANT" : "GAIN_NOT_SIGNIFICANT");
        final boolean sloOk = candidate.sloAttainment() >= baseline.sloAttainment() - SLO_TOLERANCE;
        (sloOk ? held : failed).add(sloOk ? "SLO_NO_WORSE" : "SLO_WORSE");
        final boolean captureOk = candidate.capture() >= baseline.capture() - CAPTURE_TOLERANCE;
        (captureOk ? held : failed).add(captureOk ? "EQUAL_CAPTURE" : "CAPTURE_WORSE");
        return failed.isEmpty() ? new Ruling(Decision.MOVE, held) : new Ruling(Decision.STAY, failed);
    }

    private static boolean lagged(final SideStats side, final ReplaySettings settings) {
        return side.lagMs().count() > 0 && side.lagMs().p99() > settings.maxLagP99Millis();
    }
}
