package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
    private static final Path MOONCAKE = Path.of("../data/mooncake_synthetic_trace.jsonl");
    private static final Path AZURE = Path.of("../data/azure2023_code.csv");

    @Test
    void shouldAnalyzeTheMooncakeTraceWithKeyedHashesAsWithItsRawIds(@TempDir final Path dir) throws Exception {
        // when
        final ZumikCommandTest.Run run = ZumikCommandTest.run("analyze", MOONCAKE.toString(), "--format", "mooncake",
                "--cache", "infinite,lru:1e7,ttl:5m", "--profile", "dynamo", "--json", dir.resolve("report.json").toString());
        // then: HMAC-chaining the block ids keeps the reuse structure, so the figures are the raw trace's
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3,993 requests", "infinite", "lru:10000000", "ttl:300s");
        final JsonNode policies = new ObjectMapper().readTree(dir.resolve("report.json").toFile()).at("/lanes/0/policies");
        assertThat(policies.get(0).path("hit_tokens").asLong()).isEqualTo(39_852_661L);
        assertThat(policies.get(1).path("token_hit_ratio").asDouble()).isBetween(0.57, 0.61);
        assertThat(policies.get(2).path("policy").asText()).isEqualTo("ttl:300s");
        // the dynamo profile's tiers (HBM 480k tokens, host RAM 1.95M, NVMe 9.77M) act as one LRU of their sum: between lru:1e7 and ideal
        assertThat(policies.get(3).path("policy").asText()).isEqualTo("dynamo");
        assertThat(policies.get(3).path("hit_tokens").asLong()).isBetween(policies.get(1).path("hit_tokens").asLong(), 39_852_661L);
        assertThat(policies.get(3).path("hit_tokens_by_tier").path("host").asLong()).isPositive();
    }

    @Test
    void shouldSayWhenATraceHasNoHashes() {
        final ZumikCommandTest.Run run = ZumikCommandTest.run("analyze", AZURE.toString(), "--format", "azure");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("8,819 requests", "no block hashes in this trace");
    }
}
