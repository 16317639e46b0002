package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.core.prompt.Dialect;
import dev.zumik.core.prompt.PromptRenderer;
import dev.zumik.core.tokens.Tokenizers;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.SimProfile;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The simulator over real HTTP on loopback: latency, accounting, limits, faults, disconnects, metrics. */
class SimServerIT {

    private static String ids(final int n, final int offset) {
        return IntStream.range(0, n).mapToObj(i -> Integer.toString(offset + i)).collect(Collectors.joining(",", "[", "]"));
    }

    private static String completion(final String model, final String prompt, final String extra) {
        return "{\"model\":\"" + model + "\",\"prompt\":" + prompt + extra + "}";
    }

    private static long usage(final SimClient.Reply reply, final String pointer) {
        return reply.json().at(pointer).asLong();
    }

    @Test
    void shouldAnswerAWarmPrefixMuchFasterThanAColdOne() throws Exception {
        // given vLLM on 2x H100 as shipped: 6,000 uncached tokens take ~0.5 s to prefill
        try (SimServer sim = SimServer.start(TestProfiles.shipped("vllm"), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            final String model = sim.profile().defaultModel();
            // when the same 6,000-token prompt is sent twice, streaming
            final String body = completion(model, ids(6000, 1000), ",\"max_tokens\":2,\"stream\":true");
            final SimClient.Reply cold = client.post("/v1/completions", body);
            final SimClient.Reply warm = client.post("/v1/completions", body);
            // then: the first token of the warm one comes at least 5x sooner
            final double coldTtft = cold.events().get(0).atMillis();
            final double warmTtft = warm.events().get(0).atMillis();
            assertThat(coldTtft).isGreaterThan(400);
            assertThat(warmTtft).isLessThan(coldTtft / 5);
        }
    }

    @Test
    void shouldCountPromptTokensExactlyForIdsAndWithTheTokenizerForText() throws Exception {
        try (SimServer sim = SimServer.start(TestProfiles.fast("vllm"), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            final String model = sim.profile().defaultModel();
            final String chat = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"How many tokens is this sentence?\"}],"
                    + "\"max_tokens\":3}";
            // when
            final SimClient.Reply byIds = client.post("/v1/completions", completion(model, ids(777, 5), ",\"max_tokens\":1"));
            final SimClient.Reply byText = client.post("/v1/chat/completions", chat);
            // then
            assertThat(usage(byIds, "/usage/prompt_tokens")).isEqualTo(777);
            final int expected = Tokenizers.encode(Tokenizers.O200K,
                    PromptRenderer.render(Dialect.OPENAI_CHAT, SimClient.JSON.readTree(chat))).length;
            assertThat(usage(byText, "/usage/prompt_tokens")).isEqualTo(expected);
        }
    }

    @Test
    void shouldStreamExactlyTheOutputTokensAskedForWithIgnoreEos() throws Exception {
        try (SimServer sim = SimServer.start(TestProfiles.fast("sglang"), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            final String model = sim.profile().defaultModel();
            // when
            final SimClient.Reply stream = client.post("/v1/completions", completion(model, ids(50, 0),
                    ",\"max_tokens\":120,\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
            final SimClient.Reply whole = client.post("/v1/chat/completions", "{\"model\":\"" + model
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":64,\"min_tokens\":64}");
            // then: 120 text events, usage says 120, finish_reason length; min_tokens = max_tokens gives 64
            final long texts = stream.events().stream().filter(e -> e.data().startsWith("{") && !e.json().path("choices").isEmpty()
                    && e.json().at("/choices/0/finish_reason").isNull()).count();
            assertThat(texts).isEqualTo(120);
            final SimClient.Event usageChunk = stream.events().get(stream.events().size() - 2);
            assertThat(usageChunk.json().at("/usage/completion_tokens").asInt()).isEqualTo(120);
            assertThat(stream.events().get(stream.events().size() - 3).json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
            assertThat(usage(whole, "/usage/completion_tokens")).isEqualTo(64);
            final String text = whole.json().at("/choices/0/message/content").asText();
            assertThat(Tokenizers.encode(Tokenizers.O200K, text)).hasSize(64);
        }
    }

    @Test
    void shouldRefuseBadRequestsAsTheRuntimeWould() throws Exception {
        try (SimServer sim = SimServer.start(TestProfiles.fast("vllm"), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            final String model = sim.profile().defaultModel();
            // when / then
            assertThat(client.post("/v1/chat/completions", "{not json").status()).isEqualTo(400);
            assertThat(client.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[]}").status()).isEqualTo(400);
            assertThat(client.post("/v1/completions", completion(model, ids(10, 0), ",\"max_tokens\":0")).status()).isEqualTo(400);
            final SimClient.Reply tooLong = client.post("/v1/completions", completion(model, ids(131_000, 0), ",\"max_tokens\":500"));
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.json().at("/error/message").asText()).contains("maximum context length is 131072 tokens");
            assertThat(client.post("/v1/embeddings", "{}").status()).isEqualTo(404);
            assertThat(client.get("/v1/chat/completions").status()).isEqualTo(405);
        }
    }

    @Test
    void shouldAnswerWrongTypesAndOversizedBodiesWithTheirReason() throws Exception {
        try (SimServer sim = SimServer.start(TestProfiles.fast("vllm"), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            final String model = sim.profile().defaultModel();
            final String hello = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2";
            // when a field has the wrong type, then OpenAI's 400 names it (never a 200 that reads it as its default)
            for (final String[] row : new String[][] {
                    {"\"stream\":\"yes\"," + hello, "Invalid type for 'stream': expected a boolean, but got a string instead."},
                    {"\"temperature\":\"hot\"," + hello, "Invalid type for 'temperature': expected a number, but got a string instead."},
                    {"\"n\":1.5," + hello, "Invalid type for 'n': expected an integer, but got a decimal instead."},
                    {"\"stream_options\":true,\"stream\":true," + hello, "Invalid type for 'stream_options': expected an object, but got a boolean instead."},
                    {"\"messages\":[7],\"max_tokens\":2", "Invalid type for 'messages[0]': expected an object, but got an integer instead."},
                    {"\"messages\":[{\"role\":\"user\",\"content\":5}]", "Invalid type for 'messages[0].content': expected a string or an array, but got an integer instead."},
                    {"\"messages\":{\"role\":\"user\"}", "Invalid type for 'messages': expected an array, but got an object instead."}}) {
                final SimClient.Reply reply = client.post("/v1/chat/completions", "{\"model\":\"" + model + "\"," + row[0] + "}");
                assertThat(reply.status()).as(row[0]).isEqualTo(400);
                assertThat(reply.json().at("/error/message").asText()).as(row[0]).isEqualTo(row[1]);
            }
            // when valid JSON of 30 MB comes (a 30 MB string in it, past Jackson's default 20 MB), then it is read and answered
            final String big = "{\"model\":\"" + model + "\"," + hello + ",\"metadata\":{\"note\":\"" + "x".repeat(30 << 20) + "\"}}";
            assertThat(client.post("/v1/chat/completions", big).status()).isEqualTo(200);
            // when a body is over the limit, then 413 says the sizes
            final SimClient.Reply huge = client.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"pad\":\""
                    + "x".repeat(SimServer.MAX_BODY_BYTES) + "\"}");
            assertThat(huge.status()).isEqualTo(413);
            assertThat(huge.json().at("/error/message").asText()).contains("this server takes at most " + SimServer.MAX_BODY_BYTES + " bytes");
        }
    }

    @Test
    void shouldInjectFaultsOnRequest() throws Exception {
        // given a slow first byte of 300 ms and spikes of 400 ms
        final SimProfile base = TestProfiles.fast("vllm");
        try (SimServer sim = SimServer.start(TestProfiles.with(base, base.latency(), TestProfiles.faults(300, 400)), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            final String body = completion(base.defaultModel(), ids(20, 0), ",\"max_tokens\":50,\"ignore_eos\":true,\"stream\":true");
            // when
            final SimClient.Reply dropped = client.post("/v1/completions", body, "X-Zumik-Sim-Fault", "drop");
            final SimClient.Reply slow = client.post("/v1/completions", body, "X-Zumik-Sim-Fault", "slow");
            final SimClient.Reply spiked = client.post("/v1/completions", body, "X-Zumik-Sim-Fault", "spike");
            final SimClient.Reply failed = client.post("/v1/completions", body, "X-Zumik-Sim-Fault", "503");
            final SimClient.Reply normal = client.post("/v1/completions", body);
            // then
            assertThat(dropped.cut()).isTrue();
            assertThat(dropped.events()).noneMatch(e -> e.data().equals("[DONE]"));
            assertThat(slow.firstByteMillis()).isGreaterThanOrEqualTo(300);
            assertThat(spiked.firstByteMillis()).isLessThan(200);
            assertThat(spiked.events().get(0).atMillis()).isGreaterThanOrEqualTo(400);
            assertThat(failed.status()).isEqualTo(503);
            assertThat(failed.json().at("/error/type").asText()).isEqualTo("ServiceUnavailableError");
            assertThat(normal.events().get(normal.events().size() - 1).data()).isEqualTo("[DONE]");
            assertThat(sim.scrape()).contains("zumik_sim_faults_total{kind=\"drop\"} 1.0", "zumik_sim_faults_total{kind=\"error_503\"} 1.0");
        }
    }

    @Test
    void shouldFreeTheBatchSlotOfAClientThatGoesAway() throws Exception {
        // given a batch of one, 20 ms per token
        final SimProfile base = TestProfiles.shipped("vllm");
        final SimProfile one = TestProfiles.with(base, new SimProfile.Latency(12_000, 1, 20, 0, 1, 1, 0), base.faults());
        try (SimServer sim = SimServer.start(one, "127.0.0.1", 0)) {
            final HttpClient http = HttpClient.newHttpClient();
            final HttpRequest hog = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port() + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(completion(one.defaultModel(), ids(10, 0),
                            ",\"max_tokens\":10000,\"ignore_eos\":true,\"stream\":true"))).build();
            // when the first client reads a little of a 200-second stream and leaves
            final HttpResponse<InputStream> response = http.send(hog, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                in.readNBytes(200);
            }
            // then a second request gets the slot at once
            final long start = System.nanoTime();
            final SimClient.Reply next = new SimClient(sim.port()).post("/v1/completions",
                    completion(one.defaultModel(), ids(10, 0), ",\"max_tokens\":3"));
            assertThat(next.status()).isEqualTo(200);
            assertThat((System.nanoTime() - start) / 1e6).isLessThan(5_000);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(sim.scrape()).contains("zumik_sim_running 0.0", "zumik_sim_concurrency 0.0"));
        }
    }

    @Test
    void shouldQueueBeyondTheBatchAndReportItInMetrics() throws Exception {
        // given at most 4 requests in the batch, 50 ms per token
        final SimProfile base = TestProfiles.shipped("dynamo");
        final SimProfile four = TestProfiles.with(base, new SimProfile.Latency(12_000, 1, 50, 0.05, 4, 1, 0), base.faults());
        try (SimServer sim = SimServer.start(four, "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            // when 12 streams of 10 tokens arrive together
            final List<CompletableFuture<SimClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                final int offset = i * 100;
                replies.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.post("/v1/completions", completion(four.defaultModel(), ids(32, offset),
                                ",\"max_tokens\":10,\"ignore_eos\":true,\"stream\":true"));
                    } catch (final Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            // then some wait for a slot while others decode, and all complete
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(sim.scrape()).containsPattern("zumik_sim_queue_depth [1-9]"));
            final List<Double> ttfts = new ArrayList<>();
            for (final CompletableFuture<SimClient.Reply> reply : replies) {
                final SimClient.Reply r = reply.get();
                assertThat(r.events().get(r.events().size() - 1).data()).isEqualTo("[DONE]");
                ttfts.add(r.events().get(0).atMillis());
            }
            ttfts.sort(Double::compare);
            // the last wave waited two whole batches of ~10 tokens x 50 ms
            assertThat(ttfts.get(11)).isGreaterThan(ttfts.get(0) + 800);
            final String metrics = sim.scrape();
            assertThat(metrics).contains("zumik_sim_requests_total{endpoint=\"/v1/completions\",status=\"200\"} 12.0",
                    "zumik_sim_completion_tokens_total 120.0", "zumik_sim_cache_hit_tokens_total{tier=\"nvme\"}", "zumik_sim_batch_size");
        }
    }

    @Test
    void shouldPublishEachSchedulersPerRequestMetricsByItsOwnNames() throws Exception {
        // given a two-replica dynamo fleet behind the KV router, and a two-pod vLLM pool behind an endpoint picker
        try (SimServer dynamo = SimServer.start(TestProfiles.shipped("dynamo"), "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER);
             SimServer pool = SimServer.start(TestProfiles.shipped("vllm"), "127.0.0.1", 0, 2, SimFleet.Scheduler.EPP)) {
            for (final SimServer sim : List.of(dynamo, pool)) {
                // when the same 512-token prompt is sent twice
                final SimClient client = new SimClient(sim.port());
                final String body = completion(sim.profile().defaultModel(), ids(512, 7), ",\"max_tokens\":2");
                client.post("/v1/completions", body);
                client.post("/v1/completions", body);
            }
            // then Dynamo's frontend publishes its per-request histograms (the second request's cached tokens among them)
            final String frontend = dynamo.scrape();
            assertThat(frontend).contains("dynamo_frontend_requests_total{model=", "dynamo_frontend_cached_tokens_count{model=",
                    "dynamo_frontend_input_sequence_tokens_sum{model=", "dynamo_frontend_kv_hit_rate_bucket{model=",
                    "dynamo_frontend_time_to_first_token_seconds_bucket{model=");
            assertThat(sum(frontend, "dynamo_frontend_input_sequence_tokens_sum")).isEqualTo(1024);
            assertThat(sum(frontend, "dynamo_frontend_cached_tokens_sum")).isGreaterThan(0);
            // and the picker its GIE names with llm-d's dual-emitted ones, and the pool gauges it scrapes
            final String epp = pool.scrape();
            assertThat(epp).contains("inference_objective_request_total{model_name=", "inference_objective_prompt_cached_tokens_bucket{model_name=",
                    "llm_d_epp_request_cached_tokens_sum{model_name=", "inference_objective_request_ttft_seconds_count{model_name=",
                    "llm_d_epp_request_ttft_seconds_count{", "inference_pool_average_kv_cache_utilization{name=",
                    "llm_d_epp_average_queue_size{name=", "inference_pool_ready_pods 2.0");
            assertThat(sum(epp, "inference_objective_input_tokens_sum")).isEqualTo(1024);
            assertThat(epp).doesNotContain("dynamo_frontend_");
            assertThat(frontend).doesNotContain("inference_objective_");
        }
    }

    /** The sum of a metric's samples in a Prometheus text. */
    private static double sum(final String text, final String name) {
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void shouldReplayTheSameRunFromTheSameSeed() throws Exception {
        // when the same ten requests go, one after another, to three fresh simulators: seeds 42, 42 and 43
        final List<String> first = run(42);
        final List<String> second = run(42);
        final List<String> other = run(43);
        // then texts, lengths, finish reasons and cached tokens repeat with the seed, and differ without it
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    private static List<String> run(final long seed) throws Exception {
        final SimProfile base = TestProfiles.fast("sglang");
        final SimProfile seeded = base.withSeed(seed);
        final List<String> answers = new ArrayList<>();
        try (SimServer sim = SimServer.start(seeded, "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            for (int i = 0; i < 10; i++) {
                final SimClient.Reply reply = client.post("/v1/completions", completion(seeded.defaultModel(), ids(100 + i, i % 3 * 1000),
                        ",\"max_tokens\":200"));
                answers.add(reply.json().at("/choices/0/text").asText() + "|" + reply.json().at("/choices/0/finish_reason").asText() + "|"
                        + reply.json().path("usage"));
            }
        }
        return answers;
    }
}
