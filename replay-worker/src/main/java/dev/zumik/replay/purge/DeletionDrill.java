package dev.zumik.replay.purge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.replay.backend.RuntimeCounters;
import dev.zumik.replay.sign.InToto;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A runtime deletion drill (docs/OPERATIONS.md, the deletion drill): no runtime's reset confirms its own effect, so the drill
 * confirms it from outside. It waits until every engine is idle, caches a fresh probe prefix and sees it
 * reported cached, snapshots each engine's counters, calls every tier's real reset on every replica, reads
 * the offload tiers' gauges, then sends the probe again and requires a miss both in the response's usage and
 * in every engine's counter deltas. Each step is recorded (endpoint, status, body); any step that fails names
 * its tier and replica, and the evidence says {@code confirmed: false}. The probe's own re-population of the
 * cache is expected and recorded.
 */
public final class DeletionDrill {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Words of the probe prompt: enough for several KV blocks on every runtime (16-token pages, 512-token Mooncake chunks). */
    static final int PROBE_WORDS = 400;
    private static final int BODY_LIMIT = 2000;

    /** The runtime families the shipped profiles run: vLLM pods (k8s-portable) or SGLang workers behind Dynamo's frontend. */
    public enum Runtime {
        VLLM, DYNAMO;

        /** The family of a BYOC profile's stack: Dynamo or SGLang in it means the dynamo recipe, else vLLM's. */
        public static Runtime of(final List<String> stack) {
            return stack.stream().anyMatch(s -> s.toLowerCase(Locale.ROOT).matches(".*(dynamo|sglang).*")) ? DYNAMO : VLLM;
        }
    }

    /**
     * Where the drill reaches the candidate.
     *
     * @param serving        the OpenAI-compatible URL the probe goes to (the gateway, or Dynamo's frontend)
     * @param engines        each replica's engine (vLLM pod or SGLang worker), called directly, not through the gateway
     * @param lmcache        LMCache internal API servers, where a deployment runs LMCache (Dynamo's vLLM backend), each cleared with
     *                       DELETE /cache/clear; the dynamo profile's SGLang workers keep their host tier in HiCache instead
     * @param mooncakeMaster the Mooncake master's admin server (the storage backend of the workers' HiCache), cleared with each
     *                       worker's POST /hicache/storage-backend/clear and the master's POST /api/v1/remove_all?force=true
     * @param adminKey       SGLang's --admin-api-key, sent as a bearer token to its admin routes
     */
    public record Targets(Runtime runtime, String candidate, URI serving, List<URI> engines, List<URI> lmcache, Optional<URI> mooncakeMaster,
                          Optional<String> adminKey, Optional<String> apiKey) {
        public Targets {
            if (engines.isEmpty()) {
                throw new IllegalArgumentException("a drill needs every replica's engine URL");
            }
        }
    }

    /** The outcome: confirmed only when every step succeeded and the probe missed everywhere. */
    public record Result(boolean confirmed, List<String> failures, ObjectNode evidence) { }

    private final Targets targets;
    private final Duration idleTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = new ArrayList<>();
    private final ObjectNode evidence = JSON.createObjectNode();

    private DeletionDrill(final Targets targets, final Duration idleTimeout) {
        this.targets = targets;
        this.idleTimeout = idleTimeout;
    }

    /** Runs the drill; never throws for what a runtime answers, only records it. */
    public static Result run(final Targets targets, final Duration idleTimeout) {
        return new DeletionDrill(targets, idleTimeout).run();
    }

    private Result run() {
        evidence.put("runtime", targets.runtime().name().toLowerCase(Locale.ROOT)).put("candidate", targets.candidate())
                .put("serving", targets.serving().toString()).put("startedAt", Instant.now().toString());
        final ArrayNode engines = evidence.putArray("engines");
        targets.engines().forEach(e -> engines.add(e.toString()));
        final String probe = probePrompt();
        evidence.put("probeSha256", InToto.sha256Hex(probe));
        if (quiesce() && warm(probe)) {
            final List<String> before = scrapeEngines("countersBefore");
            if (before != null) {
                reset();
                checkOffloadTiers();
                probe(probe, before);
            }
        }
        evidence.put("finishedAt", Instant.now().toString());
        final boolean confirmed = failures.isEmpty();
        evidence.put("confirmed", confirmed);
        final ArrayNode failed = evidence.putArray("failures");
        failures.forEach(failed::add);
        evidence.put("note", "the probe prefix is fresh random text (its sha256 above); its last send re-populates the cache with it, as expected");
        return new Result(confirmed, List.copyOf(failures), evidence);
    }

    /** Waits, up to the idle timeout, until no engine runs or queues a request (no reset acts on a busy runtime). */
    private boolean quiesce() {
        final long deadline = System.nanoTime() + idleTimeout.toNanos();
        final long started = System.nanoTime();
        final ObjectNode step = evidence.putObject("quiesce");
        while (true) {
            final List<String> busy = new ArrayList<>();
            for (final URI engine : targets.engines()) {
                final Optional<String> text = metrics(engine);
                if (text.isEmpty()) {
                    failures.add("engine " + engine + ": its /metrics cannot be read: the replica is unreachable");
                    step.put("idle", false);
                    return false;
                }
                final double running = RuntimeCounters.sum(text.get(), null, "vllm:num_requests_running", "sglang:num_running_reqs").orElse(Double.NaN);
                final double waiting = RuntimeCounters.sum(text.get(), null, "vllm:num_requests_waiting", "sglang:num_queue_reqs").orElse(Double.NaN);
                if (Double.isNaN(running) || Double.isNaN(waiting)) {
                    failures.add("engine " + engine + ": its metrics state no running/waiting gauge (vllm:num_requests_running, "
                            + "sglang:num_running_reqs): idleness cannot be seen");
                    step.put("idle", false);
                    return false;
                }
                if (running + waiting > 0) {
                    busy.add(engine + " (" + (long) running + " running, " + (long) waiting + " waiting)");
                }
            }
            if (busy.isEmpty()) {
                step.put("idle", true).put("waitedMillis", (System.nanoTime() - started) / 1_000_000);
                return true;
            }
            if (System.nanoTime() >= deadline) {
                step.put("idle", false).put("waitedMillis", (System.nanoTime() - started) / 1_000_000);
                failures.add("quiesce: not idle after " + idleTimeout.toSeconds() + " s: " + String.join(", ", busy));
                return false;
            }
            sleep(200);
        }
    }

    /** Sends the probe twice: the second must be reported cached, or a later miss would prove nothing. */
    private boolean warm(final String probe) {
        final ObjectNode step = evidence.putObject("warm");
        final Optional<Long> first = complete(probe, step.putObject("first"));
        final Optional<Long> second = first.isEmpty() ? Optional.empty() : complete(probe, step.putObject("repeat"));
        if (second.isEmpty()) {
            failures.add("warm: the probe request to " + targets.serving() + " failed");
            return false;
        }
        if (second.get() <= 0) {
            failures.add("warm: the probe prefix was not reported cached when sent again (cached_tokens 0), so a miss after the resets "
                    + "could not tell deletion from a runtime that does not cache or report; enable the cache report "
                    + "(vLLM --enable-prompt-tokens-details, SGLang --enable-cache-report)");
            return false;
        }
        return true;
    }

    /** Every engine's metrics text, recorded under {@code field}; null (with a failure) when one cannot be read. */
    private List<String> scrapeEngines(final String field) {
        final ObjectNode node = evidence.putObject(field);
        final List<String> texts = new ArrayList<>();
        for (final URI engine : targets.engines()) {
            final Optional<String> text = metrics(engine);
            if (text.isEmpty()) {
                failures.add("engine " + engine + ": its /metrics cannot be read");
                return null;
            }
            texts.add(text.get());
            node.set(engine.toString(), counters(text.get()));
        }
        return texts;
    }

    /** The runtime's resets, on every tier and replica, as its recipe says. */
    private void reset() {
        final ArrayNode steps = evidence.putArray("resets");
        if (targets.runtime() == Runtime.VLLM) {
            for (final URI engine : targets.engines()) {
                call(steps, "device+external", engine.toString(), "POST", engine.resolve("/reset_prefix_cache?reset_external=true"), null, false);
            }
            return;
        }
        final JsonNode cleared = call(steps, "device", "frontend", "POST", targets.serving().resolve("/clear_kv_blocks"), null, false);
        if (cleared != null) {
            final int failed = cleared.path("failed_workers").size();
            final int ok = cleared.path("cleared_workers").size();
            if (failed > 0 || ok < targets.engines().size()) {
                failures.add("tier device: the frontend's /clear_kv_blocks cleared " + ok + " of " + targets.engines().size()
                        + " workers, " + failed + " failed: " + cleared.path("failed_workers"));
            }
        }
        for (final URI engine : targets.engines()) {
            // not every SGLang release registers clear_kv_blocks with Dynamo: flush each worker as well (radix cache and HiCache host pool)
            call(steps, "device+host (HiCache)", engine.toString(), "POST", engine.resolve("/flush_cache?timeout=30"), null, true);
            if (targets.mooncakeMaster().isPresent()) {
                // the flush never touches HiCache's storage backend: each worker clears its own, then the master drops every key
                call(steps, "storage (HiCache backend)", engine.toString(), "POST", engine.resolve("/hicache/storage-backend/clear"), null, true);
            }
        }
        for (final URI lmcache : targets.lmcache()) {
            final JsonNode answer = call(steps, "host (LMCache)", lmcache.toString(), "DELETE", lmcache.resolve("/cache/clear"), null, false);
            if (answer != null && !"success".equals(answer.path("status").asText())) {
                failures.add("tier host (LMCache) on " + lmcache + ": /cache/clear answered " + answer);
            }
        }
        targets.mooncakeMaster().ifPresent(master -> {
            final JsonNode answer = call(steps, "storage (Mooncake)", master.toString(), "POST", master.resolve("/api/v1/remove_all?force=true"), "", false);
            if (answer != null && !answer.path("success").asBoolean(false)) {
                failures.add("tier storage (Mooncake) on " + master + ": remove_all answered " + answer);
            }
        });
    }

    /** The offload tiers' own gauges right after the resets, before the probe re-populates anything: each must hold nothing. */
    private void checkOffloadTiers() {
        final ObjectNode gauges = evidence.putObject("afterResets");
        for (final URI engine : targets.engines()) {
            metrics(engine).flatMap(text -> RuntimeCounters.sum(text, null, "lmcache:local_cache_usage")).ifPresent(bytes -> {
                gauges.put("lmcache:local_cache_usage " + engine, bytes);
                if (bytes > 0) {
                    failures.add("tier host (LMCache) on " + engine + ": lmcache:local_cache_usage is " + (long) (double) bytes + " bytes after the clear");
                }
            });
        }
        targets.mooncakeMaster().ifPresent(master -> {
            final Optional<String> text = metrics(master);
            final Optional<Double> keys = text.flatMap(t -> RuntimeCounters.sum(t, null, "master_key_count"));
            if (keys.isEmpty()) {
                failures.add("tier storage (Mooncake) on " + master + ": master_key_count cannot be read");
                return;
            }
            gauges.put("master_key_count", keys.get());
            text.flatMap(t -> RuntimeCounters.sum(t, null, "master_allocated_bytes")).ifPresent(b -> gauges.put("master_allocated_bytes", b));
            if (keys.get() > 0) {
                failures.add("tier storage (Mooncake) on " + master + ": master_key_count is " + keys.get().longValue() + " after remove_all");
            }
        });
    }

    /** The probe again: no cached token in its usage, and no engine's hit counters moved for it (naming the tier that hit). */
    private void probe(final String probe, final List<String> before) {
        final ObjectNode step = evidence.putObject("probe");
        final Optional<Long> cached = complete(probe, step);
        if (cached.isEmpty()) {
            failures.add("probe: the request to " + targets.serving() + " failed");
            return;
        }
        if (cached.get() > 0) {
            failures.add("probe: the response reported " + cached.get() + " cached tokens after the resets");
        }
        final List<String> after = scrapeEngines("countersAfter");
        if (after == null) {
            return;
        }
        double queried = 0;
        for (int i = 0; i < after.size(); i++) {
            final ObjectNode b = counters(before.get(i));
            final ObjectNode a = counters(after.get(i));
            queried += a.path("queried").asDouble() - b.path("queried").asDouble();
            for (final String tier : List.of("device", "host", "storage", "external")) {
                final double hit = a.path(tier).asDouble() - b.path(tier).asDouble();
                if (hit > 0) {
                    failures.add("tier " + tier + " on engine " + targets.engines().get(i) + ": the probe found " + (long) hit
                            + " cached tokens in the runtime's own counters after the resets");
                }
            }
        }
        step.put("queriedTokensDelta", queried);
        if (queried <= 0) {
            failures.add("probe: no engine's counters saw the probe (queried tokens +0): the engine list may miss the replica that served it");
        }
    }

    /** An engine's cache counters by tier: queried tokens, and hits on the device, host and storage tiers and a KV connector's. */
    private static ObjectNode counters(final String text) {
        final ObjectNode out = JSON.createObjectNode();
        out.put("queried", RuntimeCounters.sum(text, null, "vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total",
                "sglang:prompt_tokens_total").orElse(0.0));
        final boolean sglang = RuntimeCounters.sum(text, null, "sglang:prompt_tokens_total").isPresent();
        if (sglang) {
            for (final String source : List.of("device", "host", "storage")) {
                out.put(source, RuntimeCounters.sum(text, "cache_source=\"" + source + "\"", "sglang:cached_tokens_total").orElse(0.0));
            }
        } else {
            out.put("device", RuntimeCounters.sum(text, null, "vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total").orElse(0.0));
            out.put("external", RuntimeCounters.sum(text, null, "vllm:external_prefix_cache_hits_total").orElse(0.0));
        }
        out.put("lmcacheHitTokens", RuntimeCounters.sum(text, null, "lmcache:num_hit_tokens_total").orElse(0.0));
        return out;
    }

    /** One chat completion of the probe with max_tokens 1; the cached tokens its usage reports (absent: 0). */
    private Optional<Long> complete(final String prompt, final ObjectNode record) {
        final ObjectNode body = JSON.createObjectNode();
        final String model = model();
        body.put("model", model).put("max_tokens", 1).put("stream", false);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        final HttpRequest.Builder request = HttpRequest.newBuilder(targets.serving().resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        targets.apiKey().ifPresent(k -> request.header("Authorization", "Bearer " + k));
        try {
            final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            record.put("status", response.statusCode());
            if (response.statusCode() != 200) {
                record.put("body", truncate(response.body()));
                return Optional.empty();
            }
            final JsonNode usage = JSON.readTree(response.body()).path("usage");
            final long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
            record.put("promptTokens", usage.path("prompt_tokens").asLong()).put("cachedTokens", cached);
            return Optional.of(cached);
        } catch (final IOException e) {
            record.put("error", e.toString());
            return Optional.empty();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private String model;

    /** The served model, from the serving URL's /v1/models (the probe must name one). */
    private String model() {
        if (model == null) {
            model = get(targets.serving().resolve("/v1/models")).map(text -> {
                try {
                    return JSON.readTree(text).path("data").path(0).path("id").asText("default");
                } catch (final IOException e) {
                    return "default";
                }
            }).orElse("default");
        }
        return model;
    }

    /**
     * One reset call, recorded with its status and body; a non-2xx answer or an unreachable endpoint is a
     * failure naming the tier and replica. Returns the JSON body when there is one.
     */
    private JsonNode call(final ArrayNode steps, final String tier, final String replica, final String method, final URI url,
                          final String body, final boolean adminRoute) {
        final ObjectNode step = steps.addObject().put("tier", tier).put("replica", replica).put("method", method).put("url", url.toString());
        final HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (adminRoute) {
            targets.adminKey().ifPresent(k -> request.header("Authorization", "Bearer " + k));
        }
        try {
            final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            step.put("status", response.statusCode()).put("body", truncate(response.body()));
            if (response.statusCode() / 100 != 2) {
                failures.add("tier " + tier + " on " + replica + ": " + method + " " + url.getPath() + " answered " + response.statusCode()
                        + (response.body().isBlank() ? "" : ": " + truncate(response.body()).strip()));
                return null;
            }
            try {
                return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            } catch (final IOException notJson) {
                return JSON.createObjectNode();
            }
        } catch (final IOException e) {
            step.put("error", e.toString());
            failures.add("tier " + tier + " on " + replica + ": " + method + " " + url + " could not be reached (" + e.getClass().getSimpleName() + ")");
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted");
            return null;
        }
    }

    private Optional<String> metrics(final URI base) {
        return get(base.resolve("/metrics"));
    }

    private Optional<String> get(final URI url) {
        try {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (final IOException e) {
            return Optional.empty();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Fresh random words: a prefix no tenant sent, so a hit on it can only come from the drill's own warm-up. */
    static String probePrompt() {
        final StringBuilder text = new StringBuilder("zumik deletion drill probe");
        for (int i = 0; i < PROBE_WORDS; i++) {
            text.append(' ').append(Long.toString(RANDOM.nextLong() >>> 20, 36));
        }
        return text.toString();
    }

    private static String truncate(final String body) {
        return body.length() <= BODY_LIMIT ? body : body.substring(0, BODY_LIMIT) + "...";
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
