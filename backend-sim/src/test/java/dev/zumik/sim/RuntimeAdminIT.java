package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The runtimes' own reset and info routes as the real ones answer them (status, body shape), per runtime. */
class RuntimeAdminIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> call(final int port, final String method, final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldMountVllmsResetOnlyInDevModeAndAnswerItWithAnEmptyBody() throws Exception {
        try (SimServer plain = SimServer.start(TestProfiles.shipped("vllm"), "127.0.0.1", 0, 1, SimFleet.Scheduler.ROUND_ROBIN, false);
             SimServer dev = SimServer.start(TestProfiles.shipped("vllm"), "127.0.0.1", 0, 1, SimFleet.Scheduler.ROUND_ROBIN, true)) {
            assertThat(call(plain.port(), "POST", "/reset_prefix_cache").statusCode()).isEqualTo(404);
            final HttpResponse<String> reset = call(dev.port(), "POST", "/reset_prefix_cache?reset_external=true");
            assertThat(reset.statusCode()).isEqualTo(200);
            assertThat(reset.body()).isEmpty();
        }
    }

    @Test
    void shouldAnswerDynamoOverSglangAsItsFrontendWorkersAndMooncakeMasterDo() throws Exception {
        try (SimServer dynamo = SimServer.start(TestProfiles.shipped("dynamo"), "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER)) {
            final int port = dynamo.port();
            // SGLang's flush (radix cache and HiCache host pool) with its text, its storage-backend clear, its server info
            final HttpResponse<String> flush = call(port, "POST", "/flush_cache?timeout=0");
            assertThat(flush.statusCode()).isEqualTo(200);
            assertThat(flush.body()).startsWith("Cache flushed.\n");
            final HttpResponse<String> storage = call(port, "POST", "/hicache/storage-backend/clear");
            assertThat(storage.statusCode()).isEqualTo(200);
            assertThat(storage.body()).isEqualTo("Hierarchical cache storage backend cleared.\n");
            assertThat(call(port, "GET", "/clear_hicache_storage_backend").statusCode()).isEqualTo(200);
            final JsonNode info = JSON.readTree(call(port, "GET", "/get_server_info").body());
            assertThat(info.path("enable_hierarchical_cache").asBoolean()).isTrue();
            assertThat(info.path("hicache_storage_backend").asText()).isEqualTo("mooncake");
            // Dynamo's frontend clears every worker and says which
            final JsonNode cleared = JSON.readTree(call(port, "POST", "/clear_kv_blocks").body());
            assertThat(cleared.path("cleared_workers")).hasSize(2);
            assertThat(cleared.path("cleared_workers").get(0).path("status").asText()).isEqualTo("Successfully cleared kv blocks for instance");
            assertThat(cleared.path("failed_workers")).isEmpty();
            // the Mooncake master's remove_all
            final JsonNode removed = JSON.readTree(call(port, "POST", "/api/v1/remove_all?force=true").body());
            assertThat(removed.path("success").asBoolean()).isTrue();
            assertThat(removed.has("removed_count")).isTrue();
            // no LMCache in this stack (it is Dynamo's vLLM-backend integration): its route is not there
            assertThat(call(port, "DELETE", "/cache/clear").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldNotServeSglangsRoutesOnVllm() throws Exception {
        try (SimServer sim = SimServer.start(TestProfiles.shipped("vllm"), "127.0.0.1", 0)) {
            // vLLM has no SGLang routes at all
            assertThat(call(sim.port(), "POST", "/flush_cache").statusCode()).isEqualTo(404);
        }
    }
}
