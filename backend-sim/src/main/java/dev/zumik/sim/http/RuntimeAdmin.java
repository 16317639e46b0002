package dev.zumik.sim.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.SimProfile;
import dev.zumik.sim.profile.WireDialect;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The runtime's own cache-reset routes, as the real ones answer (docs/SIMULATOR.md, runtime routes), over the simulated
 * tiers: a cache tier's role is its position, 0 the engine's device cache, 1 the host tier, 2 the storage
 * tier (SGLang's {@code cache_source} device, host, storage). None of the real routes checks its own effect,
 * and neither do these: a tier named in the profile's {@code faults.ignoredResets} answers success and keeps
 * its blocks, so only counters and a probe can tell.
 *
 * <ul>
 *   <li>vLLM: {@code POST /reset_prefix_cache[?reset_external=true]}, 200 with an empty body, mounted only in
 *       dev mode ({@code VLLM_SERVER_DEV_MODE=1}), 404 otherwise;</li>
 *   <li>SGLang: {@code GET|POST /flush_cache[?timeout=s]}, 200 or 400 (busy) with SGLang's text; the radix
 *       cache and the HiCache host pool, never the storage tier; {@code POST /hicache/storage-backend/clear}
 *       (and the deprecated {@code /clear_hicache_storage_backend}); {@code GET /get_server_info};</li>
 *   <li>Dynamo over SGLang: the frontend's {@code POST /clear_kv_blocks} with {@code cleared_workers}/{@code failed_workers}
 *       (each replica a worker, its device cache cleared); the SGLang worker routes above, whose HiCache holds the
 *       host tier and whose storage backend is the Mooncake store; and the Mooncake master's
 *       {@code POST /api/v1/remove_all} (storage tier). One port stands for the frontend, the workers and the
 *       Mooncake master, whose routes do not collide.</li>
 * </ul>
 */
final class RuntimeAdmin {
    static final int DEVICE = 0;
    static final int HOST = 1;
    static final int STORAGE = 2;
    static final String FLUSHED = "Cache flushed.\nPlease check backend logs for more details. "
            + "(When there are running or waiting requests, the operation will not be performed.)\n";

    private final SimProfile profile;
    private final SimFleet fleet;
    private final Vertx vertx;
    private final boolean vllmDevMode;
    private final int tiers;

    RuntimeAdmin(final SimProfile profile, final SimFleet fleet, final Vertx vertx, final boolean vllmDevMode) {
        this.profile = profile;
        this.fleet = fleet;
        this.vertx = vertx;
        this.vllmDevMode = vllmDevMode;
        this.tiers = fleet.tierNames().length;
    }

    /** Answers the request when it is one of the runtime's admin routes; false to let the server go on. */
    boolean handle(final HttpServerRequest request) {
        final String path = request.path();
        final WireDialect wire = profile.wire();
        if (wire == WireDialect.VLLM && path.equals("/reset_prefix_cache")) {
            if (!vllmDevMode || request.method() != HttpMethod.POST) {
                return false; // not mounted outside dev mode: the server's 404
            }
            final boolean external = Boolean.parseBoolean(request.getParam("reset_external", "false"));
            clear(external ? IntStream.range(DEVICE, tiers).toArray() : new int[] {DEVICE}).thenRun(() -> request.response().setStatusCode(200).end());
            return true;
        }
        if (wire != WireDialect.SGLANG && wire != WireDialect.DYNAMO) {
            return false;
        }
        switch (path) {
            case "/flush_cache" -> flushCache(request, System.nanoTime() + seconds(request.getParam("timeout")));
            case "/hicache/storage-backend/clear", "/clear_hicache_storage_backend" -> {
                // SGLang's HiCache L3 (the dynamo profile's Mooncake store); 400 when HiCache has no storage backend
                if (tiers > STORAGE) {
                    clear(STORAGE).thenRun(() -> text(request, 200, "Hierarchical cache storage backend cleared.\n"));
                } else {
                    text(request, 400, "Failed to clear hierarchical cache storage backend.\n");
                }
            }
            case "/get_server_info", "/server_info" -> json(request, 200, serverInfo());
            case "/clear_kv_blocks" -> {
                if (wire != WireDialect.DYNAMO || request.method() != HttpMethod.POST) {
                    return false;
                }
                clear(DEVICE).thenAccept(dropped -> json(request, 200, clearedWorkers()));
            }
            case "/api/v1/remove_all" -> {
                if (wire != WireDialect.DYNAMO || request.method() != HttpMethod.POST || tiers <= STORAGE) {
                    return false;
                }
                removeAll.incrementAndGet();
                clear(STORAGE).thenAccept(dropped -> json(request, 200, Json.object().put("success", true).put("removed_count", sum(dropped))));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Mooncake master's {@code remove_all} calls, for {@code master_remove_all_requests_total}. */
    final AtomicLong removeAll = new AtomicLong();

    /**
     * SGLang's flush: only when no request runs or waits, waiting up to {@code timeout} seconds for that;
     * the radix cache and HiCache's host pool, never its storage backend.
     */
    private void flushCache(final HttpServerRequest request, final long deadline) {
        if (fleet.running() + fleet.waiting() > 0) {
            if (System.nanoTime() >= deadline) {
                text(request, 400, FLUSHED);
            } else {
                vertx.setTimer(20, id -> flushCache(request, deadline));
            }
            return;
        }
        final int[] flushed = tiers > HOST ? new int[] {DEVICE, HOST} : new int[] {DEVICE};
        clear(flushed).thenRun(() -> text(request, 200, FLUSHED));
    }

    /** Clears the tiers on every replica, except those the profile's fault makes ignore their resets. */
    private CompletableFuture<long[][]> clear(final int... wanted) {
        final int[] honoured = Arrays.stream(wanted)
                .filter(t -> t < tiers && !profile.faults().ignoredResets().contains(fleet.tierNames()[t])).toArray();
        return fleet.clearTiers(honoured);
    }

    private ObjectNode clearedWorkers() {
        final ObjectNode body = Json.object();
        final ArrayNode cleared = body.putArray("cleared_workers");
        for (int i = 0; i < fleet.size(); i++) {
            cleared.addObject().put("name", "dynamo/backend-instance-" + i).put("endpoint", "dynamo/backend/clear_kv_blocks")
                    .put("status", "Successfully cleared kv blocks for instance")
                    .put("response", "{\"status\":\"success\",\"message\":\"KV cache cleared\"}");
        }
        body.putArray("failed_workers");
        return body;
    }

    private ObjectNode serverInfo() {
        final ObjectNode info = Json.object().put("model_path", profile.defaultModel()).put("served_model_name", profile.defaultModel())
                .put("page_size", profile.blockSize()).put("context_length", profile.output().contextTokens())
                .put("enable_hierarchical_cache", tiers > HOST)
                .put("enable_cache_report", true).put("version", "0.5-sim");
        if (tiers > STORAGE) {
            info.put("hicache_storage_backend", profile.wire() == WireDialect.DYNAMO ? "mooncake" : fleet.tierNames()[STORAGE]);
        } else {
            info.putNull("hicache_storage_backend");
        }
        return info;
    }

    private static long sum(final long[][] dropped) {
        return Arrays.stream(dropped).flatMapToLong(Arrays::stream).sum();
    }

    private static long seconds(final String timeout) {
        try {
            return timeout == null ? 0 : (long) (Math.max(0, Double.parseDouble(timeout)) * 1e9);
        } catch (final NumberFormatException e) {
            return 0;
        }
    }

    private static void text(final HttpServerRequest request, final int status, final String body) {
        request.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(body);
    }

    private static void json(final HttpServerRequest request, final int status, final ObjectNode body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.toString());
    }
}
