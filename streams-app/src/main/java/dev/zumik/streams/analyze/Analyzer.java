package dev.zumik.streams.analyze;

import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.core.reuse.ReuseSimulator;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Lanes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The offline side of the reuse simulation ({@code zumik analyze}): shapes in arrival order, one
 * {@link ReuseSimulator} per lane (as the streams app keeps one per lane), plus exact length
 * percentiles. Feed every shape with {@link #accept}, then read {@link #report}.
 */
public final class Analyzer {
    private final List<CachePolicy> policies;
    private final PriceTable prices;
    private final Map<String, ReuseSimulator> lanes = new LinkedHashMap<>();
    private final Map<String, List<long[]>> lengths = new LinkedHashMap<>();

    /** With the shipped price table's caching rules for the {@code managed} policy, as the streams app. */
    public Analyzer(final List<CachePolicy> policies) {
        this(policies, PriceTable.defaults());
    }

    public Analyzer(final List<CachePolicy> policies, final PriceTable prices) {
        this.policies = List.copyOf(policies);
        this.prices = prices;
    }

    public void accept(final RequestShape shape) {
        final String lane = Lanes.key(shape.getLane());
        final long[] hashes = shape.getBlockHashes().stream().mapToLong(Long::longValue).toArray();
        lanes.computeIfAbsent(lane, l -> new ReuseSimulator(CachePolicy.forModel(policies, prices, shape.getLane().getProvider(),
                        shape.getLane().getModel())))
                .observe(hashes, shape.getBlockSize(), shape.getPromptTokens(), shape.getArrivalTime().toEpochMilli());
        lengths.computeIfAbsent(lane, l -> new ArrayList<>()).add(new long[] {shape.getPromptTokens(), shape.getCompletionTokens()});
    }

    /** Per lane, per policy totals and the lane's length distribution. */
    public AnalysisReport report() {
        final List<AnalysisReport.LaneReport> out = new ArrayList<>();
        for (final Map.Entry<String, ReuseSimulator> lane : lanes.entrySet()) {
            final List<AnalysisReport.PolicyReport> policyReports = new ArrayList<>();
            for (int i = 0; i < policies.size(); i++) {
                policyReports.add(AnalysisReport.PolicyReport.of(lane.getValue().policies().get(i), lane.getValue().totals().get(i)));
            }
            final List<long[]> l = lengths.get(lane.getKey());
            out.add(new AnalysisReport.LaneReport(lane.getKey(), l.size(),
                    l.stream().mapToLong(x -> x[0]).sum(), l.stream().mapToLong(x -> x[1]).sum(),
                    AnalysisReport.Percentiles.of(l.stream().mapToLong(x -> x[0]).toArray()),
                    AnalysisReport.Percentiles.of(l.stream().mapToLong(x -> x[1]).toArray()), policyReports));
        }
        return new AnalysisReport(out);
    }
}
