package dev.zumik.streams.topology;

import dev.zumik.core.decision.LaneEvidence;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.topics.Lanes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * One evaluation period's window statistics of every lane, turned into each lane's evidence:
 * sums, merged sketches, the busiest window, and concentration across lanes (token shares, rank, HHI,
 * and how many of the latest windows the lane was hot in).
 */
final class PeriodEvidence {
    private final long from;
    private final long to;
    private final long windowMillis;
    private final double hotShare;
    /** lane → its windows in the period, by window start. */
    private final Map<String, TreeMap<Long, LaneWindowStats>> lanes = new LinkedHashMap<>();
    /** Token shares, computed once all windows are in. */
    private Map<String, Double> shares;

    PeriodEvidence(final long from, final long to, final long windowMillis, final double hotShare) {
        this.from = from;
        this.to = to;
        this.windowMillis = windowMillis;
        this.hotShare = hotShare;
    }

    void add(final LaneWindowStats stats) {
        shares = null;
        lanes.computeIfAbsent(Lanes.key(stats.getLane()), l -> new TreeMap<>()).put(stats.getWindowStart().toEpochMilli(), stats);
    }

    boolean isEmpty() {
        return lanes.isEmpty();
    }

    List<String> laneKeys() {
        return new ArrayList<>(lanes.keySet());
    }

    Lane lane(final String key) {
        return lanes.get(key).firstEntry().getValue().getLane();
    }

    private static long tokens(final LaneWindowStats s) {
        return s.getPromptTokens() + s.getCompletionTokens();
    }

    private long laneTokens(final String lane) {
        return lanes.get(lane).values().stream().mapToLong(PeriodEvidence::tokens).sum();
    }

    /** Token shares of the period, largest first. */
    Map<String, Double> shares() {
        if (shares == null) {
            shares = computeShares();
        }
        return shares;
    }

    private Map<String, Double> computeShares() {
        final long total = lanes.keySet().stream().mapToLong(this::laneTokens).sum();
        final Map<String, Double> out = new LinkedHashMap<>();
        lanes.keySet().stream().sorted(Comparator.comparingLong(this::laneTokens).reversed().thenComparing(Comparator.naturalOrder()))
                .forEach(l -> out.put(l, total == 0 ? 0 : laneTokens(l) / (double) total));
        return out;
    }

    /** Top-1 and top-2 token share and the Herfindahl-Hirschman index (Σ share², 0..1) of the period. */
    Map<String, Double> concentration() {
        final List<Double> shares = new ArrayList<>(shares().values());
        final Map<String, Double> out = new LinkedHashMap<>();
        out.put("concentration.top1_share", shares.isEmpty() ? 0 : shares.get(0));
        out.put("concentration.top2_share", shares.stream().limit(2).mapToDouble(Double::doubleValue).sum());
        out.put("concentration.hhi", shares.stream().mapToDouble(s -> s * s).sum());
        return out;
    }

    /** Consecutive latest windows of the period in which the lane was in the top two with at least the hot share. */
    int hotWindows(final String lane) {
        int hot = 0;
        for (long start = to - windowMillis; start >= from; start -= windowMillis) {
            final long window = start;
            final Map<String, Long> byLane = new LinkedHashMap<>();
            lanes.forEach((l, windows) -> {
                final LaneWindowStats s = windows.get(window);
                if (s != null) {
                    byLane.put(l, tokens(s));
                }
            });
            final long total = byLane.values().stream().mapToLong(Long::longValue).sum();
            final List<String> top = byLane.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(2).map(Map.Entry::getKey).toList();
            if (total == 0 || !top.contains(lane) || byLane.get(lane) / (double) total < hotShare) {
                break;
            }
            hot++;
        }
        return hot;
    }

    LaneEvidence evidence(final String laneKey) {
        final TreeMap<Long, LaneWindowStats> windows = lanes.get(laneKey);
        final Lane lane = lane(laneKey);
        long requests = 0;
        long prompt = 0;
        long completion = 0;
        long cached = 0;
        long reporting = 0;
        long writes = 0;
        long batch = 0;
        long errors = 0;
        final Map<String, Long> hits = new TreeMap<>();
        final KllFloatsSketch ttft = KllFloatsSketch.newHeapInstance(200);
        final KllFloatsSketch e2e = KllFloatsSketch.newHeapInstance(200);
        final KllFloatsSketch promptLength = KllFloatsSketch.newHeapInstance(200);
        LaneWindowStats peak = null;
        for (final LaneWindowStats s : windows.values()) {
            requests += s.getRequests();
            prompt += s.getPromptTokens();
            completion += s.getCompletionTokens();
            cached += s.getReportedCachedTokens();
            reporting += s.getCacheReportingRequests();
            writes += s.getReportedCacheWriteTokens();
            batch += s.getBatchTierRequests();
            errors += s.getErrorsByClass().values().stream().mapToLong(Long::longValue).sum();
            s.getSimulatedHitTokens().forEach((k, v) -> hits.merge(k, v, Long::sum));
            merge(ttft, s.getTtftSketch());
            merge(e2e, s.getE2eSketch());
            merge(promptLength, s.getPromptLengthSketch());
            if (peak == null || s.getPromptTokens() > peak.getPromptTokens()) {
                peak = s;
            }
        }
        final Map<String, Double> shares = shares();
        final int rank = new ArrayList<>(shares.keySet()).indexOf(laneKey) + 1;
        return new LaneEvidence(lane.getProvider(), lane.getModel(), lane.getRoute(), to - from, windowMillis, requests, prompt, completion,
                reporting > 0 ? cached : null, writes, batch, errors, p(ttft, 0.99), p(e2e, 0.99),
                promptLength.isEmpty() ? 0 : (long) promptLength.getQuantile(0.5, QuantileSearchCriteria.INCLUSIVE), hits,
                shares.get(laneKey), rank, hotWindows(laneKey), peak.getPromptTokens(), peak.getCompletionTokens());
    }

    private static void merge(final KllFloatsSketch into, final ByteBuffer sketch) {
        if (sketch != null) {
            final byte[] bytes = new byte[sketch.remaining()];
            sketch.duplicate().get(bytes);
            into.merge(KllFloatsSketch.heapify(Memory.wrap(bytes)));
        }
    }

    private static Double p(final KllFloatsSketch sketch, final double rank) {
        return sketch.isEmpty() ? null : (double) sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }
}
