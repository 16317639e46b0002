package dev.zumik.sim.model;

import dev.zumik.core.cache.CacheLookup;

/**
 * The engine's decisions for one request, made on its thread in arrival order so that a seed
 * reproduces them: the cache lookup, the output length and why it stops, and the injected faults.
 *
 * @param sequence        arrival number, from 0
 * @param finishLength    true when the output stops at its limit ("length"), false at a natural end ("stop")
 * @param errorStatus     an injected error status, or 0
 * @param dropAfterTokens a stream is cut after this many tokens, or -1
 * @param textSeed        seeds the generated text
 */
public record Plan(long sequence, CacheLookup cache, int outputTokens, boolean finishLength, int errorStatus, int dropAfterTokens,
                   long slowFirstByteNanos, long spikeNanos, long textSeed) {

    public boolean failed() {
        return errorStatus != 0;
    }
}
