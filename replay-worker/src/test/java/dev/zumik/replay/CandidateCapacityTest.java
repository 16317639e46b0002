package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.replay.backend.CandidateCapacity;
import org.junit.jupiter.api.Test;

class CandidateCapacityTest {

    @Test
    void shouldReadTheReplicaCountByTheNamesTheSchedulersPublish() {
        // the endpoint picker's pool (GIE, llm-d), Dynamo's per-worker gauges, and a plain Service's engine metrics
        assertThat(CandidateCapacity.parse("# TYPE inference_pool_ready_pods gauge\ninference_pool_ready_pods{name=\"pool\"} 8.0\n"))
                .hasValueSatisfying(t -> assertThat(t.replicas()).isEqualTo(8));
        assertThat(CandidateCapacity.parse("llm_d_epp_ready_endpoints 3\n")).hasValueSatisfying(t -> assertThat(t.replicas()).isEqualTo(3));
        assertThat(CandidateCapacity.parse("dynamo_frontend_worker_active_decode_blocks{model=\"m\",worker_id=\"7a\"} 12.0\n"
                + "dynamo_frontend_worker_active_decode_blocks{model=\"m\",worker_id=\"7b\"} 0.0\n"
                + "dynamo_frontend_worker_active_decode_blocks{model=\"m2\",worker_id=\"7a\"} 3.0\n"))
                .hasValueSatisfying(t -> assertThat(t.replicas()).isEqualTo(2));
        assertThat(CandidateCapacity.parse("vllm:num_requests_running 4\nvllm:kv_cache_usage_perc 0.3\n")).isEmpty();
    }
}
