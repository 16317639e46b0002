package dev.zumik.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.streams.analyze.AnalysisReport;
import dev.zumik.streams.analyze.Analyzer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** analyze on the Mooncake trace: equal to the reference to 4 decimals, and close to the paper's Figure 9. */
class AnalyzerTest {
    private static final Lane LANE = new Lane("mooncake", "trace", "synthetic");
    private static List<RequestShape> trace;

    @BeforeAll
    static void load() throws Exception {
        trace = MooncakeTrace.shapes(LANE);
    }

    private static AnalysisReport.PolicyReport analyze(final String policy) {
        final Analyzer analyzer = new Analyzer(CachePolicy.parseList(policy));
        trace.forEach(analyzer::accept);
        final AnalysisReport report = analyzer.report();
        assertThat(report.lanes()).hasSize(1);
        return report.lanes().get(0).policies().get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"infinite, infinite, 0", "lru:1e5, lru, 100000", "lru:1e6, lru, 1000000", "lru:3e6, lru, 3000000",
        "lru:1e7, lru, 10000000", "ttl:10s, ttl, 10000", "ttl:60s, ttl, 60000", "ttl:300s, ttl, 300000"})
    void shouldEqualTheReferenceImplementation(final String spec, final String policy, final long parameter) {
        // when
        final AnalysisReport.PolicyReport actual = analyze(spec);
        final double[] expected = ReferenceReuse.run(trace, policy, parameter);
        // then
        assertThat(actual.hitTokens()).isEqualTo((long) expected[0]);
        assertThat(actual.promptTokens()).isEqualTo((long) expected[1]);
        assertThat(actual.tokenHitRatio()).isCloseTo(expected[0] / expected[1], within(1e-4));
        assertThat(actual.prefixBlockRatio()).isCloseTo(expected[2] / expected[3], within(1e-4));
        assertThat(actual.meanRequestHitRatio()).isCloseTo(expected[4], within(1e-4));
    }

    @ParameterizedTest(name = "{0} tokens -> {1}")
    @CsvSource({"1e5, 0.01", "1e6, 0.145", "3e6, 0.30", "1e7, 0.59", "5e7, 0.66"})
    void shouldAgreeWithThePapersFigure9(final String capacity, final double published) {
        assertThat(analyze("lru:" + capacity).tokenHitRatio()).isCloseTo(published, within(0.02));
    }

    @Test
    void shouldBoundEveryPolicyByTheIdealCache() {
        // given
        final Analyzer analyzer = new Analyzer(CachePolicy.parseList("infinite,lru:1e6,ttl:60s,managed"));
        trace.forEach(analyzer::accept);
        // when
        final List<AnalysisReport.PolicyReport> policies = analyzer.report().lanes().get(0).policies();
        // then: the published "cache ratio" of the trace is 66%; nothing beats infinite
        assertThat(policies.get(0).tokenHitRatio()).isCloseTo(0.66, within(0.03));
        assertThat(policies.subList(1, 4)).allSatisfy(p -> assertThat(p.tokenHitRatio()).isLessThanOrEqualTo(policies.get(0).tokenHitRatio()));
        assertThat(analyzer.report().lanes().get(0).promptLength().p50()).isEqualTo(11_587);
    }
}
