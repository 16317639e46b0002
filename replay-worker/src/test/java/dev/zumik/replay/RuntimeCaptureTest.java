package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.replay.backend.CandidateMetrics;
import dev.zumik.replay.verdict.VerdictReport;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runtime's own capture over a replay, summed over every replica's metrics endpoint. */
class RuntimeCaptureTest {
    private static final URI POD_A = URI.create("http://vllm-0.zumik-byoc:8000/metrics");
    private static final URI POD_B = URI.create("http://vllm-1.zumik-byoc:8000/metrics");

    @Test
    void shouldSumEveryReplicasCounterDeltasAndKeepEachReplicasShare() {
        // given two vLLM pods scraped before and after: one served 1,000 prompt tokens with 600 hits, the other 3,000 with 600
        final List<CandidateMetrics.Scrape> before = List.of(vllm(POD_A, 100, 50), vllm(POD_B, 0, 0));
        final List<CandidateMetrics.Scrape> after = List.of(vllm(POD_A, 1100, 650), vllm(POD_B, 3000, 600));
        // when
        final ReplayJob.RuntimeCapture capture = ReplayJob.runtimeCapture(before, after);
        // then the runtime captured 1,200 of 4,000 tokens, and each pod's share is kept
        assertThat(capture.problem()).isNull();
        assertThat(capture.counts().queried()).isEqualTo(4000);
        assertThat(capture.counts().hit()).isEqualTo(1200);
        assertThat(capture.counts().capture()).isEqualTo(0.3);
        assertThat(capture.replicas()).containsExactly(new VerdictReport.ReplicaCounts(POD_A.toString(), 1000, 600),
                new VerdictReport.ReplicaCounts(POD_B.toString(), 3000, 600));
        assertThat(capture.url()).isEqualTo(POD_A + ", " + POD_B);
    }

    @Test
    void shouldGiveNoFigureWhenAnyReplicaCannotBeReadOrPublishesNoCounters() {
        // given a second pod that could not be read after the replay, or that publishes no prefix-cache counters
        final List<CandidateMetrics.Scrape> before = List.of(vllm(POD_A, 0, 0), vllm(POD_B, 0, 0));
        final ReplayJob.RuntimeCapture unreachable = ReplayJob.runtimeCapture(before, List.of(vllm(POD_A, 1000, 500),
                new CandidateMetrics.Scrape(POD_B, null, "cannot read " + POD_B + " (connection refused)")));
        final ReplayJob.RuntimeCapture silent = ReplayJob.runtimeCapture(List.of(vllm(POD_A, 0, 0), new CandidateMetrics.Scrape(POD_B, "up 1\n", null)),
                List.of(vllm(POD_A, 1000, 500), new CandidateMetrics.Scrape(POD_B, "up 1\n", null)));
        // then a sum missing a replica is no figure: the problem names the replica
        assertThat(unreachable.counts()).isNull();
        assertThat(unreachable.problem()).isEqualTo("cannot read " + POD_B + " (connection refused)");
        assertThat(silent.counts()).isNull();
        assertThat(silent.problem()).startsWith(POD_B + " publishes no prefix-cache counters");
    }

    private static CandidateMetrics.Scrape vllm(final URI url, final double queries, final double hits) {
        return new CandidateMetrics.Scrape(url, "# TYPE vllm:prefix_cache_queries_total counter\nvllm:prefix_cache_queries_total{model_name=\"m\"} "
                + queries + "\n# TYPE vllm:prefix_cache_hits_total counter\nvllm:prefix_cache_hits_total{model_name=\"m\"} " + hits + "\n", null);
    }
}
