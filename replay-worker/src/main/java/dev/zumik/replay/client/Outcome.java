package dev.zumik.replay.client;

/**
 * What one replayed request did. Times are nanoseconds from the run's start; latencies are measured
 * from the intended send time, so a late send counts against the backend's latency rather than
 * hiding it (no coordinated omission).
 *
 * @param index          the shape's position in the window
 * @param intendedNanos  when the schedule said to send it
 * @param lagNanos       how late it was actually sent
 * @param ttftNanos      first content token − intended send; -1 when none came
 * @param e2eNanos       last byte − intended send; -1 when it failed before a response
 * @param itlMicros      every gap between streamed content events, µs
 * @param promptTokens   usage as reported (null when not reported)
 * @param targetPromptTokens the prompt length the synthesizer built
 * @param retries        connection retries used
 */
public record Outcome(int index, long intendedNanos, long lagNanos, int status, ErrorClass error, long ttftNanos, long e2eNanos,
                      int contentEvents, int[] itlMicros, Integer promptTokens, Integer completionTokens, Integer cachedTokens,
                      Integer cacheWriteTokens, int targetPromptTokens, int targetOutputTokens, int retries) {

    public boolean ok() {
        return error == ErrorClass.NONE;
    }

    /** Output tokens: as reported, else the content events counted. */
    public int outputTokens() {
        return completionTokens != null ? completionTokens : contentEvents;
    }

    /**
     * End-to-end time at the captured output length, TTFT + TPOT × (captured output − 1), so that a side
     * that stops early (a managed model ignoring the length it was asked for) is not faster for it; the
     * measured e2e when TPOT is unknown (a failure, or fewer than two tokens).
     */
    public long e2eAtTargetNanos() {
        final double tpot = tpotMillis();
        return Double.isNaN(tpot) ? e2eNanos : ttftNanos + Math.round(tpot * 1e6 * (Math.max(1, targetOutputTokens) - 1));
    }

    /** Time per output token after the first: (e2e − TTFT) / (output − 1); NaN with fewer than two tokens. */
    public double tpotMillis() {
        final int out = outputTokens();
        return !ok() || ttftNanos < 0 || out < 2 ? Double.NaN : (e2eNanos - ttftNanos) / 1e6 / (out - 1);
    }
}
