package dev.zumik.replay.verdict;

import dev.zumik.replay.client.ErrorClass;
import dev.zumik.replay.client.Outcome;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One side's replay figures. Latencies (ms, nearest-rank) cover the requests intended after the
 * warm-up; errors, lag and tokens cover all. Capture = reported cached tokens / reported prompt
 * tokens; against the window's ideal reuse = reported cached tokens / the infinite cache's hit tokens.
 * SLO attainment = share of measured requests that succeeded and met every SLO of the lane;
 * goodput = those requests per second of replay. End-to-end times are at the captured output length
 * ({@link Outcome#e2eAtTargetNanos}), so both sides are compared on the same output.
 * {@code completionTokens} are the output tokens the side produced; {@code requestedOutputTokens} what it
 * was asked for, the captured completion lengths (at least one each).
 */
public record SideStats(String backend, long requests, long failed, double errorRate, Map<String, Long> errorsByClass,
                        Percentiles.Summary lagMs, Percentiles.Summary ttftMs, Percentiles.Summary tpotMs, Percentiles.Summary itlMs,
                        Percentiles.Summary e2eMs, double sloAttainment, double goodputPerSecond, long promptTokens, long cachedTokens,
                        long cacheWriteTokens, long completionTokens, long requestedOutputTokens, double capture, Double captureOfIdeal,
                        double promptTokenMismatch, double outputTokenMismatch, long retries) {

    /** The lane's latency objectives; null fields are not set. */
    public record Slo(Double ttftMs, Double e2eMs) {
        boolean met(final Outcome o) {
            return o.ok() && (ttftMs == null || (o.ttftNanos() >= 0 && o.ttftNanos() / 1e6 <= ttftMs))
                    && (e2eMs == null || o.e2eAtTargetNanos() / 1e6 <= e2eMs);
        }
    }

    public static SideStats of(final String backend, final List<Outcome> outcomes, final long warmupNanos, final Slo slo,
                               final long idealHitTokens, final double replaySeconds) {
        final int n = outcomes.size();
        final Map<String, Long> errors = new TreeMap<>();
        final double[] lag = new double[n];
        int measured = 0;
        long failed = 0;
        long met = 0;
        long prompt = 0;
        long cached = 0;
        long writes = 0;
        long completion = 0;
        long retries = 0;
        long requestedOutput = 0;
        long promptDiff = 0;
        long promptTarget = 0;
        long outputDiff = 0;
        long outputTarget = 0;
        int itlCount = 0;
        for (final Outcome o : outcomes) {
            itlCount += o.intendedNanos() >= warmupNanos ? o.itlMicros().length : 0;
        }
        final double[] ttft = new double[n];
        final double[] tpot = new double[n];
        final double[] e2e = new double[n];
        final double[] itl = new double[itlCount];
        int itlAt = 0;
        for (int i = 0; i < n; i++) {
            final Outcome o = outcomes.get(i);
            lag[i] = o.lagNanos() / 1e6;
            requestedOutput += o.targetOutputTokens();
            retries += o.retries();
            if (!o.ok()) {
                failed++;
                errors.merge(o.error().name(), 1L, Long::sum);
            } else {
                final int reportedPrompt = o.promptTokens() != null ? o.promptTokens() : o.targetPromptTokens();
                prompt += reportedPrompt;
                cached += o.cachedTokens() == null ? 0 : o.cachedTokens();
                writes += o.cacheWriteTokens() == null ? 0 : o.cacheWriteTokens();
                completion += o.outputTokens();
                if (o.promptTokens() != null) {
                    promptDiff += Math.abs(o.promptTokens() - o.targetPromptTokens());
                    promptTarget += o.targetPromptTokens();
                }
                outputDiff += Math.abs(o.outputTokens() - o.targetOutputTokens());
                outputTarget += o.targetOutputTokens();
            }
            if (o.intendedNanos() < warmupNanos) {
                continue;
            }
            ttft[measured] = o.ok() && o.ttftNanos() >= 0 ? o.ttftNanos() / 1e6 : Double.NaN;
            tpot[measured] = o.tpotMillis();
            e2e[measured] = o.ok() ? o.e2eAtTargetNanos() / 1e6 : Double.NaN;
            measured++;
            met += slo.met(o) ? 1 : 0;
            for (final int gap : o.itlMicros()) {
                itl[itlAt++] = gap / 1e3;
            }
        }
        return new SideStats(backend, n, failed, n == 0 ? 0 : (double) failed / n, errors, Percentiles.of(lag),
                Percentiles.of(Arrays.copyOf(ttft, measured)), Percentiles.of(Arrays.copyOf(tpot, measured)),
                Percentiles.of(itl), Percentiles.of(Arrays.copyOf(e2e, measured)),
                measured == 0 ? 0 : (double) met / measured, replaySeconds <= 0 ? 0 : met / replaySeconds, prompt, cached, writes,
                completion, requestedOutput, prompt == 0 ? 0 : (double) cached / prompt, idealHitTokens == 0 ? null : (double) cached / idealHitTokens,
                promptTarget == 0 ? 0 : (double) promptDiff / promptTarget, outputTarget == 0 ? 0 : (double) outputDiff / outputTarget,
                retries);
    }

    public long errors(final ErrorClass error) {
        return errorsByClass.getOrDefault(error.name(), 0L);
    }
}
