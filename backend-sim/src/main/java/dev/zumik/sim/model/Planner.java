package dev.zumik.sim.model;

import dev.zumik.core.cache.BlockKvCache;
import dev.zumik.core.cache.CacheLookup;
import dev.zumik.core.cache.KvCache;
import dev.zumik.sim.profile.SimProfile;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Decides, per request and in arrival order, everything random about it from the profile's seed and
 * the arrival number: cache lookup, output length, faults, text. Same seed and same request sequence,
 * same plans. Not thread-safe (the engine thread owns it, as it owns the cache).
 */
public final class Planner {
    private final SimProfile profile;
    private final KvCache cache;
    private final TreeMap<Integer, Double> errorRates;
    private long sequence;

    public Planner(final SimProfile profile) {
        this.profile = profile;
        this.cache = profile.kvCache();
        this.errorRates = new TreeMap<>(profile.faults().errorRates() == null ? Map.of() : profile.faults().errorRates());
    }

    /** This request's own random source: a function of the seed and its arrival number only. */
    public SplittableRandom randomFor(final long arrival) {
        return new SplittableRandom(profile.seed() * 0x9E3779B97F4A7C15L + arrival);
    }

    public Plan plan(final PromptRequest request, final long nowMillis) {
        final long seq = sequence++;
        final SplittableRandom random = randomFor(seq);
        final SimProfile.Faults faults = profile.faults();
        final String forced = request.forcedFault() == null ? "" : request.forcedFault().trim().toLowerCase(Locale.ROOT);
        int error = drawError(random.nextDouble());
        if (forced.matches("[45]\\d\\d")) {
            error = Integer.parseInt(forced);
        }
        final boolean drop = forced.equals("drop") || random.nextDouble() < faults.dropRate();
        final boolean slow = forced.equals("slow") || random.nextDouble() < faults.slowFirstByteRate();
        final boolean spike = forced.equals("spike") || random.nextDouble() < faults.spikeRate();
        final double naturalDraw = random.nextDouble();
        final long textSeed = random.nextLong();
        final double dropDraw = random.nextDouble();
        if (error != 0) {
            return new Plan(seq, CacheLookup.miss(cache.tierNames().length, 0), 0, false, error, -1, 0, 0, textSeed);
        }
        final CacheLookup lookup = cache.access(request.blockHashes(), profile.blockSize(), request.promptTokens(), nowMillis,
                request.cacheRequested());
        final long room = Math.max(0, profile.output().contextTokens() - request.promptTokens());
        final long limit = request.maxTokens() == null ? room : Math.min(request.maxTokens(), room);
        final long natural = 1 + (long) Math.floor(-Math.log(1 - naturalDraw) * profile.output().naturalTokens());
        final long output;
        final boolean length;
        if (request.ignoreEos()) {
            output = limit;
            length = true;
        } else {
            output = Math.min(limit, Math.max(request.minTokens(), natural));
            length = output == limit && natural >= limit;
        }
        final int tokens = (int) Math.min(output, Integer.MAX_VALUE);
        final int dropAfter = drop ? (int) Math.floor(dropDraw * Math.max(tokens - 1, 1)) : -1;
        return new Plan(seq, lookup, tokens, length, 0, dropAfter, slow ? millisToNanos(faults.slowFirstByteMillis()) : 0,
                spike ? millisToNanos(faults.spikeMillis()) : 0, textSeed);
    }

    public String[] tierNames() {
        return cache.tierNames();
    }

    /** Drops the named tier's blocks (a GPU cache only); returns the blocks dropped. Engine thread only. */
    long clearTier(final int tier) {
        return cache instanceof BlockKvCache blocks ? blocks.clearTier(tier) : 0;
    }

    /** Blocks held per tier. Engine thread only. */
    long[] occupancy() {
        return cache instanceof BlockKvCache blocks ? blocks.occupancy() : new long[cache.tierNames().length];
    }

    private int drawError(final double u) {
        double cumulative = 0;
        for (final Map.Entry<Integer, Double> rate : errorRates.entrySet()) {
            cumulative += rate.getValue();
            if (u < cumulative) {
                return rate.getKey();
            }
        }
        return 0;
    }

    private static long millisToNanos(final double millis) {
        return Math.round(millis * 1e6);
    }
}
