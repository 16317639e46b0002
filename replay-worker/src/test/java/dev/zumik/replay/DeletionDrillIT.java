package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.replay.backend.RuntimeCounters;
import dev.zumik.replay.purge.DeletionDrill;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.sim.profile.SimProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The deletion drill against the simulated runtimes, each speaking its real reset routes and metrics: a
 * warm dynamo fleet (device, HiCache host and Mooncake storage tiers) and a vLLM pod in dev mode are
 * confirmed deleted on every tier; a drill while requests run waits for them, then succeeds; a runtime
 * whose reset silently does nothing, a vLLM not started in dev mode and an unreachable replica each give
 * {@code confirmed: false} naming the tier and replica.
 */
class DeletionDrillIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldConfirmDeletionOnEveryTierOfAWarmDynamoFleet() throws Exception {
        // given a two-worker dynamo fleet whose three tiers all hold blocks: its own traffic filled HBM and spilled down
        final SimProfile profile = small(Profiles.load("dynamo", Optional.empty()), List.of());
        try (SimServer sim = SimServer.start(profile, "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER)) {
            final URI url = URI.create("http://127.0.0.1:" + sim.port());
            for (int i = 0; i < 40; i++) {
                chat(url, "tenant traffic " + i + " " + "lorem ipsum ".repeat(1500));
            }
            assertThat(gauge(sim, "master_key_count")).isGreaterThan(0);

            // when
            final DeletionDrill.Result result = DeletionDrill.run(dynamo(url), Duration.ofSeconds(10));

            // then every tier was reset and the probe missed in its usage and in every counter
            assertThat(result.failures()).isEmpty();
            assertThat(result.confirmed()).isTrue();
            assertThat(result.evidence().path("warm").path("repeat").path("cachedTokens").asLong()).isPositive();
            assertThat(result.evidence().path("probe").path("cachedTokens").asLong()).isZero();
            assertThat(result.evidence().path("afterResets").path("master_key_count").asDouble()).isZero();
            assertThat(result.evidence().path("resets").findValuesAsText("url")).anyMatch(u -> u.endsWith("/clear_kv_blocks"))
                    .anyMatch(u -> u.endsWith("/flush_cache?timeout=30")).anyMatch(u -> u.endsWith("/hicache/storage-backend/clear"))
                    .noneMatch(u -> u.endsWith("/cache/clear"))
                    .anyMatch(u -> u.endsWith("/api/v1/remove_all?force=true"));
            assertThat(result.evidence().path("resets").findValues("status")).allMatch(s -> s.asInt() == 200);
            assertThat(sim.scrape()).contains("master_remove_all_requests_total 1.0");
        }
    }

    @Test
    void shouldWaitForRunningRequestsThenConfirm() throws Exception {
        // given a request that decodes for about a second
        final SimProfile profile = small(Profiles.load("dynamo", Optional.empty()), List.of());
        try (SimServer sim = SimServer.start(profile, "127.0.0.1", 0, 1, SimFleet.Scheduler.KV_ROUTER)) {
            final URI url = URI.create("http://127.0.0.1:" + sim.port());
            final CompletableFuture<HttpResponse<String>> busy = HTTP.sendAsync(chatRequest(url, "a long answer", ",\"max_tokens\":50,\"ignore_eos\":true"),
                    HttpResponse.BodyHandlers.ofString());
            awaitRunning(sim);
            // and SGLang's own flush, asked not to wait, refuses a busy engine with its 400
            final HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(url.resolve("/flush_cache?timeout=0"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).startsWith("Cache flushed.\nPlease check backend logs");

            // when
            final DeletionDrill.Result result = DeletionDrill.run(dynamo(url), Duration.ofSeconds(30));

            // then it waited for the request, then confirmed
            assertThat(result.failures()).isEmpty();
            assertThat(result.evidence().path("quiesce").path("waitedMillis").asLong()).isGreaterThan(100);
            assertThat(busy.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldNotConfirmWhenAResetSilentlyDoesNothingAndNameTheTier() throws Exception {
        // given a runtime whose device-cache resets answer success and keep the blocks
        final SimProfile profile = small(Profiles.load("dynamo", Optional.empty()), List.of("hbm"));
        try (SimServer sim = SimServer.start(profile, "127.0.0.1", 0, 1, SimFleet.Scheduler.KV_ROUTER)) {
            final URI url = URI.create("http://127.0.0.1:" + sim.port());

            // when
            final DeletionDrill.Result result = DeletionDrill.run(dynamo(url), Duration.ofSeconds(10));

            // then every reset said yes, and the drill still says no, naming the tier and the engine
            assertThat(result.evidence().path("resets").findValues("status")).allMatch(s -> s.asInt() == 200);
            assertThat(result.confirmed()).isFalse();
            assertThat(result.evidence().path("confirmed").asBoolean(true)).isFalse();
            assertThat(result.failures()).anyMatch(f -> f.startsWith("probe: the response reported"))
                    .anyMatch(f -> f.startsWith("tier device on engine " + url) && f.contains("cached tokens in the runtime's own counters"));
        }
    }

    @Test
    void shouldConfirmAVllmPodInDevModeAndRefuseOneWithoutIt() throws Exception {
        final SimProfile profile = Profiles.load("vllm", Optional.empty());
        try (SimServer dev = SimServer.start(profile, "127.0.0.1", 0, 1, SimFleet.Scheduler.ROUND_ROBIN, true);
             SimServer plain = SimServer.start(profile, "127.0.0.1", 0, 1, SimFleet.Scheduler.ROUND_ROBIN, false)) {
            // when
            final DeletionDrill.Result confirmed = DeletionDrill.run(vllm(URI.create("http://127.0.0.1:" + dev.port())), Duration.ofSeconds(10));
            final URI plainUrl = URI.create("http://127.0.0.1:" + plain.port());
            final DeletionDrill.Result refused = DeletionDrill.run(vllm(plainUrl), Duration.ofSeconds(10));

            // then: vLLM mounts /reset_prefix_cache only in dev mode, so without it the reset is a 404 and nothing is confirmed
            assertThat(confirmed.failures()).isEmpty();
            assertThat(confirmed.confirmed()).isTrue();
            assertThat(refused.confirmed()).isFalse();
            assertThat(refused.failures()).anyMatch(f -> f.equals("tier device+external on " + plainUrl
                    + ": POST /reset_prefix_cache answered 404" + f.substring(f.indexOf("answered 404") + "answered 404".length())));
        }
    }

    @Test
    void shouldFailNamingAnUnreachableReplica() throws Exception {
        final SimProfile profile = small(Profiles.load("dynamo", Optional.empty()), List.of());
        try (SimServer sim = SimServer.start(profile, "127.0.0.1", 0, 1, SimFleet.Scheduler.KV_ROUTER)) {
            final URI url = URI.create("http://127.0.0.1:" + sim.port());
            final URI gone = URI.create("http://127.0.0.1:1");
            // when
            final DeletionDrill.Result result = DeletionDrill.run(new DeletionDrill.Targets(DeletionDrill.Runtime.DYNAMO, "dynamo", url,
                    List.of(url, gone), List.of(), Optional.of(url), Optional.empty(), Optional.empty()), Duration.ofSeconds(5));
            // then
            assertThat(result.confirmed()).isFalse();
            assertThat(result.failures()).containsExactly("engine " + gone + ": its /metrics cannot be read: the replica is unreachable");
        }
    }

    /** Every dynamo surface on the simulator's one port: frontend, workers (SGLang with HiCache) and the Mooncake master. */
    private static DeletionDrill.Targets dynamo(final URI url) {
        return new DeletionDrill.Targets(DeletionDrill.Runtime.DYNAMO, "dynamo", url, List.of(url), List.of(), Optional.of(url),
                Optional.empty(), Optional.empty());
    }

    private static DeletionDrill.Targets vllm(final URI url) {
        return new DeletionDrill.Targets(DeletionDrill.Runtime.VLLM, "k8s-portable", url, List.of(url), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /**
     * The profile with tiers small enough for 40 requests to spill into every tier (the device tier still holds
     * the whole probe, as a real one does), and the given resets ignored.
     */
    private static SimProfile small(final SimProfile base, final List<String> ignoredResets) {
        final SimProfile.Cache cache = base.cache();
        final SimProfile.Cache tiny = new SimProfile.Cache(cache.kind(), List.of(new SimProfile.Tier("hbm", 20_000, 0),
                new SimProfile.Tier("host", 10_000, 215_000), new SimProfile.Tier("nvme", 1_000_000, 79_000)), cache.minTokens(),
                cache.incrementTokens(), cache.ttlSeconds(), cache.explicitOnly());
        return base.withCache(tiny, base.blockSize()).withFaults(base.faults().withIgnoredResets(ignoredResets));
    }

    private static void chat(final URI url, final String prompt) throws Exception {
        assertThat(HTTP.send(chatRequest(url, prompt, ",\"max_tokens\":1"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private static HttpRequest chatRequest(final URI url, final String prompt, final String extra) {
        return HttpRequest.newBuilder(url.resolve("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"meta-llama/Llama-3.3-70B-Instruct\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + prompt + "\"}]" + extra + "}")).build();
    }

    private static double gauge(final SimServer sim, final String name) {
        return RuntimeCounters.sum(sim.scrape(), null, name).orElse(-1.0);
    }

    private static void awaitRunning(final SimServer sim) throws InterruptedException {
        for (int i = 0; i < 100 && gauge(sim, "sglang:num_running_reqs") < 1; i++) {
            Thread.sleep(20);
        }
        assertThat(gauge(sim, "sglang:num_running_reqs")).isEqualTo(1.0);
    }
}
